// Pointer files: <path>.cairn beside the tracked file or directory, committed to git.
import { readFileSync } from 'node:fs';
import { parseDocument, stringify } from 'yaml';
import { CairnError } from '../core/errors.js';
import { assertHashAlgorithm, isHashAlgorithm, type HashAlgorithm } from '../core/hash.js';
import { assertValidId, isValidId, type ObjectId } from '../core/ids.js';
import { isSafeRelpath } from '../core/paths.js';
import { writeFileAtomic } from '../io/atomic.js';
import { parseYamlText } from './config.js';

export const POINTER_SUFFIX = '.cairn';

export interface PointerOut {
  /** relative to the pointer file's directory */
  path: string;
  hash: HashAlgorithm;
  id: ObjectId;
  size: number;
  nfiles?: number;
}

export interface Pointer {
  outs: PointerOut[];
  /** any other top-level keys (desc, meta, ...) kept as they were */
  extra?: Record<string, unknown>;
}

export function parsePointer(text: string, file: string): Pointer {
  const data = parseYamlText(text, file, 'pointer file', 'CAIRN_BAD_POINTER');
  const bad = (msg: string, at: (string | number)[] = []): CairnError => {
    const line = lineOf(text, at);
    return new CairnError('CAIRN_BAD_POINTER', `${file}${line ? `:${line}` : ''}: ${msg}`, {
      hint: `restore it with \`git checkout -- ${file}\`, or re-track the data with \`cairn add\``,
      data: { file, line },
    });
  };
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw bad('expected a mapping with an `outs:` list');
  const { outs, ...extra } = data as Record<string, unknown>;
  if (!Array.isArray(outs) || outs.length === 0) throw bad('`outs:` must be a non-empty list', ['outs']);
  const parsed: PointerOut[] = outs.map((o, i) => {
    if (!o || typeof o !== 'object') throw bad(`outs[${i}] must be a mapping`, ['outs', i]);
    const r = o as Record<string, unknown>;
    if (!isSafeRelpath(r.path)) throw bad(`outs[${i}].path ${JSON.stringify(r.path)} must be a relative path inside the repo`, ['outs', i, 'path']);
    const at = (k: string) => {
      const line = lineOf(text, ['outs', i, k]);
      return `${file}${line ? `:${line}` : ''}: outs[${i}].${k}`;
    };
    // the line lookup re-parses the text: only on the error path
    const hash = isHashAlgorithm(r.hash) ? r.hash : assertHashAlgorithm(r.hash, at('hash'));
    const id = isValidId(hash, r.id) ? r.id : assertValidId(hash, r.id, at('id'));
    if (typeof r.size !== 'number' || !Number.isSafeInteger(r.size) || r.size < 0) throw bad(`outs[${i}].size must be a non-negative integer`, ['outs', i, 'size']);
    const out: PointerOut = { path: r.path, hash, id, size: r.size };
    if (r.nfiles !== undefined) {
      if (typeof r.nfiles !== 'number' || !Number.isSafeInteger(r.nfiles)) throw bad(`outs[${i}].nfiles must be an integer`, ['outs', i, 'nfiles']);
      out.nfiles = r.nfiles;
    }
    return out;
  });
  return { outs: parsed, extra: Object.keys(extra).length ? extra : undefined };
}

/** Read and parse a pointer file; errors name it as `display` (e.g. its repo-relative path) when given. */
/** 1-based line of the node at `path` (or its nearest existing parent) in YAML text; only on error paths. */
function lineOf(text: string, path: (string | number)[]): number | undefined {
  const doc = parseDocument(text);
  for (let n = path.length; n >= 1; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && Array.isArray(node.range)) return text.slice(0, node.range[0]).split('\n').length;
  }
  return undefined;
}

export function readPointer(file: string, display: string = file): Pointer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CairnError('CAIRN_NOT_FOUND', `cannot read pointer file ${display}: ${(e as Error).message}`, { data: { file: display } });
  }
  return parsePointer(text, display);
}

export function serializePointer(p: Pointer): string {
  const outs = p.outs.map((o) => {
    const r: Record<string, unknown> = { path: o.path, hash: o.hash, id: o.id, size: o.size };
    if (o.nfiles !== undefined) r.nfiles = o.nfiles;
    return r;
  });
  return stringify({ ...(p.extra ?? {}), outs });
}

export function writePointer(file: string, p: Pointer): void {
  writeFileAtomic(file, serializePointer(p));
}
