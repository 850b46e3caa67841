// stat() many files using both cores: a no-op status over 100k tracked files is mostly
// stat calls (measured 2-3 µs each from Node), so a worker thread takes half of them while
// the main thread does the rest. Synchronous to the caller: the main thread blocks on an
// Atomics flag until the worker is done (no event-loop turns in the middle of hashing).
import { statSync, type Stats } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** The fields the stat cache compares, plus the mode and kind. */
export interface FileStat {
  ino: number;
  mtimeMs: number;
  size: number;
  mode: number;
  isFile: boolean;
  isDirectory: boolean;
}

/** Below this many paths a worker costs more to start than it saves. */
const PARALLEL_MIN = 20_000;
const FIELDS = 5; // ino, mtimeMs, size, mode, kind (0 missing, 1 file, 2 dir, 3 other)

function toFileStat(st: Stats | undefined): FileStat | undefined {
  if (!st) return undefined;
  return { ino: st.ino, mtimeMs: st.mtimeMs, size: st.size, mode: st.mode, isFile: st.isFile(), isDirectory: st.isDirectory() };
}

function statOne(p: string): Stats | undefined {
  try {
    return statSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined; // ENOTDIR and the like: not there as a file
  }
}

const WORKER_SRC = `
const { workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const { paths, sab, flag } = workerData;
const out = new Float64Array(sab);
for (let i = 0; i < paths.length; i++) {
  let st;
  try { st = statSync(paths[i], { throwIfNoEntry: false }); } catch { st = undefined; }
  const o = i * ${FIELDS};
  if (!st) { out[o + 4] = 0; continue; }
  out[o] = st.ino; out[o + 1] = st.mtimeMs; out[o + 2] = st.size; out[o + 3] = st.mode;
  out[o + 4] = st.isFile() ? 1 : st.isDirectory() ? 2 : 3;
}
const f = new Int32Array(flag);
Atomics.store(f, 0, 1);
Atomics.notify(f, 0);
`;

export function statMany(paths: string[]): (FileStat | undefined)[] {
  const out: (FileStat | undefined)[] = new Array(paths.length);
  if (paths.length < PARALLEL_MIN) {
    for (let i = 0; i < paths.length; i++) out[i] = toFileStat(statOne(paths[i]!));
    return out;
  }
  const half = paths.length >> 1;
  const theirs = paths.slice(half);
  const sab = new SharedArrayBuffer(theirs.length * FIELDS * 8);
  const flag = new SharedArrayBuffer(4);
  let worker: Worker | undefined;
  try {
    worker = new Worker(WORKER_SRC, { eval: true, workerData: { paths: theirs, sab, flag } });
    worker.unref();
  } catch {
    worker = undefined;
  }
  if (!worker) {
    for (let i = 0; i < paths.length; i++) out[i] = toFileStat(statOne(paths[i]!));
    return out;
  }
  for (let i = 0; i < half; i++) out[i] = toFileStat(statOne(paths[i]!));
  const f = new Int32Array(flag);
  // bounded wait: a worker that died leaves the flag at 0; then stat the rest here
  for (let waited = 0; Atomics.load(f, 0) === 0 && waited < 60_000; waited += 100) Atomics.wait(f, 0, 0, 100);
  if (Atomics.load(f, 0) === 0) {
    void worker.terminate();
    for (let i = half; i < paths.length; i++) out[i] = toFileStat(statOne(paths[i]!));
    return out;
  }
  void worker.terminate();
  const v = new Float64Array(sab);
  for (let j = 0; j < theirs.length; j++) {
    const o = j * FIELDS;
    const kind = v[o + 4]!;
    out[half + j] =
      kind === 0 ? undefined : { ino: v[o]!, mtimeMs: v[o + 1]!, size: v[o + 2]!, mode: v[o + 3]!, isFile: kind === 1, isDirectory: kind === 2 };
  }
  return out;
}
