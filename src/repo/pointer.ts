// Pointer files: <path>.cairn beside the tracked file or directory, committed to git.
import { CairnError } from '../core/errors.js';
import { assertHashAlgorithm, isHashAlgorithm, type HashAlgorithm } from '../core/hash.js';
import { assertValidId, isValidId, type ObjectId } from '../core/ids.js';
import { repoPathProblem } from '../core/paths.js';
import { writeFileAtomic } from '../io/atomic.js';
import { parseOwnYaml, POINTER_KIND, readOwnText } from '../io/own-file.js';
import type { Node, YAMLMap, YAMLSeq } from 'yaml';
import { yaml } from '../io/yaml.js';

export const POINTER_SUFFIX = '.cairn';

export interface PointerOut {
  /** relative to the pointer file's directory */
  path: string;
  hash: HashAlgorithm;
  id: ObjectId;
  size: number;
  nfiles?: number;
  /** a single file's executable bit (written only when true, as DVC does) */
  isexec?: boolean;
  /** any other per-output field (desc, meta, type, labels, ...), kept as it was */
  extra?: Record<string, unknown>;
}

export interface Pointer {
  outs: PointerOut[];
  /** any other top-level keys (desc, meta, ...) kept as they were */
  extra?: Record<string, unknown>;
  /** the text it was parsed from: a rewrite edits it in place, keeping comments and layout */
  text?: string;
}

/** the fields cairn owns in an out; everything else is the user's and kept */
const OWN_FIELDS = ['path', 'hash', 'id', 'size', 'nfiles', 'isexec'] as const;

export function parsePointer(text: string, file: string): Pointer {
  const y = parseOwnYaml(text, file, POINTER_KIND);
  const data = y.value;
  /** 1-based line of the node at `path` (or its nearest existing parent) */
  const lineOf = (path: (string | number)[]): number | undefined => {
    for (let n = path.length; n >= 1; n--) {
      const node = y.doc.getIn(path.slice(0, n), true) as Node | undefined;
      const l = y.line(node);
      if (l) return l;
    }
    return undefined;
  };
  const bad = (msg: string, at: (string | number)[] = [], code: 'CAIRN_BAD_POINTER' | 'CAIRN_BAD_PATH' = 'CAIRN_BAD_POINTER'): CairnError => {
    const line = lineOf(at);
    return new CairnError(code, `${file}${line ? `:${line}` : ''}: ${msg}`, {
      hint: `restore it with \`git checkout -- ${file}\`, or re-track the data with \`cairn add\``,
      data: { file, line },
    });
  };
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw bad('expected a mapping with an `outs:` list');
  const { outs, ...extra } = data as Record<string, unknown>;
  if (!Array.isArray(outs) || outs.length === 0) throw bad('`outs:` must be a non-empty list', ['outs']);
  const seen = new Set<string>();
  const parsed: PointerOut[] = outs.map((o, i) => {
    if (!o || typeof o !== 'object') throw bad(`outs[${i}] must be a mapping`, ['outs', i]);
    const r = o as Record<string, unknown>;
    // the containment rule (docs/security.md): the pointer's own folder is inside the repo
    // and never in .git/ or .cairn/, so a path that obeys the rule stays inside too
    const why = repoPathProblem(r.path);
    if (why) throw bad(`outs[${i}].path ${JSON.stringify(r.path)} ${why}; a pointer may only name data inside the repo, beside it`, ['outs', i, 'path'], 'CAIRN_BAD_PATH');
    const p = r.path as string;
    if (p.endsWith(POINTER_SUFFIX)) throw bad(`outs[${i}].path ${JSON.stringify(p)} names a pointer file`, ['outs', i, 'path'], 'CAIRN_BAD_PATH');
    for (const q of seen) {
      if (q === p) throw bad(`outs[${i}].path ${JSON.stringify(p)} is listed twice`, ['outs', i, 'path']);
      if (p.startsWith(q + '/') || q.startsWith(p + '/')) throw bad(`outs[${i}].path ${JSON.stringify(p)} overlaps ${JSON.stringify(q)}`, ['outs', i, 'path']);
    }
    seen.add(p);
    const at = (k: string) => {
      const line = lineOf(['outs', i, k]);
      return `${file}${line ? `:${line}` : ''}: outs[${i}].${k}`;
    };
    const hash = isHashAlgorithm(r.hash) ? r.hash : assertHashAlgorithm(r.hash, at('hash'));
    const id = isValidId(hash, r.id) ? r.id : assertValidId(hash, r.id, at('id'));
    if (typeof r.size !== 'number' || !Number.isSafeInteger(r.size) || r.size < 0) throw bad(`outs[${i}].size must be a non-negative integer`, ['outs', i, 'size']);
    const out: PointerOut = { path: p, hash, id, size: r.size };
    if (r.nfiles !== undefined) {
      if (typeof r.nfiles !== 'number' || !Number.isSafeInteger(r.nfiles) || r.nfiles < 0) throw bad(`outs[${i}].nfiles must be a non-negative integer`, ['outs', i, 'nfiles']);
      out.nfiles = r.nfiles;
    }
    if (r.isexec !== undefined) {
      if (typeof r.isexec !== 'boolean') throw bad(`outs[${i}].isexec must be true or false`, ['outs', i, 'isexec']);
      if (r.isexec) out.isexec = true;
    }
    const rest = Object.entries(r).filter(([k]) => !(OWN_FIELDS as readonly string[]).includes(k));
    if (rest.length) out.extra = Object.fromEntries(rest);
    return out;
  });
  const pointer: Pointer = { outs: parsed, extra: Object.keys(extra).length ? extra : undefined };
  // not enumerable: results that carry a pointer print and compare as before
  Object.defineProperty(pointer, 'text', { value: text, enumerable: false, writable: true });
  return pointer;
}

