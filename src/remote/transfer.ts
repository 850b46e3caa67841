// Push and fetch: compare what the local cache has with what the remote has, then move
// only the difference. Planning (which keys, which order) is kept apart from the moves.
// Rules that hold here:
//  - a directory's manifest goes up only after every one of its files did;
//  - whatever comes down lands in .cairn/tmp/, is rehashed, and enters the cache by rename
//    only if it hashes to its id (else CAIRN_INTEGRITY, exit 5), manifests are parsed as
//    untrusted input (unsafe relpaths rejected) before they are admitted.
import { statSync } from 'node:fs';
import { CairnError, hashMismatchError } from '../core/errors.js';
import { isDirId, objectKey, type ObjectId } from '../core/ids.js';
import { parseManifest, type Manifest } from '../core/manifest.js';
import type { Incoming } from '../cache/odb.js';
import type { Repo } from '../repo/repo.js';
import { KnownDirs } from './known.js';
import { planPush, pushQueries, type PushState } from './push-plan.js';
import { RejectedObjects } from './rejected.js';
import type { Remote, RemoteStats } from './remote.js';
import { runPool } from './pool.js';
import { tempIn } from '../io/tempname.js';
import type { ByteMeter } from '../core/progress.js';

export interface TransferItem {
  /** repo-relative path of the data, for messages */
  path: string;
  id: ObjectId;
  /** bytes, when the pointer records them (a file object's size; the byte meter's total) */
  size?: number;
}

export interface TransferFailure {
  id: ObjectId;
  key: string;
  path: string;
  code: string;
  message: string;
}

export interface TransferResult {
  /** objects sent (push) or received (fetch), manifests included */
  transferred: number;
  /** objects the other side already had */
  skipped: number;
  bytes: number;
  /** objects that are nowhere to be found: not in the local cache (push) or not on the remote (fetch) */
  missing: { id: ObjectId; path: string }[];
  failed: TransferFailure[];
  /** directory manifests held back because one of their files could not be transferred */
  incompleteDirs: { id: ObjectId; path: string }[];
  /** push: objects whose copy on the remote was bad (rejected by fetch, or failed
   * --verify-remote) and was replaced by a good one */
  replaced: { id: ObjectId; path: string }[];
  requests: RemoteStats;
}

export type Progress = (done: number, total: number, what: string) => void;

export interface TransferOptions {
  jobs: number;
  onProgress?: Progress;
  /** bytes sent or received, for a progress line in bytes (core/progress.ts) */
  meter?: ByteMeter;
}

function emptyResult(remote: Remote): TransferResult {
  return { transferred: 0, skipped: 0, bytes: 0, missing: [], failed: [], incompleteDirs: [], replaced: [], requests: remote.stats };
}

function failure(e: unknown, id: ObjectId, key: string, path: string): TransferFailure {
  const err = e as { code?: string; message?: string };
  return { id, key, path, code: e instanceof CairnError ? e.code : 'CAIRN_REMOTE', message: err?.message ?? String(e) };
}

/** Permanent remote errors (credentials, missing bucket) stop the whole transfer at once. */
function isFatal(e: unknown): boolean {
  return e instanceof CairnError && (e.code === 'CAIRN_REMOTE_AUTH' || e.code === 'CAIRN_REMOTE_MISSING');
}

interface DirInfo {
  id: ObjectId;
  path: string;
  manifest: Manifest;
}

// ---------------------------------------------------------------------------------- push

export interface PushOptions extends TransferOptions {
  /** download and hash every object the remote claims to have; replace bad copies */
  verifyRemote?: boolean;
}

/**
 * Push: ask the remote what it has (directories first, then only the files no directory
 * on the remote vouches for), plan (push-plan.ts), verify what the plan asks to verify,
 * plan again, then move: files first, each directory's manifest once all its files made it.
 */
