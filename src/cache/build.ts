// Building and saving a target: hash it through the stat cache (its manifest for a folder),
// store its objects in the cache, read manifests back.
import { now as clockNow } from '../core/clock.js';
import { join } from 'node:path';
import { CairnError } from '../core/errors.js';
import { isDirId, type ObjectId } from '../core/ids.js';
import { diffManifests, digestManifest, parseManifest, sortManifest, type Manifest, type ManifestDiff } from '../core/manifest.js';
import { rowMatches, type Snapshot, type StatRow } from './state.js';
import { hashFiles, processFiles, type StoredDigest } from './hash-files.js';
import { statAt, statMany } from '../io/stat-many.js';
import type { Workspace } from './workspace.js';
import { abs, bstat, isExec, statRow, type StatFields } from './ws-stat.js';
import { stampsHold, walkDir, walkStamps, type Walk } from './walk.js';
import { relinkTarget } from './materialize.js';

export interface TargetHash {
  /** repo-relative POSIX path */
  path: string;
  kind: 'file' | 'dir';
  id: ObjectId;
  size: number;
  nfiles?: number;
  isexec?: boolean;
  manifest?: Manifest;
  manifestBytes?: Buffer;
  /** how many files were read and hashed (the rest came from the stat cache) */
  hashed: number;
  /** entries skipped while walking (dangling or directory symlinks) */
  skipped: string[];
  /** every file is known to be in the cache (hashed with `store`, or unchanged since) */
  stored?: boolean;
  /** with `store`: objects (and their bytes) that were new to the cache */
  addedObjects?: number;
  addedBytes?: number;
}

/** A stat-cache snapshot to write, with the clock reading its racy rule is judged by. */
export interface SnapshotWrite {
  snap: Snapshot;
  now: number;
}

/**
 * Hash a target through the stat cache: files whose (inode, mtime_ns, size) match the
 * snapshot are not read. Throws CAIRN_NOT_FOUND when the target does not exist.
 */
