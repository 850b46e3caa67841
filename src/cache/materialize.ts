// Linking and materialising: put cache objects into the workspace with the first link type
// that works (reflink, hardlink, symlink, copy; a reflink refusal is remembered per cache),
// and apply a checkout plan.
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { CairnError, ioError } from '../core/errors.js';
import type { ObjectId } from '../core/ids.js';
import type { Snapshot, StatRow } from './state.js';
import { tempBeside } from '../io/tempname.js';
import type { Workspace } from './workspace.js';
import type { SnapshotWrite, TargetHash } from './build.js';
import type { CheckoutPlan } from './checkout-plan.js';
import { abs, bstat, statRow } from './ws-stat.js';

export const LINK_TYPES = ['reflink', 'hardlink', 'symlink', 'copy'] as const;
export type LinkType = (typeof LINK_TYPES)[number];
export const DEFAULT_LINK_TYPES: LinkType[] = ['reflink', 'copy'];

/** Replace workspace files with links to their cache objects (hardlink/symlink modes). */
export function relinkTarget(ws: Workspace, th: TargetHash): void {
  const p = abs(ws, th.path);
  const items: { file: string; rel: string; id: ObjectId; isexec: boolean }[] =
    th.kind === 'file'
      ? [{ file: p, rel: '', id: th.id, isexec: !!th.isexec }]
      : th.manifest!.map((e) => ({ file: join(p, e.relpath), rel: e.relpath, id: e.hash, isexec: e.isexec }));
  const rows = new Map<string, StatRow>();
  for (const it of items) {
    materialize(ws, it.id, it.file, it.isexec);
    const st = bstat(it.file);
    if (st) rows.set(it.rel, statRow(st, it.id));
  }
  ws.state.save({ path: th.path, algo: ws.algo, id: th.id, rows });
}

/** link types that failed for a cache (by `type\0cacheDir`), not retried in this process */
const unsupported = new Set<string>();
/** folders this process has made or seen, so materialising 100k files does not mkdir each time */
const madeDirs = new Set<string>();

/**
 * Put a verified cache object at `dst` using the first link type that works.
 * Writes a sibling temp and renames it over dst, so dst is never half-written.
 */
export function materialize(ws: Workspace, id: ObjectId, dst: string, isexec: boolean): LinkType {
  ws.guard.checkAbs(dst, { action: 'write' });
  if (ws.linkTypes[0] === 'hardlink') {
    // already the cache object (adopted by add): renaming a link onto another name of the
    // same inode is a no-op that would leave the temp name behind
    if (ws.cache.isLinkedAt(id, dst)) return 'hardlink';
  }
  const parent = dirname(dst);
  if (!madeDirs.has(parent)) {
    mkdirSync(parent, { recursive: true });
    madeDirs.add(parent);
  }
  const tmp = tempBeside(dst);
  let lastErr: unknown;
  for (const type of ws.linkTypes) {
    if (unsupported.has(`${type}\0${ws.cache.dir}`)) continue;
    try {
      // the store hashes the bytes on their way out: a corrupt object is quarantined and
      // throws CAIRN_INTEGRITY (not retried with the next link type), dst is left as it was
      try {
        ws.cache.materialize(id, tmp, type, relative(ws.root, dst).split(sep).join('/'));
      } catch (e) {
        // a filesystem without reflinks refuses every clone; each refusal cost 0.45 ms
        // here (it creates and removes the file), so stop asking for this cache
        const code = (e as NodeJS.ErrnoException).code;
        if (type === 'reflink' && (code === 'EOPNOTSUPP' || code === 'ENOTSUP' || code === 'EXDEV' || code === 'EINVAL' || code === 'ENOSYS')) {
          unsupported.add(`reflink\0${ws.cache.dir}`);
        }
        throw e;
      }
      if (type === 'reflink' || type === 'copy') chmodSync(tmp, isexec ? 0o755 : 0o644);
      renameSync(tmp, dst);
      return type;
    } catch (e) {
      rmSync(tmp, { force: true });
      if (e instanceof CairnError && (e.code === 'CAIRN_INTEGRITY' || e.code === 'CAIRN_MISSING_FROM_CACHE')) throw e;
      lastErr = e;
    }
  }
  // the folder was remembered as made but has been removed since: make it and try again
  if ((lastErr as NodeJS.ErrnoException)?.code === 'ENOENT' && madeDirs.has(parent) && !existsSync(parent)) {
    madeDirs.delete(parent);
    return materialize(ws, id, dst, isexec);
  }
  throw ioError(lastErr, `cannot materialise (tried ${ws.linkTypes.join(', ')})`, dst);
}