/**
 * Read and parse a pointer file; errors name it as `display` (e.g. its repo-relative
 * path). Never follows a symlink (the file, or with `root` a folder on the way) and caps
 * the size (io/own-file.ts).
 */
export function readPointer(file: string, display: string = file, root?: string): Pointer {
  const text = readOwnText(file, POINTER_KIND, { display, root });
  if (text === undefined) {
    throw new CairnError('CAIRN_NOT_FOUND', `cannot read pointer file ${display}: no such file`, { data: { file: display } });
  }
  return parsePointer(text, display);
}

function outRecord(o: PointerOut): Record<string, unknown> {
  const r: Record<string, unknown> = { path: o.path, hash: o.hash, id: o.id, size: o.size };
  if (o.nfiles !== undefined) r.nfiles = o.nfiles;
  if (o.isexec) r.isexec = true;
  return { ...r, ...(o.extra ?? {}) };
}

export function serializePointer(p: Pointer): string {
  if (p.text !== undefined) {
    const edited = editPointerText(p);
    if (edited !== undefined) return edited;
  }
  return yaml().stringify({ ...(p.extra ?? {}), outs: p.outs.map(outRecord) });
}

/**
 * Rewrite the text a pointer was read from so it says `p`: cairn's own fields of each out
 * are set (or dropped), outs no longer listed go, new ones are appended; comments, key
 * order and every other field stay as they were (the yaml Document API). Undefined when
 * the text no longer has the expected shape (then the caller writes it afresh).
 */
function editPointerText(p: Pointer): string | undefined {
  const Y = yaml();
  const doc = Y.parseDocument(p.text!);
  if (doc.errors.length || !Y.isMap(doc.contents)) return undefined;
  const seq = doc.get('outs', true);
  if (!Y.isSeq(seq)) return undefined;
  const items = (seq as YAMLSeq).items;
  const pathOf = (n: unknown) => (Y.isMap(n) ? (n as YAMLMap).get('path') : undefined);
  const wanted = new Set(p.outs.map((o) => o.path));
  for (let i = items.length - 1; i >= 0; i--) {
    if (!wanted.has(pathOf(items[i]) as string)) items.splice(i, 1);
  }
  for (const o of p.outs) {
    const node = items.find((n) => pathOf(n) === o.path) as YAMLMap | undefined;
    if (!node) {
      items.push(doc.createNode(outRecord(o)));
      continue;
    }
    // a scalar that is there keeps its node, so a comment after the value stays too
    const set = (k: string, v: unknown) => {
      const cur = node.get(k, true);
      if (Y.isScalar(cur)) cur.value = v;
      else node.set(k, v);
    };
    set('hash', o.hash);
    set('id', o.id);
    set('size', o.size);
    if (o.nfiles !== undefined) set('nfiles', o.nfiles);
    else node.delete('nfiles');
    if (o.isexec) set('isexec', true);
    else node.delete('isexec');
  }
  return doc.toString();
}

export function writePointer(file: string, p: Pointer): void {
  writeFileAtomic(file, serializePointer(p));
}
