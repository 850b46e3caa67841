// stat() many files using both cores: a no-op status over 100k tracked files is mostly
// stat calls (measured 2-3 µs each from Node), so a worker thread takes half of them while
// the main thread does the rest. Synchronous to the caller: the main thread blocks on an
// Atomics flag until the worker is done (no event-loop turns in the middle of hashing).
import { statSync, type Stats } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * Stats in columns (no object per file: on 100k files the objects were a good part of the
 * garbage collection). kind: 0 missing, 1 file, 2 directory, 3 other.
 */
export interface StatColumns {
  ino: Float64Array;
  mtimeMs: Float64Array;
  size: Float64Array;
  mode: Float64Array;
  kind: Uint8Array;
}

/** Below this many paths a worker costs more to start than it saves. */
const PARALLEL_MIN = 20_000;

function statInto(paths: string[], from: number, to: number, c: StatColumns, offset: number): void {
  for (let i = from; i < to; i++) {
    let st: Stats | undefined;
    try {
      st = statSync(paths[i]!, { throwIfNoEntry: false });
    } catch {
      st = undefined; // ENOTDIR and the like: not there as a file
    }
    const j = i - offset;
    if (!st) {
      c.kind[j] = 0;
      continue;
    }
    c.ino[j] = st.ino;
    c.mtimeMs[j] = st.mtimeMs;
    c.size[j] = st.size;
    c.mode[j] = st.mode;
    c.kind[j] = st.isFile() ? 1 : st.isDirectory() ? 2 : 3;
  }
}

function columns(n: number, sab?: SharedArrayBuffer): StatColumns {
  const buf = sab ?? new ArrayBuffer(n * 33);
  return {
    ino: new Float64Array(buf, 0, n),
    mtimeMs: new Float64Array(buf, n * 8, n),
    size: new Float64Array(buf, n * 16, n),
    mode: new Float64Array(buf, n * 24, n),
    kind: new Uint8Array(buf, n * 32, n),
  };
}

const WORKER_SRC = `
const { workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const { paths, sab, flag } = workerData;
const n = paths.length;
const ino = new Float64Array(sab, 0, n), mt = new Float64Array(sab, n * 8, n), size = new Float64Array(sab, n * 16, n);
const mode = new Float64Array(sab, n * 24, n), kind = new Uint8Array(sab, n * 32, n);
for (let i = 0; i < n; i++) {
  let st;
  try { st = statSync(paths[i], { throwIfNoEntry: false }); } catch { st = undefined; }
  if (!st) { kind[i] = 0; continue; }
  ino[i] = st.ino; mt[i] = st.mtimeMs; size[i] = st.size; mode[i] = st.mode;
  kind[i] = st.isFile() ? 1 : st.isDirectory() ? 2 : 3;
}
const f = new Int32Array(flag);
Atomics.store(f, 0, 1);
Atomics.notify(f, 0);
`;

export interface ManyStats {
  /** columns for paths[0..split) */
  head: StatColumns;
  /** columns for paths[split..n) */
  tail: StatColumns;
  split: number;
}

/** Read stat i of a ManyStats into plain fields, or undefined when missing. */
export function statAt(s: ManyStats, i: number): { ino: number; mtimeMs: number; size: number; mode: number; kind: number } | undefined {
  const c = i < s.split ? s.head : s.tail;
  const j = i < s.split ? i : i - s.split;
  const kind = c.kind[j]!;
  if (kind === 0) return undefined;
  return { ino: c.ino[j]!, mtimeMs: c.mtimeMs[j]!, size: c.size[j]!, mode: c.mode[j]!, kind };
}

/** How often a worker's half was used, and how often this thread had to redo it (tests read it). */
export const statWorkerStats = { used: 0, redone: 0 };

export function statMany(paths: string[]): ManyStats {
  const n = paths.length;
  if (n < PARALLEL_MIN) {
    const head = columns(n);
    statInto(paths, 0, n, head, 0);
    return { head, tail: columns(0), split: n };
  }
  const half = n >> 1;
  const theirs = paths.slice(half);
  const sab = new SharedArrayBuffer(theirs.length * 33);
  const flag = new SharedArrayBuffer(4);
  let worker: Worker | undefined;
  try {
    worker = new Worker(WORKER_SRC, { eval: true, workerData: { paths: theirs, sab, flag } });
    worker.unref();
  } catch {
    worker = undefined;
  }
  const head = columns(half);
  statInto(paths, 0, half, head, 0);
  const tail = columns(theirs.length, sab);
  const f = new Int32Array(flag);
  if (worker) {
    // bounded wait: a worker that died leaves the flag at 0; then stat the rest here
    for (let waited = 0; Atomics.load(f, 0) === 0 && waited < 60_000; waited += 100) Atomics.wait(f, 0, 0, 100);
    void worker.terminate();
  }
  if (Atomics.load(f, 0) === 0) {
    statWorkerStats.redone++;
    statInto(paths, half, n, tail, half);
  } else statWorkerStats.used++;
  return { head, tail, split: half };
}