export async function pushObjects(repo: Repo, remote: Remote, items: TransferItem[], opts: PushOptions): Promise<TransferResult & { pushedIds: Set<ObjectId> }> {
  const algo = repo.algo;
  const res = emptyResult(remote);
  const known = new KnownDirs(repo.paths.stateDir, remote.url);
  const rejected = new RejectedObjects(repo.paths.stateDir, remote.url);
  const key = (id: ObjectId) => objectKey(algo, id);
  await remote.ready();

  // 1. manifests of the directories, from the local cache; which of them the remote has
  const manifests = new Map<ObjectId, Manifest>();
  const dirIds: ObjectId[] = [];
  for (const it of items) {
    if (!isDirId(it.id) || dirIds.includes(it.id)) continue;
    dirIds.push(it.id);
    if (repo.cache.has(it.id)) manifests.set(it.id, parseManifest(repo.cache.get(it.id, it.path), algo, `${it.id} (${it.path})`));
  }
  const dirKeysThere = await remote.existsMany(dirIds.map(key));
  const state: PushState = {
    items,
    manifests,
    local: (id) => repo.cache.has(id),
    dirsThere: new Set(dirIds.filter((id) => dirKeysThere.has(key(id)))),
    filesThere: new Set(),
    bad: rejected.all(),
    verify: !!opts.verifyRemote,
    verified: new Set(),
  };
  if (!state.verify) known.add([...state.dirsThere].filter((id) => manifests.has(id) && !state.bad!.has(id)));

  // 2. files covered by directories known to be on the remote (one HEAD per such directory)
  let ask = pushQueries(state);
  if (!state.verify && ask.length > 8) {
    const want = new Set(ask);
    const cover = new Map<ObjectId, ObjectId[]>();
    for (const kid of known.recent(64)) {
      if (manifests.has(kid) || !repo.cache.has(kid) || state.bad!.has(kid)) continue;
      let m: Manifest;
      try {
        m = parseManifest(repo.cache.get(kid), algo, kid);
      } catch {
        continue;
      }
      const hit = m.filter((e) => want.has(e.hash) && !state.bad!.has(e.hash)).map((e) => e.hash);
      if (hit.length > 0) cover.set(kid, hit);
    }
    if (cover.size > 0) {
      const there = await remote.existsMany([...cover.keys()].map(key));
      const gone: ObjectId[] = [];
      state.covered = new Set();
      for (const [kid, hit] of cover) {
        if (!there.has(key(kid))) gone.push(kid);
        else for (const h of hit) state.covered.add(h);
      }
      known.forget(gone);
      ask = ask.filter((id) => !state.covered!.has(id));
    }
  }

  // 3. which of the rest the remote has; the plan
  const filesThere = await remote.existsMany(ask.map(key));
  state.filesThere = new Set(ask.filter((id) => filesThere.has(key(id))));
  let plan = planPush(state);

  // 4. with --verify-remote: download and hash what the remote has; bad copies get replaced
  let fatal: unknown;
  if (plan.verify.length > 0) {
    const badNow: ObjectId[] = [];
    await runPool(
      plan.verify.map((v) => async () => {
        if (fatal) return;
        try {
          const inc = await repo.cache.receive((tmp) => remote.get(key(v.id), tmp));
          inc.discard();
          const want = isDirId(v.id) ? v.id.slice(0, -4) : v.id;
          if (inc.digest.id === want) state.verified!.add(v.id);
          else badNow.push(v.id);
        } catch (e) {
          if (isFatal(e)) fatal ??= e;
          // unreadable or gone: uploading a good copy over it is the safe answer
          else badNow.push(v.id);
        }
        opts.onProgress?.(state.verified!.size + badNow.length, plan.verify.length, 'verify');
      }),
      opts.jobs,
    );
    if (fatal) throw fatal;
    rejected.add(badNow);
    for (const id of badNow) state.bad!.add(id);
    plan = planPush(state);
  }
  res.skipped += plan.skipped;
  res.missing.push(...plan.missing);
  res.incompleteDirs.push(...plan.incompleteDirs);
  const replacing = new Set([...state.bad!]);

  // 5. upload files, then manifests of directories whose every file made it
  const failedIds = new Set<ObjectId>();
  const sent: ObjectId[] = [];
  let done = 0;
  const total = plan.upload.length + plan.manifests.length;
  const meter = opts.meter;
  if (meter && plan.upload.length) meter.start('push', plan.upload.reduce((n, u) => n + cachedSize(repo, u.id), 0));
  const onBytes = meter && ((n: number) => meter.add(n));
  await runPool(
    plan.upload.map(({ id, path }) => async () => {
      if (fatal) return;
      try {
        // hashed on the way out: a corrupt cache object is quarantined, never pushed
        const src = repo.cache.export(id, path);
        await remote.put(key(id), src, onBytes);
        res.transferred++;
        res.bytes += src.size;
        sent.push(id);
        if (replacing.has(id)) res.replaced.push({ id, path });
      } catch (e) {
        if (isFatal(e)) fatal ??= e;
        failedIds.add(id);
        res.failed.push(failure(e, id, key(id), path));
      }
      opts.onProgress?.(++done, total, 'push');
    }),
    opts.jobs,
  );
  if (meter && plan.upload.length) meter.end();
  if (fatal) throw fatal;
  const pushedDirs: ObjectId[] = [];
  for (const d of plan.manifests) {
    if (d.manifest.some((e) => failedIds.has(e.hash))) {
      res.incompleteDirs.push({ id: d.id, path: d.path });
      continue;
    }
    try {
      const bytes = repo.cache.get(d.id, d.path);
      await remote.put(key(d.id), { bytes, size: bytes.length });
      res.transferred++;
      res.bytes += bytes.length;
      pushedDirs.push(d.id);
      sent.push(d.id);
      if (replacing.has(d.id)) res.replaced.push({ id: d.id, path: d.path });
    } catch (e) {
      if (isFatal(e)) throw e;
      res.failed.push(failure(e, d.id, key(d.id), d.path));
    }
    opts.onProgress?.(++done, total, 'push');
  }
  known.add(pushedDirs);
  rejected.forget(sent);

  // what is now on the remote, for run-cache entries
  const notThere = new Set<ObjectId>([...failedIds, ...res.missing.map((m) => m.id), ...res.incompleteDirs.map((d) => d.id)]);
  for (const d of plan.verify) notThere.add(d.id);
  const ok = new Set<ObjectId>();
  for (const it of items) if (!notThere.has(it.id)) ok.add(it.id);
  return { ...res, pushedIds: ok };
}

