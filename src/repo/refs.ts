// What the workspace refers to: every (path, object id) named by a pointer file.
// Push, fetch, gc and status --cloud start from here. Pipeline lock outs join this list
// through `lockRefs` once lock files are read at this layer (src/repo/lockfile.ts).
import type { HashAlgorithm } from '../core/hash.js';
import type { ObjectId } from '../core/ids.js';
import type { Repo } from './repo.js';
import { listTracked } from './tracked.js';

export interface ObjectRef {
  /** repo-relative POSIX path of the data */
  path: string;
  hash: HashAlgorithm;
  id: ObjectId;
  size?: number;
  nfiles?: number;
  /** the file that names it: a pointer file or a cairn.lock (with the stage) */
  source: string;
}

export function pointerRefs(repo: Repo): ObjectRef[] {
  return listTracked(repo).map((t) => ({
    path: t.path,
    hash: t.out.hash,
    id: t.out.id,
    size: t.out.size,
    nfiles: t.out.nfiles,
    source: t.pointerFile,
  }));
}

/** Every object the workspace refers to. */
export function workspaceRefs(repo: Repo): ObjectRef[] {
  return pointerRefs(repo);
}
