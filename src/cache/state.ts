// The stat cache: (path, inode, mtime_ns, size) → id, so unchanged files are never re-read.
// One snapshot file per hashed target (a file or a whole directory) under .cairn/state/,
// written atomically: a crash leaves the previous snapshot, which is still correct
// (a mismatch only ever means "rehash").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { HashAlgorithm } from '../core/hash.js';
import type { ObjectId } from '../core/ids.js';
import { writeFileAtomic } from '../io/atomic.js';

/** [inode, mtime_ns, size, id, isexec] */
export type StatRow = [string, string, number, ObjectId, boolean];

export interface Snapshot {
  /** repo-relative POSIX path of the target */
  path: string;
  algo: HashAlgorithm;
  /** id of the whole target (file id, or manifest '.dir' id) */
  id?: ObjectId;
  /** relpath within the target ('' for a single file) → row */
  rows: Map<string, StatRow>;
}

export interface StatLike {
  ino: bigint;
  mtimeNs: bigint;
  size: bigint;
}

export function rowMatches(row: StatRow | undefined, st: StatLike): boolean {
  return !!row && row[0] === String(st.ino) && row[1] === String(st.mtimeNs) && row[2] === Number(st.size);
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
      const data = JSON.parse(text) as { v: number; path: string; algo: string; id?: string; rows: [string, ...StatRow][] };
      if (data.v !== 1 || data.path !== path || data.algo !== algo) return empty;
      const rows = new Map<string, StatRow>();
      for (const [rel, ino, mt, size, id, x] of data.rows) rows.set(rel, [ino, mt, size, id, x]);
      return { path, algo, id: data.id, rows };
    } catch {
      // an unreadable snapshot only costs a rehash
      return empty;
    }
  }

  save(snap: Snapshot): void {
    const rows: unknown[] = [];
    for (const [rel, r] of snap.rows) rows.push([rel, ...r]);
    const body = JSON.stringify({ v: 1, path: snap.path, algo: snap.algo, id: snap.id, rows });
    // no fsync: losing the newest snapshot to a power cut only means a rehash
    writeFileAtomic(this.file(snap.path, snap.algo), body, { fsync: false });
  }
}