// --------------------------------------------------------------------------------- fetch

/**
 * Download one object through the store's intake: it lands apart from the cache, is
 * hashed, and is returned uncommitted. Bytes that do not hash to `id` (or are short) are
 * discarded and throw CAIRN_INTEGRITY naming the remote key and the data path.
 */
/** an object's size in the local cache (0 when unknown): the byte meter's total for a push */
function cachedSize(repo: Repo, id: ObjectId): number {
  try {
    return statSync(repo.cache.pathOf(id)).size;
  } catch {
    return 0;
  }
}

async function download(repo: Repo, remote: Remote, id: ObjectId, path: string, expectedSize?: number, onBytes?: (n: number) => void): Promise<Incoming> {
  const key = objectKey(repo.algo, id);
  const inc = await repo.cache.receive((tmp) => remote.get(key, tmp, onBytes));
  const { digest } = inc;
  const want = isDirId(id) ? id.slice(0, -4) : id;
  if (digest.id !== want || (expectedSize !== undefined && digest.size !== expectedSize)) {
    inc.discard();
    throw hashMismatchError(`object ${key} (${path}) from remote ${remote.url}`, id, digest, {
      expectedSize,
      consequence: 'rejected, not added to the cache',
      hint: 'the copy on the remote is damaged: on a machine that has good data run `cairn push --verify-remote` (it replaces bad remote copies), then fetch again',
      data: { key, path },
    });
  }
  return inc;
}