/** Write the stat-cache snapshots a plan learned (planCheckout itself writes nothing). */
export function recordSnapshots(ws: Workspace, plan: { snapshots: SnapshotWrite[] }): void {
  for (const s of plan.snapshots) ws.state.save(s.snap, s.now);
  plan.snapshots = [];
}

/** Every object a plan will write, verified before the workspace is touched. */
export function verifyPlanObjects(ws: Workspace, plan: CheckoutPlan): void {
  const seen = new Set<string>();
  for (const w of plan.write) {
    if (seen.has(w.id)) continue;
    seen.add(w.id);
    const what = plan.kind === 'dir' ? `${plan.path}/${w.rel}` : plan.path;
    const p = ws.cache.verified(w.id, w.size >= 0 ? w.size : undefined, what);
    // a good object whose recorded size is wrong: the manifest or pointer lies about it
    if (w.size >= 0) {
      const size = statSync(p).size;
      if (size !== w.size) {
        throw new CairnError(plan.kind === 'dir' ? 'CAIRN_BAD_MANIFEST' : 'CAIRN_BAD_POINTER', `'${what}': ${plan.kind === 'dir' ? `the manifest ${plan.id}` : 'the pointer'} records ${w.size} bytes but object ${w.id} has ${size}`, {
          hint: plan.kind === 'dir' ? 'the manifest is corrupt or was tampered with: re-add the folder with `cairn add`' : 'fix the pointer file (`git checkout --` it) or re-add the data with `cairn add`',
          data: { path: what, id: w.id, recorded: w.size, actual: size },
        });
      }
    }
  }
}

export function applyCheckout(ws: Workspace, plan: CheckoutPlan): { written: number; removed: number; created: boolean } {
  const p = abs(ws, plan.path);
  let written = 0;
  let removed = 0;
  const rows = new Map<string, StatRow>();
  if (plan.kind === 'file') {
    const w = plan.write[0];
    if (w) {
      const st = bstat(p);
      ws.guard.checkAbs(p, { action: 'replace' });
      if (st?.isDirectory()) rmSync(p, { recursive: true, force: true });
      materialize(ws, w.id, p, w.isexec);
      written++;
    }
    const st = bstat(p);
    if (st) ws.state.save({ path: plan.path, algo: ws.algo, id: plan.id, rows: new Map([['', statRow(st, plan.id)]]) });
    return { written, removed, created: false };
  }
  ws.guard.checkTarget(plan.path, { action: 'check out' });
  if (plan.remove.includes('')) rmSync(p, { force: true });
  for (const r of plan.remove) {
    if (r === '') continue;
    ws.guard.checkAbs(join(p, r), { action: 'delete' });
    rmSync(join(p, r), { force: true });
    removed++;
    pruneEmptyParents(join(p, r), p);
  }
  const created = !bstat(p);
  mkdirSync(p, { recursive: true });
  let n = 0;
  for (const w of plan.write) {
    const dst = join(p, w.rel);
    // a directory standing where a file belongs (or a file where a parent dir belongs)
    clearWay(p, w.rel);
    materialize(ws, w.id, dst, w.isexec);
    written++;
    if (++n % 1000 === 0) ws.onProgress?.(n, plan.write.length, `checking out ${plan.path}`);
  }
  // refresh the snapshot so the next status only stats
  const snap: Snapshot = { path: plan.path, algo: ws.algo, id: plan.kept.length ? undefined : plan.id, rows };
  for (const e of plan.manifest!) {
    const st = bstat(join(p, e.relpath));
    if (st) rows.set(e.relpath, statRow(st, e.hash));
  }
  // a partial checkout (plan.only) saw only part of the folder: the old snapshot stays,
  // and the files rewritten here no longer match its rows, so they are rehashed next time
  if (plan.kept.length === 0 && plan.only === undefined) ws.state.save(snap);
  return { written, removed, created };
}

function clearWay(dirAbs: string, rel: string): void {
  const segs = rel.split('/');
  let cur = dirAbs;
  for (let i = 0; i < segs.length; i++) {
    cur = join(cur, segs[i]!);
    let st;
    try {
      st = lstatSync(cur);
    } catch {
      return;
    }
    const last = i === segs.length - 1;
    if (last && st.isDirectory()) rmSync(cur, { recursive: true, force: true });
    if (!last && !st.isDirectory()) rmSync(cur, { force: true });
  }
}

function pruneEmptyParents(fileAbs: string, stopAt: string): void {
  let d = dirname(fileAbs);
  while (d.length > stopAt.length && d.startsWith(stopAt)) {
    try {
      if (readdirSync(d).length > 0) return;
      rmdirSync(d);
    } catch {
      return;
    }
    d = dirname(d);
  }
}

