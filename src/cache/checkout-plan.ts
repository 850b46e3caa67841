// The checkout plan: what making the workspace match a target would write, remove, keep,
// and which workspace content it would destroy (conflicts).
import { CairnError } from '../core/errors.js';
import { repoPathProblem } from '../core/paths.js';
import { isDirId, type ObjectId } from '../core/ids.js';
import type { Manifest } from '../core/manifest.js';
import { badPath } from '../io/contained.js';
import type { Workspace } from './workspace.js';
import { abs, bstat } from './ws-stat.js';
import { hashTarget, loadManifest, type SnapshotWrite } from './build.js';

export interface CheckoutTarget {
  path: string;
  id: ObjectId;
  size?: number;
  /** a single file's recorded exec bit (a pointer's `isexec`); undefined: not recorded (see keepExec) */
  isexec?: boolean;
}

export interface CheckoutPlan {
  path: string;
  kind: 'file' | 'dir';
  id: ObjectId;
  /** relpaths ('' for a single file) to write from the cache */
  write: { rel: string; id: ObjectId; size: number; isexec: boolean }[];
  /** relpaths to delete: not in the manifest and their content is in the cache */
  remove: string[];
  /** relpaths whose workspace content exists nowhere else (would be lost) */
  conflicts: string[];
  /** files not in the manifest whose content is not in the cache: kept, not deleted */
  kept: string[];
  manifest?: Manifest;
  /** true when nothing needs doing */
  clean: boolean;
  /** the folder is absent: it is created even when its manifest lists no file */
  create?: boolean;
  /** the plan covers only this relpath (a file or a folder) inside the target */
  only?: string;
  /** stat-cache snapshots learned while hashing the workspace: the caller records them (recordSnapshots) */
  snapshots: SnapshotWrite[];
}

/**
 * Plan making the workspace match `target`. Pure: reads the workspace and the cache,
 * never writes; the stat-cache snapshots it learned come back in `plan.snapshots`. Needs the manifest in the cache for dirs.
 * The checkout rules (exec bit, kept files under a replaced folder, --force) are options.
 */
export interface CheckoutPlanOptions {
  /** rewrite every file from the cache even when it matches (re-apply cache.type) */
  relink?: boolean;
  /** the target's record (a pointer) does not hold a single file's exec bit: keep the workspace file's */
  keepExec?: boolean;
  /** a kept (uncached) file under a folder that a manifest file must replace would be deleted with it: a conflict */
  keptConflicts?: boolean;
  /** --force: files outside the manifest go too, cached or not (conflicts are still listed) */
  force?: boolean;
  /** plan only this relpath (a file or folder) inside a directory target; the rest is left as it is */
  only?: string;
}

export function planCheckout(ws: Workspace, target: CheckoutTarget, opts: CheckoutPlanOptions = {}): CheckoutPlan {
  ws.guard.checkTarget(target.path, { action: 'check out' });
  const p = abs(ws, target.path);
  const kind = isDirId(target.id) ? 'dir' : 'file';
  const plan: CheckoutPlan = { path: target.path, kind, id: target.id, write: [], remove: [], conflicts: [], kept: [], clean: true, snapshots: [] };
  const st = bstat(p);
  if (kind === 'file') {
    const wsExec = !!st?.isFile() && (st.mode & 0o111) !== 0;
    if (st?.isDirectory()) {
      plan.conflicts.push('');
    } else if (st) {
      const cur = hashTarget(ws, target.path, { record: plan.snapshots });
      // same content but another exec bit than the pointer records: rewritten from the
      // cache (same bytes, nothing lost) with the recorded mode
      if (cur.id === target.id && !opts.relink && (target.isexec === undefined || target.isexec === wsExec)) return plan;
      if (cur.id !== target.id && !ws.cache.has(cur.id)) plan.conflicts.push('');
    }
    plan.write.push({ rel: '', id: target.id, size: target.size ?? -1, isexec: target.isexec ?? (!!opts.keepExec && wsExec) });
    plan.clean = false;
    return plan;
  }
  const manifest = loadManifest(ws, target.id, target.path);
  // every path the manifest would write obeys the containment rule, checked before any write
  for (const e of manifest) {
    const why = repoPathProblem(`${target.path}/${e.relpath}`);
    if (why) throw badPath(`${target.path}/${e.relpath}`, `${why} (listed in the manifest ${target.id})`, { action: 'check out' });
  }
  plan.manifest = manifest;
  const only = opts.only;
  const inside = only === undefined ? () => true : (rel: string) => rel === only || rel.startsWith(only + '/');
  if (only !== undefined) {
    plan.only = only;
    if (!manifest.some((e) => inside(e.relpath))) {
      throw new CairnError('CAIRN_BAD_TARGET', `'${target.path}/${only}' is not part of '${target.path}' (its manifest lists no such file or folder)`, {
        hint: `\`cairn status ${target.path}\` shows what it holds; \`cairn checkout ${target.path}\` restores all of it`,
        data: { path: `${target.path}/${only}`, target: target.path },
      });
    }
  }
  if (st && !st.isDirectory()) {
    const cur = hashTarget(ws, target.path, { record: plan.snapshots });
    if (!ws.cache.has(cur.id)) plan.conflicts.push('');
    else plan.remove.push('');
    for (const e of manifest) plan.write.push({ rel: e.relpath, id: e.hash, size: e.size, isexec: e.isexec });
    plan.clean = false;
    return plan;
  }
  if (!st) {
    for (const e of manifest) if (inside(e.relpath)) plan.write.push({ rel: e.relpath, id: e.hash, size: e.size, isexec: e.isexec });
    // a tracked empty folder is recreated too
    plan.create = true;
    plan.clean = false;
    return plan;
  }
  const cur = hashTarget(ws, target.path, { record: plan.snapshots });
  if (cur.id === target.id && !opts.relink) return plan;
  const have = new Map(cur.manifest!.map((e) => [e.relpath, e]));
  for (const e of manifest) {
    if (!inside(e.relpath)) continue;
    const c = have.get(e.relpath);
    if (c && c.hash === e.hash && c.isexec === e.isexec && !opts.relink) continue;
    if (c && c.hash !== e.hash && !ws.cache.has(c.hash)) plan.conflicts.push(e.relpath);
    plan.write.push({ rel: e.relpath, id: e.hash, size: e.size, isexec: e.isexec });
  }
  const want = new Set(manifest.map((e) => e.relpath));
  for (const c of cur.manifest!) {
    if (want.has(c.relpath) || !inside(c.relpath)) continue;
    if (ws.cache.has(c.hash)) plan.remove.push(c.relpath);
    else plan.kept.push(c.relpath);
  }
  plan.clean = plan.write.length === 0 && plan.remove.length === 0;
  if (opts.keptConflicts && plan.kept.length) {
    const writes = new Set(plan.write.map((w) => w.rel));
    for (const k of plan.kept) {
      const segs = k.split('/');
      for (let i = 1; i < segs.length; i++) {
        if (writes.has(segs.slice(0, i).join('/'))) {
          plan.conflicts.push(k);
          break;
        }
      }
    }
  }
  if (opts.force && plan.kept.length) {
    plan.remove.push(...plan.kept);
    plan.kept = [];
    plan.clean = false;
  }
  return plan;
}

