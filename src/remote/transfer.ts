// Push and fetch: compare what the local cache has with what the remote has, then move
// only the difference. Planning (which keys, which order) is kept apart from the moves.
// Rules that hold here:
//  - a directory's manifest goes up only after every one of its files did;
//  - whatever comes down lands in .cairn/tmp/, is rehashed, and enters the cache by rename
//    only if it hashes to its id (else CAIRN_INTEGRITY, exit 5), manifests are parsed as
//    untrusted input (unsafe relpaths rejected) before they are admitted.
import { now } from '../core/clock.js';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { CairnError, hashMismatchError } from '../core/errors.js';
import { hashFileSync } from '../core/hash.js';
import { isDirId, objectKey, type ObjectId } from '../core/ids.js';
import { parseManifest, type Manifest } from '../core/manifest.js';
import { OBJECT_MTIME } from '../cache/odb.js';
import type { Repo } from '../repo/repo.js';
import { KnownDirs } from './known.js';
import type { Remote, RemoteStats } from './remote.js';
import { runPool } from './pool.js';

export interface TransferItem {
  /** repo-relative path of the data, for messages */
  path: string;
  id: ObjectId;
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
  requests: RemoteStats;
}

export type Progress = (done: number, total: number, what: string) => void;

export interface TransferOptions {
  jobs: number;
  onProgress?: Progress;
}