export async function fetchObjects(repo: Repo, remote: Remote, items: TransferItem[], opts: TransferOptions): Promise<TransferResult & { fetchedIds: Set<ObjectId> }> {
  const algo = repo.algo;
  const res = emptyResult(remote);
  const known = new KnownDirs(repo.paths.stateDir, remote.url);
  await remote.ready();
  const onMissing = (e: unknown, id: ObjectId, path: string): boolean => {
    if (e instanceof CairnError && e.code === 'CAIRN_NOT_FOUND') {
      res.missing.push({ id, path });
      return true;
    }
    return false;
  };

  // 1. manifests: from the cache, or downloaded, verified and parsed (not yet admitted)
  const dirs: (DirInfo & { incoming?: Incoming })[] = [];
  const files = new Map<ObjectId, { path: string; size?: number; shown?: number }>();
  const seenDirs = new Set<ObjectId>();
  const pendingDirs: TransferItem[] = [];
  for (const it of items) {
    if (isDirId(it.id)) {
      if (seenDirs.has(it.id)) continue;
      seenDirs.add(it.id);
      if (repo.cache.has(it.id)) dirs.push({ id: it.id, path: it.path, manifest: parseManifest(repo.cache.get(it.id, it.path), algo, `${it.id} (${it.path})`) });
      else pendingDirs.push(it);
    } else if (!repo.cache.has(it.id) && !files.has(it.id)) files.set(it.id, { path: it.path, shown: it.size }); // the pointer's size: for progress only, never checked against
    else if (repo.cache.has(it.id)) res.skipped++;
  }
  let fatal: unknown;
  await runPool(
    pendingDirs.map((it) => async () => {
      if (fatal) return;
      try {
        const inc = await download(repo, remote, it.id, it.path);
        let manifest: Manifest;
        try {
          manifest = parseManifest(inc.read(), algo, `${objectKey(algo, it.id)} (${it.path}) from ${remote.url}`);
        } catch (e) {
          inc.discard();
          throw e;
        }
        res.bytes += inc.digest.size;
        dirs.push({ id: it.id, path: it.path, manifest, incoming: inc });
      } catch (e) {
        if (isFatal(e)) fatal ??= e;
        else if (!onMissing(e, it.id, it.path)) res.failed.push(failure(e, it.id, objectKey(algo, it.id), it.path));
      }
    }),
    opts.jobs,
  );
  if (fatal) throw fatal;
  for (const d of dirs) {
    for (const e of d.manifest) {
      if (repo.cache.has(e.hash)) res.skipped++;
      else if (!files.has(e.hash)) files.set(e.hash, { path: `${d.path}/${e.relpath}`, size: e.size });
    }
  }

  // 2. files: straight GETs (a missing one answers 404; no separate existence pass)
  const failedIds = new Set<ObjectId>();
  const list = [...files.entries()];
  let done = 0;
  const meter = opts.meter;
  if (meter && list.length) {
    const sizes = list.map(([, f]) => f.size ?? f.shown);
    meter.start('fetch', sizes.every((n) => n !== undefined) ? sizes.reduce((a: number, b) => a + b!, 0) : undefined);
  }
  const onBytes = meter && ((n: number) => meter.add(n));
  await runPool(
    list.map(([id, f]) => async () => {
      if (fatal) return;
      try {
        const inc = await download(repo, remote, id, f.path, f.size, onBytes);
        inc.commit(id);
        res.transferred++;
        res.bytes += inc.digest.size;
      } catch (e) {
        failedIds.add(id);
        if (isFatal(e)) fatal ??= e;
        else if (!onMissing(e, id, f.path)) res.failed.push(failure(e, id, objectKey(algo, id), f.path));
      }
      opts.onProgress?.(++done, list.length, 'fetch');
    }),
    opts.jobs,
  );
  if (meter && list.length) meter.end();
  if (fatal) throw fatal;

  // 3. manifests enter the cache last, once their files did
  const complete: ObjectId[] = [];
  const ok = new Set<ObjectId>();
  const arrived: ObjectId[] = [];
  for (const d of dirs) {
    const whole = !d.manifest.some((e) => failedIds.has(e.hash));
    if (d.incoming) {
      if (whole) {
        d.incoming.commit(d.id);
        res.transferred++;
        arrived.push(d.id);
      } else {
        d.incoming.discard();
        res.incompleteDirs.push({ id: d.id, path: d.path });
      }
    }
    if (whole) {
      complete.push(d.id);
      ok.add(d.id);
    }
  }
  for (const [id] of files) {
    if (failedIds.has(id)) continue;
    ok.add(id);
    arrived.push(id);
  }
  // remember what the remote holds corrupt copies of: the next push replaces them
  // (and forget those that now arrived good: someone replaced them)
  const rejected = new RejectedObjects(repo.paths.stateDir, remote.url);
  rejected.add(res.failed.filter((f) => f.code === 'CAIRN_INTEGRITY').map((f) => f.id));
  rejected.forget(arrived);
  // every file of a fetched directory was on the remote, so its manifest was there too
  known.add(complete.filter((id) => dirs.find((d) => d.id === id)?.incoming));
  return { ...res, fetchedIds: ok };
}
