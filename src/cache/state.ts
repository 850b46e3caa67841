// The stat cache: (path, inode, mtime, size) → id, so unchanged files are never re-read.
// One snapshot file per hashed target (a file or a whole directory) under .cairn/state/,
// written atomically: a crash leaves the previous snapshot, which is still correct
// (a mismatch only ever means "rehash").
//
// Stats are plain numbers (inode, mtimeMs as a double with sub-microsecond resolution,
// size), not BigInts: on 100k files BigInt stats cost a third more time and most of the
// garbage collection of a no-op status. Snapshots store columns, not rows, for the same reason.
import { now as clockNow } from '../core/clock.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { HashAlgorithm } from '../core/hash.js';
import type { ObjectId } from '../core/ids.js';
import { writeFileAtomic } from '../io/atomic.js';

/** [inode, mtimeMs, size, id, isexec] */
export type StatRow = [number, number, number, ObjectId, boolean];

export interface Snapshot {
  /** repo-relative POSIX path of the target */
  path: string;
  algo: HashAlgorithm;
  /** id of the whole target (file id, or manifest '.dir' id) */
  id?: ObjectId;
  /** relpath within the target ('' for a single file) → row */
  rows: Map<string, StatRow>;
  /** the stored columns (in relpath order), when loaded from disk */
  cols?: SnapshotColumns;
  /** folder and ignore-file mtimes the file list depended on (directories only) */
  stamps?: WalkStamps;
  /** entries the walk skipped (directory symlinks, dangling links), for the warnings */
  skipped?: string[];
}

export interface WalkStamps {
  dirs: string[];
  dirMt: number[];
  ign: string[];
  ignMt: number[];
}

/**
 * A stat taken within this many ms of now is not trusted later: a write in the same clock
 * tick as the hashing would leave mtime unchanged (git's "racy clean" problem). Such rows
 * are stored with mtime -1, so the next run rehashes them once.
 */
export const RACY_MS = 2000;

export interface SnapshotColumns {
  rel: string[];
  ino: number[];
  mt: number[];
  size: number[];
  hid: string[];
  x: number[];
}

export interface StatLike {
  ino: number;
  mtimeMs: number;
  size: number;
}

export function rowMatches(row: StatRow | undefined, st: StatLike): boolean {
  return !!row && row[0] === st.ino && row[1] === st.mtimeMs && row[2] === st.size;
}

/** A snapshot as stored: its columns plus what they belong to. */
interface SnapshotFile extends SnapshotColumns {
  v: 2;
  path: string;
  algo: string;
  id?: string;
  stamps?: WalkStamps;
  skipped?: string[];
}

export class StateStore {
  constructor(readonly dir: string) {}

  private file(path: string, algo: HashAlgorithm): string {
    const key = createHash('sha1').update(`${algo}\0${path}`).digest('hex');
    return join(this.dir, 'targets', key.slice(0, 2), key.slice(2) + '.json');
  }

  load(path: string, algo: HashAlgorithm): Snapshot {
    const empty: Snapshot = { path, algo, rows: new Map() };
    let text: string;
    try {
      text = readFileSync(this.file(path, algo), 'utf8');
    } catch {
      return empty;
    }
    try {
      const d = JSON.parse(text) as SnapshotFile;
      if (d.v !== 2 || d.path !== path || d.algo !== algo) return empty;
      // the Map is built only if asked for: a no-op status compares the columns directly
      let rows: Map<string, StatRow> | undefined;
      return {
        path,
        algo,
        id: d.id,
        cols: d,
        stamps: d.stamps,
        skipped: d.skipped,
        get rows() {
          if (!rows) {
            rows = new Map();
            for (let i = 0; i < d.rel.length; i++) rows.set(d.rel[i]!, [d.ino[i]!, d.mt[i]!, d.size[i]!, d.hid[i]!, d.x[i] === 1]);
          }
          return rows;
        },
      };
    } catch {
      // an unreadable snapshot only costs a rehash
      return empty;
    }
  }

  save(snap: Snapshot, now = clockNow()): void {
    const d: SnapshotFile = { v: 2, path: snap.path, algo: snap.algo, id: snap.id, rel: [], ino: [], mt: [], size: [], hid: [], x: [] };
    if (snap.stamps) d.stamps = snap.stamps;
    if (snap.skipped?.length) d.skipped = snap.skipped;
    for (const [rel, r] of snap.rows) {
      d.rel.push(rel);
      d.ino.push(r[0]);
      d.mt.push(now - r[1] < RACY_MS ? -1 : r[1]);
      d.size.push(r[2]);
      d.hid.push(r[3]);
      d.x.push(r[4] ? 1 : 0);
    }
    // no fsync: losing the newest snapshot to a power cut only means a rehash
    writeFileAtomic(this.file(snap.path, snap.algo), JSON.stringify(d), { fsync: false });
  }
}
