// Make the workspace match tracked targets. Three phases, so a failure leaves the workspace
// untouched:
//   1. plan every target (reads only),
//   2. refuse if a write would destroy content that exists only in the workspace,
//      and verify every object the plans need (exit 5 on a corrupt one),
//   3. apply.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gitSync } from '../git/cli.js';
import { overlaps } from '../core/paths.js';
import { hashTarget, loadManifest, type SnapshotWrite } from '../cache/build.js';
import { readKnownTargets, updateKnownTargets } from './known-targets.js';
import { sweepStaleTemps, sweepStaleTempsUnder } from '../io/tempname.js';
import { CairnError } from '../core/errors.js';
import type { ObjectId } from '../core/ids.js';
import { applyCheckout, recordSnapshots, verifyPlanObjects } from '../cache/materialize.js';
import { planCheckout, type CheckoutPlan } from '../cache/checkout-plan.js';
import type { Workspace } from '../cache/workspace.js';
import type { Repo } from './repo.js';
import { resolveTarget, selectTracked, type Tracked } from './tracked.js';

export interface CheckoutTrackedOptions {
  /** where relative targets start (default: the repo root) */
  cwd?: string;
  /** targets as typed (relative to cwd); all of `tracked` when empty */
  targets?: string[];
  /** overwrite or delete workspace content that is not in the cache */
  force?: boolean;
  /** rewrite every file from the cache even when it matches (re-apply cache.type) */
  relink?: boolean;
  /** skip targets whose objects are missing from the cache (listed in `missing`) instead of failing */
  allowMissing?: boolean;
  onProgress?: Workspace['onProgress'];
}

export interface CheckoutTargetResult {
  /** repo-relative POSIX path of the data */
  path: string;
  pointerFile: string;
  id: ObjectId;
  /** unchanged: already matched; updated: files written or removed */
  status: 'unchanged' | 'updated';
  written: number;
  removed: number;
  /** files not in the manifest whose content is not in the cache: left in place */
  kept: string[];
}

/**
 * Data cairn had put in the workspace under a pointer file that no longer exists (a `git
 * checkout` of a branch without it). removed: it was exactly what the pointer recorded and
 * that content is in the cache; kept: it was modified since, or its content is not cached.
 */
export interface VanishedTarget {
  path: string;
  id: ObjectId;
  status: 'removed' | 'kept';
  reason?: 'modified' | 'not-in-cache';
}

export interface CheckoutResult {
  targets: CheckoutTargetResult[];
  written: number;
  removed: number;
  /** targets skipped because their objects are not in the cache (only with allowMissing) */
  missing: { path: string; id: ObjectId; pointerFile: string }[];
  /** only on a checkout of everything: data whose pointer file is gone (see VanishedTarget) */
  vanished: VanishedTarget[];
}

/**
 * Check out `tracked` (every target the caller knows of: pointer files and, from the
 * pipeline layer, lock outputs), narrowed to `opts.targets`. For callers that hold the repo lock.
 */