function emptyResult(remote: Remote): TransferResult {
  return { transferred: 0, skipped: 0, bytes: 0, missing: [], failed: [], incompleteDirs: [], requests: remote.stats };
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

export async function pushObjects(repo: Repo, remote: Remote, items: TransferItem[], opts: TransferOptions): Promise<TransferResult & { pushedIds: Set<ObjectId> }> {
  const algo = repo.algo;
  const res = emptyResult(remote);
  const known = new KnownDirs(repo.paths.stateDir, remote.url);
  await remote.ready();

  // 1. what the workspace refers to, expanded through manifests in the local cache
  const dirs = new Map<ObjectId, DirInfo>();
  const files = new Map<ObjectId, string>(); // id → a path using it
  const missing = new Set<ObjectId>();
  for (const it of items) {
    if (isDirId(it.id)) {
      if (dirs.has(it.id)) continue;
      if (!repo.cache.has(it.id)) {
        if (!missing.has(it.id)) res.missing.push({ id: it.id, path: it.path });
        missing.add(it.id);
        continue;
      }
      dirs.set(it.id, { id: it.id, path: it.path, manifest: parseManifest(repo.cache.get(it.id, it.path), algo, `${it.id} (${it.path})`) });
    } else if (!files.has(it.id)) files.set(it.id, it.path);
  }

  // 2. directories whose manifest is on the remote are complete there
  const dirKeys = [...dirs.keys()].map((id) => objectKey(algo, id));
  const dirsThere = await remote.existsMany(dirKeys);
  const confirmed: ObjectId[] = [];
  const todoDirs: DirInfo[] = [];
  for (const d of dirs.values()) {
    if (dirsThere.has(objectKey(algo, d.id))) {
      confirmed.push(d.id);
      res.skipped += 1 + d.manifest.length;
    } else todoDirs.push(d);
  }
  known.add(confirmed);
  const candidates = new Map<ObjectId, string>(files);
  for (const d of todoDirs) for (const e of d.manifest) if (!candidates.has(e.hash)) candidates.set(e.hash, `${d.path}/${e.relpath}`);

  // 3. files covered by directories known to be on the remote (one HEAD per such directory)
  if (candidates.size > 8) {
    const cover = new Map<ObjectId, ObjectId[]>();
    for (const kid of known.recent(64)) {
      if (dirs.has(kid) || !repo.cache.has(kid)) continue;
      let m: Manifest;
      try {
        m = parseManifest(repo.cache.get(kid), algo, kid);
      } catch {
        continue;
      }
      const hit = m.filter((e) => candidates.has(e.hash)).map((e) => e.hash);
      if (hit.length > 0) cover.set(kid, hit);
    }
    if (cover.size > 0) {
      const there = await remote.existsMany([...cover.keys()].map((id) => objectKey(algo, id)));
      const gone: ObjectId[] = [];
      for (const [kid, hit] of cover) {
        if (!there.has(objectKey(algo, kid))) {
          gone.push(kid);
          continue;
        }
        for (const h of hit) if (candidates.delete(h)) res.skipped++;
      }
      known.forget(gone);
    }
  }

  // 4. which of the rest the remote lacks
  const local: [ObjectId, string][] = [];
  for (const [id, path] of candidates) {
    if (repo.cache.has(id)) local.push([id, path]);
    else {
      missing.add(id);
      res.missing.push({ id, path });
    }
  }
  const there = await remote.existsMany(local.map(([id]) => objectKey(algo, id)));
  const upload = local.filter(([id]) => !there.has(objectKey(algo, id)));
  res.skipped += local.length - upload.length;

  // 5. upload, then manifests of directories whose every file made it
  const failedIds = new Set<ObjectId>();
  let done = 0;
  const total = upload.length + todoDirs.length;
  let fatal: unknown;
  await runPool(
    upload.map(([id, path]) => async () => {
      if (fatal) return;
      const key = objectKey(algo, id);
      try {
        const file = repo.cache.verified(id, undefined, path); // a corrupt cache object is never pushed
        const size = statSync(file).size;
        await remote.put(key, { file, size });
        res.transferred++;
        res.bytes += size;
      } catch (e) {
        if (isFatal(e)) fatal ??= e;
        failedIds.add(id);
        res.failed.push(failure(e, id, key, path));
      }
      opts.onProgress?.(++done, total, 'push');
    }),
    opts.jobs,
  );
  if (fatal) throw fatal;
  const pushedDirs: ObjectId[] = [];
  for (const d of todoDirs) {
    const key = objectKey(algo, d.id);
    if (d.manifest.some((e) => failedIds.has(e.hash) || missing.has(e.hash))) {
      res.incompleteDirs.push({ id: d.id, path: d.path });
      continue;
    }
    try {
      const bytes = repo.cache.get(d.id, d.path);
      await remote.put(key, { bytes, size: bytes.length });
      res.transferred++;
      res.bytes += bytes.length;
      pushedDirs.push(d.id);
    } catch (e) {
      if (isFatal(e)) throw e;
      res.failed.push(failure(e, d.id, key, d.path));
    }
    opts.onProgress?.(++done, total, 'push');
  }
  known.add(pushedDirs);
  const ok = new Set<ObjectId>();
  for (const d of dirs.values()) if (confirmed.includes(d.id) || pushedDirs.includes(d.id)) ok.add(d.id);
  for (const id of files.keys()) if (!failedIds.has(id) && !missing.has(id)) ok.add(id);
  return { ...res, pushedIds: ok };
}

// --------------------------------------------------------------------------------- fetch

let tmpCounter = 0;
const madeDirs = new Set<string>();
function ensureDir(d: string): void {
  if (madeDirs.has(d)) return;
  mkdirSync(d, { recursive: true });
  madeDirs.add(d);
}
function tempFile(repo: Repo): string {
  mkdirSync(repo.paths.tmpDir, { recursive: true });
  return join(repo.paths.tmpDir, `fetch.${process.pid}.${now().toString(36)}.${(tmpCounter++).toString(36)}`);
}

/** Seal a downloaded, verified temp file into the cache (read-only, stamped, renamed). */
function admit(repo: Repo, tmp: string, id: ObjectId): void {
  const dst = repo.cache.pathOf(id);
  if (repo.cache.has(id)) {
    rmSync(tmp, { force: true });
    return;
  }
  chmodSync(tmp, 0o444);
  utimesSync(tmp, OBJECT_MTIME, OBJECT_MTIME);
  ensureDir(join(dst, '..'));
  try {
    renameSync(tmp, dst);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(join(dst, '..'), { recursive: true }); // the cache was removed meanwhile
    renameSync(tmp, dst);
  }
}

/** Download one object to .cairn/tmp and check it hashes to `id`; returns the temp path. */
async function download(repo: Repo, remote: Remote, id: ObjectId, path: string, expectedSize?: number): Promise<{ tmp: string; size: number }> {
  const key = objectKey(repo.algo, id);
  const tmp = tempFile(repo);
  try {
    await remote.get(key, tmp);
    const digest = hashFileSync(tmp, repo.factory);
    const want = isDirId(id) ? id.slice(0, -4) : id;
    if (digest.id !== want || (expectedSize !== undefined && digest.size !== expectedSize)) {
      throw hashMismatchError(`object ${key} (${path}) from remote ${remote.url}`, id, digest, {
        expectedSize,
        consequence: 'rejected, not added to the cache',
        hint: 'the copy on the remote is damaged: push a good copy from a machine that has it (`cairn push`), then fetch again',
        data: { key, path },
      });
    }
    return { tmp, size: digest.size };
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
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
  const dirs: (DirInfo & { tmp?: string })[] = [];
  const files = new Map<ObjectId, { path: string; size?: number }>();
  const seenDirs = new Set<ObjectId>();
  const pendingDirs: TransferItem[] = [];
  for (const it of items) {
    if (isDirId(it.id)) {
      if (seenDirs.has(it.id)) continue;
      seenDirs.add(it.id);
      if (repo.cache.has(it.id)) dirs.push({ id: it.id, path: it.path, manifest: parseManifest(repo.cache.get(it.id, it.path), algo, `${it.id} (${it.path})`) });
      else pendingDirs.push(it);
    } else if (!repo.cache.has(it.id) && !files.has(it.id)) files.set(it.id, { path: it.path });
    else if (repo.cache.has(it.id)) res.skipped++;
  }
  let fatal: unknown;
  await runPool(
    pendingDirs.map((it) => async () => {
      if (fatal) return;
      try {
        const { tmp, size } = await download(repo, remote, it.id, it.path);
        let manifest: Manifest;
        try {
          manifest = parseManifest(readFileSync(tmp), algo, `${objectKey(algo, it.id)} (${it.path}) from ${remote.url}`);
        } catch (e) {
          rmSync(tmp, { force: true });
          throw e;
        }
        res.bytes += size;
        dirs.push({ id: it.id, path: it.path, manifest, tmp });
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
  await runPool(
    list.map(([id, f]) => async () => {
      if (fatal) return;
      try {
        const { tmp, size } = await download(repo, remote, id, f.path, f.size);
        admit(repo, tmp, id);
        res.transferred++;
        res.bytes += size;
      } catch (e) {
        failedIds.add(id);
        if (isFatal(e)) fatal ??= e;
        else if (!onMissing(e, id, f.path)) res.failed.push(failure(e, id, objectKey(algo, id), f.path));
      }
      opts.onProgress?.(++done, list.length, 'fetch');
    }),
    opts.jobs,
  );
  if (fatal) throw fatal;

  // 3. manifests enter the cache last, once their files did
  const complete: ObjectId[] = [];
  const ok = new Set<ObjectId>();
  for (const d of dirs) {
    const whole = !d.manifest.some((e) => failedIds.has(e.hash));
    if (d.tmp) {
      if (whole) {
        admit(repo, d.tmp, d.id);
        res.transferred++;
      } else {
        rmSync(d.tmp, { force: true });
        res.incompleteDirs.push({ id: d.id, path: d.path });
      }
    }
    if (whole) {
      complete.push(d.id);
      ok.add(d.id);
    }
  }
  for (const [id] of files) if (!failedIds.has(id)) ok.add(id);
  // every file of a fetched directory was on the remote, so its manifest was there too
  known.add(complete.filter((id) => dirs.find((d) => d.id === id)?.tmp));
  return { ...res, fetchedIds: ok };
}
