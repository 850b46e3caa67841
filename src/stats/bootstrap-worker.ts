// Worker thread of bootstrap.ts's resampleMeans: computes the resampled means for resamples
// [from, to) into the shared output, then raises the done flag.
import { workerData } from 'node:worker_threads';
import { resampleMeansRange } from './bootstrap.js';

const d = workerData as { vecs: Float64Array[]; n: number; B: number; seed: number; from: number; to: number; out: SharedArrayBuffer; flag: SharedArrayBuffer };
const flag = new Int32Array(d.flag);
Atomics.store(flag, 1, 1);
Atomics.notify(flag, 1);
try {
  resampleMeansRange(d.vecs, d.n, d.B, d.seed, d.from, d.to, new Float64Array(d.out));
  Atomics.store(flag, 0, 1);
} catch {
  Atomics.store(flag, 0, 2);
}
Atomics.notify(flag, 0);