export function checkoutTracked(repo: Repo, tracked: Tracked[], opts: CheckoutTrackedOptions): CheckoutResult {
  const ws = repo.workspace(opts.onProgress);
  const rels = (opts.targets ?? []).map((t) => resolveTarget(repo, opts.cwd ?? repo.root, t));
  const selected = checkoutTargets(repo, tracked, rels);

  // 1. plan
  const plans: { t: Tracked; plan: CheckoutPlan; only?: string }[] = [];
  const jobs = selected.flatMap((t) => partsOf(t, rels).map((only) => ({ t, only })));
  const missing: CheckoutResult['missing'] = [];
  for (const { t, only } of jobs) {
    if (t.out.hash !== repo.algo) {
      throw new CairnError('CAIRN_CONFIG', `${t.pointerFile} records hash ${t.out.hash} but this repo uses ${repo.algo}`, {
        hint: `re-add the data with \`cairn add ${t.path}\`, or set \`cairn config core.hash ${t.out.hash}\``,
        data: { file: t.pointerFile },
      });
    }
    try {
      // a pointer's `isexec: true` is restored; without it an existing file keeps its bit
      // (pointers written before cairn recorded it, and lock outs, do not say)
      const isexec = t.from === 'pointer' && t.out.isexec ? true : undefined;
      const plan = planCheckout(ws, { path: t.path, id: t.out.id, size: t.out.nfiles === undefined ? t.out.size : undefined, isexec }, {
        relink: opts.relink,
        keepExec: true,
        keptConflicts: true,
        force: opts.force,
        only,
      });
      // the plan is pure: the stat-cache snapshots it learned are written here
      recordSnapshots(ws, plan);
      // a needed file object missing from the cache counts as the target missing
      const absent = plan.write.find((w) => !repo.cache.has(w.id));
      if (absent) {
        throw new CairnError('CAIRN_MISSING_FROM_CACHE', `object ${absent.id} (${absent.rel ? `${t.path}/${absent.rel}` : t.path}) is not in the cache`, {
          hint: 'run `cairn fetch` (or `cairn pull`) to download it from the remote',
          data: { id: absent.id, path: t.path, file: t.pointerFile },
        });
      }
      plans.push({ t, plan, only });
    } catch (e) {
      if (e instanceof CairnError && e.code === 'CAIRN_MISSING_FROM_CACHE') {
        // a pipeline output missing from the cache is skipped: `cairn repro` can rebuild it
        if (opts.allowMissing || isLockOut(t)) {
          missing.push({ path: t.path, id: t.out.id, pointerFile: t.pointerFile });
          continue;
        }
        throw new CairnError('CAIRN_MISSING_FROM_CACHE', `cannot check out '${t.path}' (${t.pointerFile}): ${e.message}`, {
          hint: e.hint,
          data: { ...e.data, file: t.pointerFile, path: t.path },
        });
      }
      throw e;
    }
  }

  // 2. refuse to destroy un-cached workspace content; verify every object before writing
  if (!opts.force) {
    const files = plans.flatMap(({ plan }) => plan.conflicts.map((c) => (c ? `${plan.path}/${c}` : plan.path)));
    if (files.length > 0) {
      const shown = files.slice(0, 20).join('\n  ');
      throw new CairnError(
        'CAIRN_CHECKOUT_CONFLICT',
        `checkout would overwrite changes that are not in the cache:\n  ${shown}${files.length > 20 ? `\n  ... and ${files.length - 20} more` : ''}`,
        {
          hint: `record them first with \`cairn commit\` (or \`cairn add\`), or discard them with \`cairn checkout --force${rels.length ? ' ' + rels.join(' ') : ''}\``,
          data: { files },
        },
      );
    }
  }
  for (const { plan } of plans) verifyPlanObjects(ws, plan);
  // data whose pointer is gone: only a checkout of everything looks (it alone knows that
  // no pointer names the path); repo/known-targets.ts remembers what was there
  const vanished = rels.length === 0 ? planVanished(repo, ws, tracked) : [];

  // 3. apply
  const results: CheckoutTargetResult[] = [];
  let written = 0;
  let removed = 0;
  for (const v of vanished) {
    if (v.status !== 'removed') continue;
    repo.guard.checkTarget(v.path, { source: 'known-targets', action: 'delete' });
    rmSync(join(repo.root, v.path), { recursive: true, force: true });
  }
  for (const { t, plan, only } of plans) {
    const path = only === undefined ? t.path : `${t.path}/${only}`;
    if (plan.clean && plan.remove.length === 0) {
      results.push({ path, pointerFile: t.pointerFile, id: t.out.id, status: 'unchanged', written: 0, removed: 0, kept: plan.kept });
      continue;
    }
    const r = applyCheckout(ws, plan);
    // temp files of an earlier checkout that was killed (kill -9, power cut) go now
    const at = join(repo.root, plan.path);
    if (plan.kind === 'dir') sweepStaleTempsUnder(at);
    else sweepStaleTemps(dirname(at));
    written += r.written;
    removed += r.removed;
    results.push({
      path,
      pointerFile: t.pointerFile,
      id: t.out.id,
      status: r.written || r.removed || r.created ? 'updated' : 'unchanged',
      written: r.written,
      removed: r.removed,
      kept: plan.kept,
    });
  }
  // remember what is now in place; a checkout of everything also forgets the vanished
  const placed = plans.filter((p) => p.t.from === 'pointer' && p.only === undefined).map((p) => [p.t.path, p.t.out.id] as [string, ObjectId]);
  if (rels.length === 0) updateKnownTargets(repo, { set: placed, replace: true });
  else if (placed.length) updateKnownTargets(repo, { set: placed });
  return { targets: results, written, removed, missing, vanished };
}

