// Pointer files: <path>.cairn beside the tracked file or directory, committed to git.
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { CairnError } from '../core/errors.js';
import { assertHashAlgorithm, type HashAlgorithm } from '../core/hash.js';
import { assertValidId, type ObjectId } from '../core/ids.js';
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
  const bad = (msg: string): CairnError =>
    new CairnError('CAIRN_BAD_POINTER', `${file}: ${msg}`, {
      hint: `restore it with \`git checkout -- ${file}\`, or re-track the data with \`cairn add\``,
      data: { file },
    });
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw bad('expected a mapping with an `outs:` list');
  const { outs, ...extra } = data as Record<string, unknown>;
  if (!Array.isArray(outs) || outs.length === 0) throw bad('`outs:` must be a non-empty list');
  const parsed: PointerOut[] = outs.map((o, i) => {
    if (!o || typeof o !== 'object') throw bad(`outs[${i}] must be a mapping`);
    const r = o as Record<string, unknown>;
    if (!isSafeRelpath(r.path)) throw bad(`outs[${i}].path ${JSON.stringify(r.path)} must be a relative path inside the repo`);
    const hash = assertHashAlgorithm(r.hash, `${file}: outs[${i}].hash`);
    const id = assertValidId(hash, r.id, `${file}: outs[${i}].id`);
    if (typeof r.size !== 'number' || !Number.isSafeInteger(r.size) || r.size < 0) throw bad(`outs[${i}].size must be a non-negative integer`);
    const out: PointerOut = { path: r.path, hash, id, size: r.size };
    if (r.nfiles !== undefined) {
      if (typeof r.nfiles !== 'number' || !Number.isSafeInteger(r.nfiles)) throw bad(`outs[${i}].nfiles must be an integer`);
      out.nfiles = r.nfiles;
    }
    return out;
  });
  return { outs: parsed, extra: Object.keys(extra).length ? extra : undefined };
}

/** Read and parse a pointer file; errors name it as `display` (e.g. its repo-relative path) when given. */
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