export function hashTarget(ws: Workspace, rel: string, opts: { store?: boolean; record?: SnapshotWrite[] } = {}): TargetHash {
  // with `record`, the snapshots learned are handed back instead of written (planCheckout)
  const save = (snap: Snapshot, now = clockNow()): void => {
    if (opts.record) opts.record.push({ snap, now });
    else ws.state.save(snap, now);
  };
  // With store, files the stat cache does not know are hashed while they are written into
  // the cache (one read instead of two); see saveTarget.
  const hashOrStore = (paths: string[], onProgress?: (done: number) => void): StoredDigest[] =>
    opts.store ? storeFiles(ws, paths, onProgress) : hashFiles(ws.factory, paths, onProgress, ws.algo);
  const p = abs(ws, rel);
  const st = bstat(p);
  if (!st) {
    throw new CairnError('CAIRN_NOT_FOUND', `'${rel}' does not exist`, {
      hint: 'check the path (relative to the current folder; `ls` shows what is there); `cairn status` lists what is tracked',
      data: { path: rel },
    });
  }
  const snap = ws.state.load(rel, ws.algo);
  if (st.isFile()) {
    const row = snap.rows.get('');
    if (rowMatches(row, st) && row![3]) {
      return { path: rel, kind: 'file', id: row![3], size: Number(st.size), isexec: isExec(st), hashed: 0, skipped: [] };
    }
    const [d] = hashOrStore([p]);
    const after = bstat(p) ?? st;
    save({ path: rel, algo: ws.algo, id: d!.id, rows: new Map([['', statRow(after, d!.id)]]) });
    return {
      path: rel,
      kind: 'file',
      id: d!.id,
      size: d!.size,
      isexec: isExec(st),
      hashed: 1,
      skipped: [],
      addedObjects: d!.added ? 1 : 0,
      addedBytes: d!.added ? d!.size : 0,
    };
  }
  if (!st.isDirectory()) {
    throw new CairnError('CAIRN_BAD_TARGET', `'${rel}' is neither a file nor a directory`, { data: { path: rel } });
  }
  // While every folder's mtime is as the snapshot recorded, its file list still holds:
  // skip the walk (a no-op status then costs one stat per file and per folder).
  const now = clockNow();
  const reuse = snap.cols && snap.stamps && stampsHold(p, snap.stamps);
  const walked: Walk = reuse
    ? { files: snap.cols!.rel, skipped: snap.skipped ?? [], dirs: snap.stamps!.dirs, ignoreFiles: snap.stamps!.ign }
    : walkDir(ws, rel);
  const { files, skipped } = walked;
  // concat, not join: path.join was 25% of the stat cost on 100k files
  const stats = statMany(files.map((f) => `${p}/${f}`));

  // Fast path (a no-op status): the snapshot lists the same files in the same order and
  // every stat matches. Compared column by column, no object per file; the manifest is
  // built only if a caller asks for it.
  const cols = snap.cols;
  if (snap.id && cols && cols.rel.length === files.length) {
    let same = true;
    let size = 0;
    for (let i = 0; i < files.length && same; i++) {
      const c = i < stats.split ? stats.head : stats.tail;
      const j = i < stats.split ? i : i - stats.split;
      same =
        cols.rel[i] === files[i] &&
        c.kind[j] !== 0 &&
        cols.ino[i] === c.ino[j] &&
        cols.mt[i] === c.mtimeMs[j] &&
        cols.size[i] === c.size[j] &&
        cols.x[i] === ((c.mode[j]! & 0o111) !== 0 ? 1 : 0);
      size += cols.size[i]!;
    }
    if (same) {
      // stamps were missing or racy last time: record trusted ones now, once
      if (!reuse) save({ path: rel, algo: ws.algo, id: snap.id, rows: snap.rows, stamps: walkStamps(p, walked, now), skipped }, now);
      let manifest: Manifest | undefined;
      return {
        path: rel,
        kind: 'dir',
        id: snap.id,
        size,
        nfiles: files.length,
        get manifest() {
          manifest ??= cols.rel.map((r, i) => ({ relpath: r, hash: cols.hid[i]!, size: cols.size[i]!, isexec: cols.x[i] === 1 }));
          return manifest;
        },
        hashed: 0,
        skipped,
      };
    }
  }

  const rows = new Map<string, StatRow>();
  const entries: Manifest = [];
  const toHash: { rel: string; st: StatFields }[] = [];
  let unchanged = files.length === snap.rows.size;
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    const fst = statAt(stats, i);
    if (!fst) {
      unchanged = false;
      continue; // vanished while walking
    }
    const row = snap.rows.get(f);
    if (rowMatches(row, fst)) {
      rows.set(f, row!);
      entries.push({ relpath: f, hash: row![3], size: row![2], isexec: isExec(fst) });
      if (row![4] !== isExec(fst)) unchanged = false;
    } else {
      unchanged = false;
      toHash.push({ rel: f, st: fst });
    }
  }
  let addedObjects = 0;
  let addedBytes = 0;
  if (toHash.length > 0) {
    ws.onProgress?.(0, toHash.length, `hashing ${rel}`);
    const digests = hashOrStore(
      toHash.map((t) => join(p, t.rel)),
      (done) => ws.onProgress?.(done, toHash.length, `hashing ${rel}`),
    );
    for (const d of digests) {
      if (d.added) {
        addedObjects++;
        addedBytes += d.size;
      }
    }
    for (let i = 0; i < toHash.length; i++) {
      const t = toHash[i]!;
      const d = digests[i]!;
      rows.set(t.rel, statRow(t.st, d.id));
      entries.push({ relpath: t.rel, hash: d.id, size: d.size, isexec: isExec(t.st) });
    }
  }
  sortManifest(entries);
  if (unchanged && snap.id) {
    let size = 0;
    for (const e of entries) size += e.size;
    return { path: rel, kind: 'dir', id: snap.id, size, nfiles: entries.length, manifest: entries, hashed: 0, skipped };
  }
  const md = digestManifest(entries, ws.factory);
  save({ path: rel, algo: ws.algo, id: md.id, rows, stamps: walkStamps(p, walked, now), skipped }, now);
  return {
    path: rel,
    kind: 'dir',
    id: md.id,
    size: md.size,
    nfiles: md.nfiles,
    manifest: entries,
    manifestBytes: md.bytes,
    hashed: toHash.length,
    skipped,
    stored: !!opts.store && toHash.length === entries.length,
    addedObjects,
    addedBytes,
  };
}

