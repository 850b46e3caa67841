// What the workspace held under pointer files the last time cairn put it there (add,
// commit, checkout): path → id, in .cairn/state/known-targets.json. A full checkout compares
// it with today's pointer files to find data whose pointer is gone (a `git checkout` of a
// branch without it) and removes that data when it is still exactly what was recorded
// (repo/checkout.ts). `remove` forgets its targets, so data it leaves behind is never
// deleted. Losing or corrupting the file only means nothing is removed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ObjectId } from '../core/ids.js';
import { repoPathProblem } from '../core/paths.js';
import { writeFileAtomic } from '../io/atomic.js';
import type { Repo } from './repo.js';

const FILE = 'known-targets.json';

interface KnownFile {
  v: 1;
  algo: string;
  targets: Record<string, ObjectId>;
}

function file(repo: Repo): string {
  return join(repo.paths.stateDir, FILE);
}

/** repo-relative path → id of the data cairn last put there under a pointer file */
export function readKnownTargets(repo: Repo): Map<string, ObjectId> {
  const out = new Map<string, ObjectId>();
  let d: KnownFile;
  try {
    d = JSON.parse(readFileSync(file(repo), 'utf8')) as KnownFile;
  } catch {
    return out;
  }
  if (!d || d.v !== 1 || d.algo !== repo.algo || typeof d.targets !== 'object' || d.targets === null) return out;
  for (const [p, id] of Object.entries(d.targets)) {
    // written by cairn, but a path in it is still checked like any other before use
    if (typeof id === 'string' && repoPathProblem(p) === undefined) out.set(p, id);
  }
  return out;
}

/** Record `set` (path → id) and drop `forget`; with `replace`, `set` becomes the whole list. */
export function updateKnownTargets(repo: Repo, change: { set?: Iterable<[string, ObjectId]>; forget?: Iterable<string>; replace?: boolean }): void {
  const known = change.replace ? new Map<string, ObjectId>() : readKnownTargets(repo);
  for (const [p, id] of change.set ?? []) known.set(p, id);
  for (const p of change.forget ?? []) known.delete(p);
  const d: KnownFile = { v: 1, algo: repo.algo, targets: Object.fromEntries([...known].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
  const text = JSON.stringify(d);
  let before: string | undefined;
  try {
    before = readFileSync(file(repo), 'utf8');
  } catch {
    /* absent */
  }
  // a no-op checkout writes nothing
  if (text !== before) writeFileAtomic(file(repo), text, { fsync: false });
}
