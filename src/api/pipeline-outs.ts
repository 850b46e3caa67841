// Pipeline outputs that live in the cache: the outs of every cairn.lock, less those
// declared `cache: false` in cairn.yaml (their bytes are in git). push, fetch, status
// --cloud, checkout and gc treat these like pointer-tracked data.
import type { History } from '../git/revision.js';
import { loadPipelines } from '../pipeline/load.js';
import { workspaceRefs, type ObjectRef, type UncachedOuts } from '../repo/revisions.js';
import type { Repo } from '../repo/repo.js';
import { commitView, pipelinesAt } from './history.js';

/**
 * Repo-relative paths of outputs declared `cache: false`. A pipeline file that does not
 * parse hides nothing (its outputs are then treated as cached, which keeps more); the
 * pipeline commands report the error.
 */
export function uncachedOuts(repo: Repo): Set<string> {
  const out = new Set<string>();
  try {
    for (const p of loadPipelines(repo.root)) for (const st of p.stages) for (const o of st.outs) if (!o.cache) out.add(o.path);
  } catch {
    /* reported by the pipeline commands */
  }
  return out;
}

/** `cache: false` outs at any revision (the workspace, or a commit through `history`), for the reference walk. */
export function uncachedOutsAt(repo: Repo, history: History | undefined): UncachedOuts {
  return async (src) => {
    if (!src.oid || !history) return uncachedOuts(repo);
    const out = new Set<string>();
    try {
      for (const p of await pipelinesAt(commitView(history, src.rev, src.oid))) for (const st of p.stages) for (const o of st.outs) if (!o.cache) out.add(o.path);
    } catch {
      /* as above: a pipeline that does not parse hides nothing */
    }
    return out;
  };
}

/** Lock outs whose bytes belong in the cache. */
export function cachedLockRefs(repo: Repo): ObjectRef[] {
  const refs = workspaceRefs(repo, { locks: true });
  if (refs.length === 0) return refs;
  const uncached = uncachedOuts(repo);
  return refs.filter((r) => !uncached.has(r.path));
}
