// Pipeline outputs that live in the cache: the outs of every cairn.lock, less those
// declared `cache: false` in cairn.yaml (their bytes are in git). push, fetch, status
// --cloud, checkout and gc treat these like pointer-tracked data.
import { loadPipelines } from './load.js';
import { workspaceRefs, type ObjectRef } from '../repo/revisions.js';
import type { Repo } from '../repo/repo.js';
import { listTracked, type Tracked } from '../repo/tracked.js';

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

/** Lock outs whose bytes belong in the cache. */
export function cachedLockRefs(repo: Repo): ObjectRef[] {
  const refs = workspaceRefs(repo, { locks: true });
  if (refs.length === 0) return refs;
  const uncached = uncachedOuts(repo);
  return refs.filter((r) => !uncached.has(r.path));
}

/** Stage outputs from every cairn.lock as tracked targets (`pointerFile` names lock:stage). */
export function lockTracked(repo: Repo): Tracked[] {
  return cachedLockRefs(repo).map((r) => {
    const out = { path: r.path, hash: r.hash, id: r.id, size: r.size ?? 0, ...(r.nfiles !== undefined ? { nfiles: r.nfiles } : {}) };
    return { pointerFile: r.source, pointer: { outs: [out] }, out, path: r.path, from: 'lock' as const };
  });
}

/** What checkout (and pull) restore: pointer files, then pipeline outputs recorded in cairn.lock. */
export function checkoutCandidates(repo: Repo): Tracked[] {
  return [...listTracked(repo), ...lockTracked(repo)];
}
