// Helpers for the core tests: api calls in process, cache inspection.
import { readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { CairnError } from '../src/core/errors.js';

/** Every file under .cairn/cache/<algo>/ (objects and temp leftovers), relative to the cache dir. */
export function cacheFiles(repo: string, algo = 'xxh64x2'): string[] {
  const base = join(repo, '.cairn', 'cache', algo);
  const out: string[] = [];
  let pres: string[] = [];
  try {
    pres = readdirSync(base);
  } catch {
    return out;
  }
  for (const p of pres) for (const r of readdirSync(join(base, p))) out.push(`${p}/${r}`);
  return out.sort();
}

export function objectPath(repo: string, id: string, algo = 'xxh64x2'): string {
  return join(repo, '.cairn', 'cache', algo, id.slice(0, 2), id.slice(2));
}

/** Set a file's mtime well in the past (out of the racy-clean window). */
export function age(file: string, secondsAgo = 3600): void {
  const t = Date.now() / 1000 - secondsAgo;
  utimesSync(file, t, t);
}

export function read(file: string): string {
  return readFileSync(file, 'utf8');
}

export function mtime(file: string): number {
  return statSync(file).mtimeMs;
}

/** Await a promise expected to reject with a CairnError; returns it. */
export async function rejects(p: Promise<unknown>): Promise<CairnError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CairnError) return e;
    throw e;
  }
  throw new Error('expected a CairnError, got success');
}