/**
 * The parts of `t` a checkout of `rels` covers: [undefined] for all of it, else the
 * relpaths inside it that were named (`checkout data/sub/file` restores only that).
 */
function partsOf(t: Tracked, rels: string[]): (string | undefined)[] {
  if (rels.length === 0 || rels.some((r) => r === t.path || t.path.startsWith(r + '/'))) return [undefined];
  const inner = rels.filter((r) => r.startsWith(t.path + '/')).map((r) => r.slice(t.path.length + 1));
  // a part inside another named part is covered by it
  return inner.filter((r, i) => inner.indexOf(r) === i && !inner.some((o) => o !== r && r.startsWith(o + '/')));
}

/**
 * Remembered data that no pointer file (nor cairn.lock) names any more. The safe rule: it
 * is removed only when the workspace holds exactly the content the pointer recorded and
 * that content is in the cache (switching back and `cairn checkout` restores it); modified
 * data, data whose objects are not cached, and paths git now tracks are kept. Reads only.
 */
function planVanished(repo: Repo, ws: Workspace, tracked: Tracked[]): VanishedTarget[] {
  const out: VanishedTarget[] = [];
  for (const [path, id] of readKnownTargets(repo)) {
    if (tracked.some((t) => overlaps(t.path, path))) continue;
    if (!repo.exists(path)) continue;
    if (inGitIndex(repo.root, path)) continue;
    const record: SnapshotWrite[] = [];
    let cur;
    try {
      // a path that became a symlinked folder, or lies under a symlink leaving the repo,
      // or is neither a file nor a folder now, is not cairn's to touch: left alone
      repo.guard.checkTarget(path, { source: 'known-targets', action: 'delete' });
      cur = hashTarget(ws, path, { record });
    } catch {
      continue;
    }
    if (cur.id !== id) {
      out.push({ path, id, status: 'kept', reason: 'modified' });
      continue;
    }
    out.push(cachedWhole(ws, path, id) ? { path, id, status: 'removed' } : { path, id, status: 'kept', reason: 'not-in-cache' });
  }
  return out;
}

/** The object and, for a folder, every file object its manifest lists are in the cache. */
function cachedWhole(ws: Workspace, path: string, id: ObjectId): boolean {
  if (!ws.cache.has(id)) return false;
  if (!id.endsWith('.dir')) return true;
  try {
    return loadManifest(ws, id, path).every((e) => ws.cache.has(e.hash));
  } catch {
    return false;
  }
}

/** git tracks something at `path` (then git, not cairn, owns it); false outside git */
function inGitIndex(root: string, path: string): boolean {
  try {
    return gitSync(root, ['--literal-pathspecs', 'ls-files', '-z', '--', path]).length > 0;
  } catch {
    return false;
  }
}

/**
 * What a checkout of `rels` (repo-relative; all when empty) would write, from `tracked`.
 * Every target passes the containment check here, naming the file that named it, before
 * anything is fetched or written: `pull` calls this first.
 */
export function checkoutTargets(repo: Repo, tracked: Tracked[], rels: string[]): Tracked[] {
  const selected = selectTracked(tracked, rels);
  for (const t of selected) repo.guard.checkTarget(t.path, { source: t.pointerFile, action: 'check out' });
  return selected;
}

function isLockOut(t: Tracked): boolean {
  return t.from === 'lock';
}
