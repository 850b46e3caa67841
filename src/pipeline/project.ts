// The pipelines of a repo as one unit: every cairn.yaml loaded, the stage graph built
// against the tracked data, and the lock files read once each. Shared by repro, dag and
// status.
import { dirname, join } from 'node:path';
import { readLock, LOCK_FILE, type LockFile } from '../repo/lockfile.js';
import type { Repo } from '../repo/repo.js';
import { listTracked } from '../repo/tracked.js';
import { buildGraph, type Graph } from './graph.js';
import { loadPipelines, type Pipeline } from './load.js';

/** Pipelines + graph of a repo; `checkDeps: false` skips the "dep exists" check (dag). */
export function loadGraph(repo: Repo, opts: { checkDeps?: boolean } = {}): { pipelines: Pipeline[]; graph: Graph } {
  const pipelines = loadPipelines(repo.root);
  const graph = buildGraph(pipelines, {
    tracked: listTracked(repo).map((t) => ({ path: t.path, pointerFile: t.pointerFile })),
    exists: opts.checkDeps === false ? undefined : (r) => repo.exists(r),
  });
  return { pipelines, graph };
}

/** A memoising reader of the lock beside each pipeline file (an absent lock is empty). */
export function lockReader(root: string): (file: string) => LockFile {
  const locks = new Map<string, LockFile>();
  return (file) => {
    let l = locks.get(file);
    if (!l) {
      l = readLock(join(root, dirname(file), LOCK_FILE), root) ?? { stages: {} };
      locks.set(file, l);
    }
    return l;
  };
}
