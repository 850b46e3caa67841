// Recording a stage's outs once they are in the workspace: hash them into the cache, and
// git-ignore the cached ones. Shared by the repro executor (after a stage ran) and by
// `commit <stage>` (outs the user produced without repro).
import { join, posix } from 'node:path';
import { hashTarget, saveTarget } from '../cache/build.js';
import type { Workspace } from '../cache/workspace.js';
import type { CairnError } from '../core/errors.js';
import { ignoreInGit } from '../repo/gitignore.js';
import type { LockEntry } from '../repo/lockfile.js';
import type { Stage } from './model.js';
import { lockPath } from './stage-state.js';

/**
 * Hash every out of the stage and put its bytes in the cache; `missing` names the first out
 * that is not there (nothing is recorded then).
 */
export function recordOuts(ws: Workspace, st: Stage): { outs: LockEntry[] } | { missing: string } {
  const outs: LockEntry[] = [];
  const noLinkBack = ws.linkTypes[0] === 'hardlink' || ws.linkTypes[0] === 'symlink';
  for (const out of st.outs) {
    let th;
    try {
      th = hashTarget(ws, out.path, { store: out.cache || !noLinkBack });
    } catch (e) {
      if ((e as CairnError).code !== 'CAIRN_NOT_FOUND') throw e;
      return { missing: out.path };
    }
    // cache: false outs live in git; their bytes still enter the cache (for the run-cache)
    // unless the link mode would turn the workspace file into a link
    if (out.cache || !noLinkBack) saveTarget(ws, th);
    const e: LockEntry = { path: lockPath(st, out.path), hash: ws.algo, id: th.id, size: th.size };
    if (th.kind === 'dir') e.nfiles = th.nfiles ?? th.manifest?.length ?? 0;
    outs.push(e);
  }
  return { outs };
}

/** Git-ignore the stage's cached outs; returns the .gitignore files changed (repo-relative). */
export function ignoreOuts(ws: Workspace, st: Stage): string[] {
  const changed: string[] = [];
  for (const out of st.outs) {
    if (!out.cache) continue;
    const dir = posix.dirname(out.path);
    const rel = dir === '.' ? '.gitignore' : `${dir}/.gitignore`;
    ws.guard.check(rel, { action: 'write' });
    if (ignoreInGit(join(ws.root, dir), posix.basename(out.path))) changed.push(rel);
  }
  return changed;
}

/**
 * Whether a run of the stage may be restored from, or recorded in, the run-cache. Not for
 * always_changed stages, nor persist outs (they carry state between runs), and, as DVC's
 * `_can_hash`, not for a stage without deps (nothing says a past run still fits: `date >
 * out`) or without outs (there would be nothing to restore).
 */
export function runCacheable(st: Stage, runCache = true): boolean {
  const hasDeps = st.deps.length + st.params.length + (st.external?.length ?? 0) > 0;
  return runCache && !st.alwaysChanged && hasDeps && st.outs.length > 0 && !st.outs.some((x) => x.persist);
}
