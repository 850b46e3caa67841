// The run-cache: (cmd, dep ids, param values, out paths) → the out ids a run produced.
// One YAML file per key at <cacheDir>/runs/<key[0:2]>/<key[2:]>; the key is a sha256 of the
// canonical JSON of what went in, so a combination seen before can be restored, not rerun.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CairnError, ioError } from '../core/errors.js';
import { isHashAlgorithm, type HashAlgorithm } from '../core/hash.js';
import { isValidId, type ObjectId } from '../core/ids.js';
import { isSafeRelpath } from '../core/paths.js';
import { writeFileAtomic } from '../io/atomic.js';
import type { parse, stringify } from 'yaml';
import { yaml } from '../io/yaml.js';

export const RUNS_DIR = 'runs';

export interface RunEntryItem { path: string; hash: HashAlgorithm; id: ObjectId; size: number; nfiles?: number }
export interface RunEntry {
  cmd: string | string[];
  deps: RunEntryItem[];
  params: Record<string, Record<string, unknown>>;
  outs: RunEntryItem[];
}

/** Stable JSON: object keys sorted at every level. */
function stable(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stable(o[k])}`).join(',')}}`;
}

/** 64-hex key of what a run consumed: cmd, dep (path, id), param values, out paths. */
export function runKey(input: { cmd: string | string[]; deps: { path: string; id: ObjectId }[]; params: Record<string, Record<string, unknown>>; outPaths: string[] }): string {
  const canon = {
    cmd: input.cmd,
    deps: [...input.deps].map((d) => [d.path, d.id]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    params: input.params,
    outs: [...input.outPaths].sort(),
  };
  return createHash('sha256').update(stable(canon)).digest('hex');
}

export function runEntryFile(cacheDir: string, key: string): string {
  return join(cacheDir, RUNS_DIR, key.slice(0, 2), key.slice(2));
}

export function listRunEntries(cacheDir: string): { key: string; file: string }[] {
  const base = join(cacheDir, RUNS_DIR);
  const out: { key: string; file: string }[] = [];
  let prefixes: string[];
  try {
    prefixes = readdirSync(base);
  } catch {
    return out;
  }
  for (const p of prefixes.sort()) {
    if (!/^[0-9a-f]{2}$/.test(p)) continue;
    let rest: string[];
    try {
      rest = readdirSync(join(base, p));
    } catch {
      continue;
    }
    for (const r of rest.sort()) if (/^[0-9a-f]{62}$/.test(r)) out.push({ key: p + r, file: join(base, p, r) });
  }
  return out;
}

function items(v: unknown, file: string, what: string): RunEntryItem[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new CairnError('CAIRN_INTEGRITY', `run-cache entry ${file}: ${what} must be a list`, { data: { file } });
  return v.map((x, i) => {
    const e = x as Record<string, unknown>;
    if (!e || !isSafeRelpath(e.path) || !isHashAlgorithm(e.hash) || !isValidId(e.hash, e.id) || typeof e.size !== 'number') {
      throw new CairnError('CAIRN_INTEGRITY', `run-cache entry ${file}: ${what}[${i}] is malformed`, {
        hint: `remove it (\`rm ${file}\`); the next repro rebuilds it`,
        data: { file },
      });
    }
    const it: RunEntryItem = { path: e.path, hash: e.hash, id: e.id as string, size: e.size };
    if (typeof e.nfiles === 'number') it.nfiles = e.nfiles;
    return it;
  });
}

export function readRunEntry(file: string): RunEntry {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw ioError(e, 'cannot read run-cache entry', file);
  }
  let data: Record<string, unknown>;
  try {
    data = yaml().parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new CairnError('CAIRN_INTEGRITY', `run-cache entry ${file}: malformed YAML: ${(e as Error).message.split('\n')[0]}`, { data: { file } });
  }
  if (!data || typeof data !== 'object') throw new CairnError('CAIRN_INTEGRITY', `run-cache entry ${file}: expected a mapping`, { data: { file } });
  const cmd = data.cmd;
  if (!(typeof cmd === 'string' || (Array.isArray(cmd) && cmd.every((c) => typeof c === 'string')))) {
    throw new CairnError('CAIRN_INTEGRITY', `run-cache entry ${file}: cmd must be a string or list`, { data: { file } });
  }
  return {
    cmd: cmd as string | string[],
    deps: items(data.deps, file, 'deps'),
    params: (data.params && typeof data.params === 'object' ? data.params : {}) as RunEntry['params'],
    outs: items(data.outs, file, 'outs'),
  };
}

/** Read the entry for a key, or undefined when absent or unreadable. */
export function findRunEntry(cacheDir: string, key: string): RunEntry | undefined {
  try {
    return readRunEntry(runEntryFile(cacheDir, key));
  } catch {
    return undefined;
  }
}

export function writeRunEntry(cacheDir: string, key: string, entry: RunEntry): void {
  const file = runEntryFile(cacheDir, key);
  mkdirSync(join(cacheDir, RUNS_DIR, key.slice(0, 2)), { recursive: true });
  const item = (e: RunEntryItem) => (e.nfiles === undefined ? { path: e.path, hash: e.hash, id: e.id, size: e.size } : { path: e.path, hash: e.hash, id: e.id, size: e.size, nfiles: e.nfiles });
  writeFileAtomic(file, yaml().stringify({ cmd: entry.cmd, deps: entry.deps.map(item), params: entry.params, outs: entry.outs.map(item) }, { lineWidth: 0, singleQuote: true }));
}

export function removeRunEntry(cacheDir: string, key: string): void {
  rmSync(runEntryFile(cacheDir, key), { force: true });
}