/** Put files into the cache (adopting them by hardlink in hardlink mode), returning their digests. */
function storeFiles(ws: Workspace, paths: string[], onProgress?: (done: number) => void): StoredDigest[] {
  const job = ws.linkTypes[0] === 'hardlink' ? 'adopt' : 'store';
  return processFiles(paths, { job, factory: ws.factory, algo: ws.algo, cache: ws.cache, onProgress });
}

export interface SaveResult {
  /** objects newly written to the cache */
  added: number;
  /** bytes newly written to the cache */
  addedBytes: number;
}

/**
 * Store a hashed target's objects in the cache (files first, the manifest last, so a
 * manifest in the cache always means its files are there too), then relink the
 * workspace when the configured link type is a link.
 */
export function saveTarget(ws: Workspace, th: TargetHash): SaveResult {
  const p = abs(ws, th.path);
  const res: SaveResult = { added: 0, addedBytes: 0 };
  // hardlink mode adopts workspace files into the cache without copying their bytes
  const put = ws.linkTypes[0] === 'hardlink' ? ws.cache.adoptFile.bind(ws.cache) : ws.cache.putFile.bind(ws.cache);
  if (th.kind === 'file') {
    const r = put(p, th.id);
    if (r.added) {
      res.added++;
      res.addedBytes += r.size;
    }
  } else if (th.hashed === 0 && ws.cache.has(th.id) && filesCached(ws, th)) {
    // Unchanged directory whose manifest and files are cached: nothing to store. (Manifests
    // enter the cache only after their files, but a file object can leave it later: gc of
    // an older cairn, or fsck's quarantine. One stat per file finds that.)
  } else if (th.stored && filesCached(ws, th)) {
    // every file was stored while hashing: only the manifest is left to store
    if (!ws.cache.has(th.id)) {
      const bytes = th.manifestBytes ?? digestManifest(th.manifest!, ws.factory).bytes;
      if (ws.cache.put(bytes, { dir: true }) !== th.id) throw new CairnError('CAIRN_INTEGRITY', `manifest of '${th.path}' hashed to another id than ${th.id}`);
      res.added++;
    }
  } else {
    const manifest = th.manifest!;
    let done = 0;
    const seen = new Set<string>();
    for (const e of manifest) {
      if (!seen.has(e.hash)) {
        seen.add(e.hash);
        const r = put(join(p, e.relpath), e.hash);
        if (r.added) {
          res.added++;
          res.addedBytes += r.size;
        }
      }
      if (++done % 1000 === 0) ws.onProgress?.(done, manifest.length, `caching ${th.path}`);
    }
    if (!ws.cache.has(th.id)) {
      const bytes = th.manifestBytes ?? digestManifest(manifest, ws.factory).bytes;
      const id = ws.cache.put(bytes, { dir: true });
      if (id !== th.id) throw new CairnError('CAIRN_INTEGRITY', `manifest of '${th.path}' hashed to ${id}, expected ${th.id}`);
      res.added++;
    }
  }
  if (ws.linkTypes[0] === 'hardlink' || ws.linkTypes[0] === 'symlink') relinkTarget(ws, th);
  return res;
}

function filesCached(ws: Workspace, th: TargetHash): boolean {
  return (th.manifest ?? []).every((e) => ws.cache.has(e.hash));
}

/** Read and validate a directory manifest from the cache. */
export function loadManifest(ws: Workspace, id: ObjectId, usedBy: string): Manifest {
  const bytes = ws.cache.get(id, usedBy);
  return parseManifest(bytes, ws.algo, `${id} (${usedBy})`);
}

export function diffTarget(ws: Workspace, oldId: ObjectId, cur: TargetHash, usedBy: string): ManifestDiff | undefined {
  if (!isDirId(oldId) || cur.kind !== 'dir') return undefined;
  if (!ws.cache.has(oldId)) return undefined;
  return diffManifests(loadManifest(ws, oldId, usedBy), cur.manifest!);
}
