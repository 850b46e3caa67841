// The one reader for cairn's own files: pointer files, cairn.yaml, cairn.lock, params and
// vars files, .cairn/config*.yaml. Anyone may have committed them, so reading one:
//   - never follows a symlink (O_NOFOLLOW on the file; with a root, no symlinked parent
//     folder either): a pointer linked to /dev/zero or ~/.ssh/id_rsa is refused;
//   - reads only regular files (a FIFO or device is refused, opened non-blocking so it
//     cannot hang) and at most OWN_FILE_MAX_BYTES;
//   - parses YAML with a bound on alias expansion (an alias bomb is an error, not 16 GB);
// and every failure is a CairnError with the file's code (CAIRN_BAD_POINTER, ...), naming
// the file and, for YAML, the line.
import { closeSync, constants as fsc, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import { CairnError, type ErrorCode } from '../core/errors.js';
import type { Document, LineCounter, Node, YAMLParseError, parseDocument, visit } from 'yaml';
import { yaml } from './yaml.js';

/** Largest own file cairn reads (a cairn.lock of thousands of stages is a few MB). */
export const OWN_FILE_MAX_BYTES = 16 * 1024 * 1024;
/** yaml's maxAliasCount: how far aliases may expand (the yaml package's own default). */
export const YAML_MAX_ALIASES = 100;

export type OwnFileCode = Extract<ErrorCode, 'CAIRN_CONFIG' | 'CAIRN_BAD_POINTER' | 'CAIRN_BAD_PIPELINE' | 'CAIRN_BAD_LOCK' | 'CAIRN_BAD_PARAMS'>;

/** What kind of file it is, for messages and the error code. */
export interface OwnFileKind {
  /** 'pointer file', 'pipeline file', 'lock file', 'params file', 'config' */
  what: string;
  code: OwnFileCode;
  /** hint for an unreadable or malformed file (default: fix it or restore it from git) */
  hint?: string;
}

export const POINTER_KIND: OwnFileKind = { what: 'pointer file', code: 'CAIRN_BAD_POINTER' };
export const PIPELINE_KIND: OwnFileKind = { what: 'pipeline file', code: 'CAIRN_BAD_PIPELINE' };
export const LOCK_KIND: OwnFileKind = { what: 'lock file', code: 'CAIRN_BAD_LOCK' };
export const PARAMS_KIND: OwnFileKind = { what: 'params file', code: 'CAIRN_BAD_PARAMS' };
export const CONFIG_KIND: OwnFileKind = { what: 'config', code: 'CAIRN_CONFIG' };

function fail(kind: OwnFileKind, file: string, msg: string, line?: number, cause?: unknown): CairnError {
  return new CairnError(kind.code, `${file}${line ? `:${line}` : ''}: ${msg}`, {
    hint: kind.hint ?? `fix ${file}${line ? ` near line ${line}` : ''}, or restore it with \`git checkout -- ${file.replace(/[@ ].*$/, '')}\``,
    data: { file, line },
    cause,
  });
}

export interface ReadOwnOptions {
  /** how errors name the file (default: the path) */
  display?: string;
  /** with a root: `path` must lie under it and no folder between them may be a symlink */
  root?: string;
  maxBytes?: number;
}

/**
 * The bytes of one of cairn's own files as UTF-8 text, or undefined when it does not
 * exist. Refuses symlinks (the file or, with `root`, a parent folder), non-regular files
 * and files over the size cap.
 */
export function readOwnText(path: string, kind: OwnFileKind, opts: ReadOwnOptions = {}): string | undefined {
  const display = opts.display ?? path;
  const max = opts.maxBytes ?? OWN_FILE_MAX_BYTES;
  if (opts.root !== undefined) {
    const root = opts.root.replace(/\/+$/, '');
    if (!path.startsWith(root + '/')) throw fail(kind, display, `lies outside the repository; refusing to read it`);
    const segs = path.slice(root.length + 1).split('/');
    let cur = root;
    for (let i = 0; i < segs.length - 1; i++) {
      cur = `${cur}/${segs[i]}`;
      let st;
      try {
        st = lstatSync(cur);
      } catch {
        return undefined; // a parent is missing (or is a file): so is the file
      }
      if (st.isSymbolicLink()) throw fail(kind, display, `the folder '${segs.slice(0, i + 1).join('/')}' on the way to it is a symlink; cairn does not follow symlinks to read its own files`);
      if (!st.isDirectory()) return undefined;
    }
  }
  let fd: number;
  try {
    fd = openSync(path, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ELOOP' || code === 'EMLINK') throw fail(kind, display, `is a symlink; cairn does not follow symlinks to read its own files`, undefined, e);
    if (code === 'EISDIR') throw fail(kind, display, `is a folder, not a file`, undefined, e);
    if (code === 'ENAMETOOLONG') throw fail(kind, display, `the path is too long for this filesystem`, undefined, e);
    throw fail(kind, display, `cannot read it: ${(e as Error).message}`, undefined, e);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw fail(kind, display, `is a folder, not a file`);
    if (!st.isFile()) throw fail(kind, display, `is not a regular file (a device, FIFO or socket); refusing to read it`);
    if (st.size > max) throw fail(kind, display, `is ${st.size} bytes, over the ${max}-byte limit for cairn's own files`);
    // read at most max+1 bytes whatever fstat said (the file may grow while it is read)
    const chunks: Buffer[] = [];
    let total = 0;
    let buf = Buffer.allocUnsafe(Math.min(max + 1, st.size + 1));
    let off = 0;
    for (;;) {
      const n = readSync(fd, buf, off, buf.length - off, null);
      if (n === 0) break;
      off += n;
      total += n;
      if (total > max) throw fail(kind, display, `is over the ${max}-byte limit for cairn's own files`);
      if (off === buf.length) {
        chunks.push(buf);
        buf = Buffer.allocUnsafe(Math.min(65536, max + 1 - total));
        off = 0;
      }
    }
    chunks.push(buf.subarray(0, off));
    return Buffer.concat(chunks, total).toString('utf8');
  } catch (e) {
    if (e instanceof CairnError) throw e;
    throw fail(kind, display, `cannot read it: ${(e as Error).message}`, undefined, e);
  } finally {
    closeSync(fd);
  }
}

export interface ParsedYaml {
  doc: Document;
  lc: LineCounter;
  /** the document as plain JS (aliases resolved, bounded) */
  value: unknown;
  /** 1-based line of a node, for error messages */
  line(node: Node | null | undefined): number | undefined;
  /** a node as plain JS, aliases resolved with the same bound */
  js(node: Node | null | undefined): unknown;
}

/**
 * Parse YAML text of one of cairn's own files: duplicate keys and syntax errors are errors
 * naming the file and line; alias expansion is bounded (YAML_MAX_ALIASES).
 */
export function parseOwnYaml(text: string, file: string, kind: OwnFileKind): ParsedYaml {
  const lc = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e instanceof yaml().YAMLParseError && e.linePos ? e.linePos[0].line : Array.isArray(e.pos) && typeof e.pos[0] === 'number' ? lc.linePos(e.pos[0]).line : undefined;
    throw fail(kind, file, `malformed ${kind.what}: ${e.message.split('\n')[0]}`, line);
  }
  const line = (node: Node | null | undefined): number | undefined => {
    const r = (node as { range?: [number, number, number] } | null | undefined)?.range;
    return r ? lc.linePos(r[0]).line : undefined;
  };
  const js = (node: Node | null | undefined): unknown => {
    if (node === null || node === undefined) return null;
    try {
      return (node as Node).toJS(doc, { maxAliasCount: YAML_MAX_ALIASES });
    } catch (e) {
      throw aliasError(e, doc, kind, file, line);
    }
  };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: YAML_MAX_ALIASES });
  } catch (e) {
    throw aliasError(e, doc, kind, file, line);
  }
  return { doc, lc, value, line, js };
}

