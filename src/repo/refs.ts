// What the workspace refers to: every (path, object id) named by a pointer file.
// Push, fetch, gc and status --cloud start from here. Pipeline lock outs join this list
// through `lockRefs` once lock files are read at this layer (src/repo/lockfile.ts).
import type { HashAlgorithm } from '../core/hash.js';
import type { ObjectId } from '../core/ids.js';
import type { Repo } from './repo.js';
import { findRepoFiles } from './walk.js';
import { listTracked } from './tracked.js';
import { join, posix } from 'node:path';
import { readLock, LOCK_FILE } from './lockfile.js';

export interface ObjectRef {
  /** repo-relative POSIX path of the data */
  path: string;
  hash: HashAlgorithm;
  id: ObjectId;
  size?: number;
  nfiles?: number;
  /** what names it: a pointer file, or a stage's out in a cairn.lock */
  from: RefOrigin;
  /** the file that names it, for messages: the pointer file, or `<cairn.lock>:<stage>` */
  source: string;
}

/** Where a reference comes from: a pointer file, or an out recorded in a cairn.lock. */
export type RefOrigin = 'pointer' | 'lock';

/** The `source` of a lock out: `<lock file>:<stage>`. */
export function lockSource(lockFile: string, stage: string): string {
  return `${lockFile}:${stage}`;
}

export function pointerRefs(repo: Repo): ObjectRef[] {
  return listTracked(repo).map((t) => ({
    path: t.path,
    hash: t.out.hash,
    id: t.out.id,
    size: t.out.size,
    nfiles: t.out.nfiles,
    from: 'pointer' as const,
    source: t.pointerFile,
  }));
}

/** Every cairn.lock in the workspace (repo-relative), skipping .git, .cairn, node_modules and tracked dirs. */
export function lockFiles(repo: Repo): string[] {
  return findRepoFiles(repo.root, (n) => n === LOCK_FILE);
}

/** The outs of every stage in every cairn.lock (all outs, cache: false ones too; consumers check `has`). */
export function lockRefs(repo: Repo): ObjectRef[] {
  const refs: ObjectRef[] = [];
  for (const f of lockFiles(repo)) {
    const lock = readLock(join(repo.root, f));
    if (!lock) continue;
    const dir = posix.dirname(f);
    for (const [name, st] of Object.entries(lock.stages)) {
      for (const o of st.outs) {
        refs.push({ path: dir === '.' ? o.path : posix.join(dir, o.path), hash: o.hash, id: o.id, size: o.size, nfiles: o.nfiles, from: 'lock', source: lockSource(f, name) });
      }
    }
  }
  return refs;
}

/** Every object the workspace refers to: pointer files and pipeline lock outs. */
export function workspaceRefs(repo: Repo): ObjectRef[] {
  return [...pointerRefs(repo), ...lockRefs(repo)];
}
