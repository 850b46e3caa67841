// Pointer files: <path>.cairn beside the tracked file or directory, committed to git.
import { CairnError } from '../core/errors.js';
import { assertHashAlgorithm, isHashAlgorithm, type HashAlgorithm } from '../core/hash.js';
import { assertValidId, isValidId, type ObjectId } from '../core/ids.js';
import { repoPathProblem } from '../core/paths.js';
import { writeFileAtomic } from '../io/atomic.js';
import { parseOwnYaml, POINTER_KIND, readOwnText } from '../io/own-file.js';
import type { Node, stringify } from 'yaml';
import { yaml } from '../io/yaml.js';

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
    return out;
  });
  return { outs: parsed, extra: Object.keys(extra).length ? extra : undefined };
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

export function serializePointer(p: Pointer): string {
  const outs = p.outs.map((o) => {
    const r: Record<string, unknown> = { path: o.path, hash: o.hash, id: o.id, size: o.size };
    if (o.nfiles !== undefined) r.nfiles = o.nfiles;
    return r;
  });
  return yaml().stringify({ ...(p.extra ?? {}), outs });
}

export function writePointer(file: string, p: Pointer): void {
  writeFileAtomic(file, serializePointer(p));
}