function aliasError(e: unknown, doc: Document, kind: OwnFileKind, file: string, line: (n: Node | null | undefined) => number | undefined): CairnError {
  let at: number | undefined; // line of the first alias, the usual culprit
  yaml().visit(doc, {
    Alias(_k, node) {
      at = line(node as unknown as Node);
      return yaml().visit.BREAK;
    },
  });
  const msg = (e as Error)?.message ?? String(e);
  const bomb = /Excessive alias count/.test(msg);
  return fail(kind, file, bomb ? `YAML aliases expand too far (over ${YAML_MAX_ALIASES}; an alias bomb?)` : `malformed ${kind.what}: ${msg}`, at, e);
}

/** Read and parse one of cairn's own YAML files; undefined when it does not exist. */
export function readOwnYaml(path: string, kind: OwnFileKind, opts: ReadOwnOptions = {}): ParsedYaml | undefined {
  const text = readOwnText(path, kind, opts);
  return text === undefined ? undefined : parseOwnYaml(text, opts.display ?? path, kind);
}

/** Parse JSON text of one of cairn's own files (a params.json), naming the file on error. */
export function parseOwnJson(text: string, file: string, kind: OwnFileKind): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : undefined;
    throw fail(kind, file, `malformed JSON: ${(e as Error).message}`, line, e);
  }
}
