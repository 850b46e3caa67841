// Seeded paired bootstrap: each resample draws n example indices with replacement (the same
// indices for candidate and baseline, which is what makes it paired; resample b from its own
// generator stream, so threads can split the resamples), as a vector of counts, and every
// statistic is evaluated on those weights. bootstrapStatistics is the fast form the gate uses. CIs are percentile intervals (numpy's linear interpolation, as
// scipy.stats.bootstrap(method='percentile')).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { multinomialDraw, streamState, xoshiro128Stream, type Rng } from './prng.js';

/** A statistic of the weighted sample: w[i] is how many times example i was drawn. */
export type WeightedStatistic = (w: Uint32Array, total: number) => number;

export interface BootstrapOptions {
  resamples: number;
  seed: number;
}

/** Replicates[s][b] = statistic s on resample b. */
export function pairedBootstrap(n: number, statistics: readonly WeightedStatistic[], opts: BootstrapOptions): Float64Array[] {
  if (!Number.isInteger(opts.resamples) || opts.resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${opts.resamples}`);
  const out = statistics.map(() => new Float64Array(opts.resamples));
  if (n === 0) return out.map((r) => r.fill(Number.NaN));
  const w = new Uint32Array(n);
  const groups = groupsOf(n);
  for (let b = 0; b < opts.resamples; b++) {
    resampleCounts(w, opts.seed, b, groups);
    for (let s = 0; s < statistics.length; s++) out[s]![b] = statistics[s]!(w, n);
  }
  return out;
}

/**
 * What a statistic needs from a resample, from cheapest to most general: the mean of a
 * per-example vector; a function of the weighted histogram of per-example codes (confusion
 * matrices: code = label·k² + candidate·k + baseline); or the full weight vector.
 */
export type Statistic =
  | { kind: 'mean'; values: Float64Array }
  | { kind: 'hist'; codes: Uint32Array; bins: number; value: (hist: Float64Array) => number }
  | { kind: 'weights'; value: WeightedStatistic };

/** A histogram statistic: per-example codes in [0, bins) and the statistics of their resampled counts. */
interface Component {
  codes: ArrayLike<number>;
  bins: number;
  uses: { i: number; value: (h: Float64Array) => number }[];
}

/** values that are all small integers (e.g. accuracy differences -1, 0, 1) become a histogram. */
function smallIntegers(v: Float64Array): { min: number; bins: number } | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!Number.isInteger(x)) return undefined;
    if (x < min) min = x;
    if (x > max) max = x;
    if (max - min > 64) return undefined;
  }
  return { min, bins: max - min + 1 };
}

/** The stream of histogram component j (resample b of the index draws uses stream b). */
const HIST_STREAM = 0x80000000;

/**
 * The paired bootstrap, each statistic by the cheapest exact route:
 * - a statistic of the counts of per-example codes (confusion matrices; small-integer
 *   per-example values such as accuracy differences) needs only those counts, and the counts of
 *   a resample of n examples are Multinomial(n, code frequencies / n): drawn by conditional
 *   binomials, O(codes) per resample instead of O(n);
 * - a mean of real per-example values sums n drawn examples per resample (resample b from its
 *   own stream, xoshiro128Stream(seed, b)), on two threads when the work is large;
 * - a general statistic gets the weight vector of the same draws.
 * Candidate and baseline always share a statistic's resamples (that is what makes it paired);
 * different statistics need not, since each CI is marginal. Deterministic for a seed.
 */
export function bootstrapStatistics(n: number, statistics: readonly Statistic[], opts: BootstrapOptions): Float64Array[] {
  if (!Number.isInteger(opts.resamples) || opts.resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${opts.resamples}`);
  const B = opts.resamples;
  const out = statistics.map(() => new Float64Array(B));
  if (n === 0) return out.map((r) => r.fill(Number.NaN));

  const floats: { i: number; v: Float64Array }[] = [];
  const comps: Component[] = [];
  const general: { i: number; value: WeightedStatistic }[] = [];
  statistics.forEach((s, i) => {
    if (s.kind === 'mean') {
      const si = smallIntegers(s.values);
      if (!si) return void floats.push({ i, v: s.values });
      const codes = Uint8Array.from(s.values, (x) => x - si.min);
      const { min, bins } = si;
      comps.push({ codes, bins, uses: [{ i, value: (h) => {
        let t = 0;
        for (let c = 0; c < bins; c++) t += h[c]! * (c + min);
        return t / n;
      } }] });
    } else if (s.kind === 'hist') {
      const c = comps.find((x) => x.codes === s.codes);
      if (c) c.uses.push({ i, value: s.value });
      else comps.push({ codes: s.codes, bins: s.bins, uses: [{ i, value: s.value }] });
    } else general.push({ i, value: s.value });
  });

  comps.forEach((comp, j) => {
    const freq = new Float64Array(comp.bins);
    for (let e = 0; e < n; e++) freq[comp.codes[e]!]!++;
    const nz: number[] = [];
    for (let c = 0; c < comp.bins; c++) if (freq[c]! > 0) nz.push(c);
    const fz = Float64Array.from(nz, (c) => freq[c]!);
    const cz = new Float64Array(nz.length);
    const h = new Float64Array(comp.bins);
    const rng = xoshiro128Stream(opts.seed, HIST_STREAM + j);
    for (let b = 0; b < B; b++) {
      multinomialDraw(rng, n, fz, cz);
      for (let t = 0; t < nz.length; t++) h[nz[t]!] = cz[t]!;
      for (const u of comp.uses) out[u.i]![b] = u.value(h);
    }
  });

  if (floats.length) {
    const means = resampleMeans(floats.map((f) => f.v), n, B, opts.seed);
    floats.forEach((f, j) => out[f.i]!.set(means.subarray(j * B, (j + 1) * B)));
  }
  if (general.length) {
    const w = new Uint32Array(n);
    const groups = groupsOf(n);
    for (let b = 0; b < B; b++) {
      resampleCounts(w, opts.seed, b, groups);
      for (const g of general) out[g.i]![b] = g.value(w, n);
    }
  }
  return out;
}

// Drawing n uniform indices from [0, n), grouped: the examples fall into groups of 1024
// (the last one smaller); how many of the n draws land in each group is Multinomial(n, group
// sizes / n), drawn by conditional binomials, and the draws inside a group take 10 random bits
// each, three from one 32-bit number (in the partial last group, or when n < 1024, a draw is
// ⌊u·size/2³²⌋ of one 32-bit u: bias below size/2³²).
// The distribution of n independent uniform draws (exactly, but for that bias), at a third of
// the generator calls and with the reads of a group inside 8 KiB: the random reads of the
// whole vector were what the gate's bootstrap spent its time on.
const GROUP_BITS = 10;
const GROUP = 1 << GROUP_BITS;
const GROUP_MASK = GROUP - 1;

interface Groups { sizes: Float64Array; counts: Float64Array }

function groupsOf(n: number): Groups {
  const k = Math.ceil(n / GROUP);
  const sizes = new Float64Array(k).fill(GROUP);
  if (k) sizes[k - 1] = n - (k - 1) * GROUP;
  return { sizes, counts: new Float64Array(k) };
}

/** Visit n uniform draws from [0, n) (one bootstrap resample), as group counts then offsets. */
function drawGrouped(rng: Rng, n: number, g: Groups, visit: (base: number, draws: number, size: number, rng: Rng) => void): void {
  multinomialDraw(rng, n, g.sizes, g.counts);
  for (let j = 0; j < g.counts.length; j++) if (g.counts[j]! > 0) visit(j * GROUP, g.counts[j]!, g.sizes[j]!, rng);
}

/** Sum of v over `draws` uniform picks in [base, base + size), size <= GROUP. */
function groupSum(v: Float64Array, base: number, draws: number, size: number, rng: Rng): number {
  let t = 0;
  let c = draws;
  if (size === GROUP) {
    for (; c >= 3; c -= 3) {
      const r = rng.nextU32();
      t += v[base + (r & GROUP_MASK)]! + v[base + ((r >>> GROUP_BITS) & GROUP_MASK)]! + v[base + ((r >>> (2 * GROUP_BITS)) & GROUP_MASK)]!;
    }
    if (c > 0) {
      const r = rng.nextU32();
      t += v[base + (r & GROUP_MASK)]!;
      if (c > 1) t += v[base + ((r >>> GROUP_BITS) & GROUP_MASK)]!;
    }
    return t;
  }
  const scale = size / 4294967296;
  for (; c > 0; c--) t += v[base + Math.floor(rng.nextU32() * scale)]!;
  return t;
}

/**
 * Stream b's group counts for n draws into g.counts; returns the generator state after them.
 * With one group there is nothing to draw (and no generator object to make).
 */
function groupDraws(seed: number, b: number, n: number, g: Groups): [number, number, number, number] {
  if (g.counts.length === 1) {
    g.counts[0] = n;
    return streamState(seed, b);
  }
  const rng = xoshiro128Stream(seed, b);
  multinomialDraw(rng, n, g.sizes, g.counts);
  return rng.state();
}

/**
 * groupSum over every group of one resample, with the generator inlined (the gate's hot loop:
 * a call per random number costs as much as the rest). Draws exactly what drawGrouped with
 * groupSum would.
 */
function groupedSum(seed: number, b: number, v: Float64Array, g: Groups): number {
  let [s0, s1, s2, s3] = groupDraws(seed, b, v.length, g);
  let total = 0;
  const K = g.counts.length;
  const fullGroups = g.sizes[K - 1] === GROUP ? K : K - 1;
  for (let j = 0; j < fullGroups; j++) {
    let c = g.counts[j]!;
    if (c === 0) continue;
    const base = j * GROUP;
    let t = 0;
    while (c > 0) {
      const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      const x = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= x;
      s3 = (s3 << 11) | (s3 >>> 21);
      if (c >= 3) {
        t += v[base + (r & GROUP_MASK)]! + v[base + ((r >>> GROUP_BITS) & GROUP_MASK)]! + v[base + ((r >>> (2 * GROUP_BITS)) & GROUP_MASK)]!;
        c -= 3;
      } else {
        t += v[base + (r & GROUP_MASK)]!;
        if (c > 1) t += v[base + ((r >>> GROUP_BITS) & GROUP_MASK)]!;
        c = 0;
      }
    }
    total += t;
  }
  if (fullGroups < K) {
    // the partial last group (all of it when n < 1024): one 32-bit number per draw, as groupSum
    const base = (K - 1) * GROUP;
    const scale = g.sizes[K - 1]! / 4294967296;
    let t = 0;
    for (let c = g.counts[K - 1]!; c > 0; c--) {
      const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      const x = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= x;
      s3 = (s3 << 11) | (s3 >>> 21);
      t += v[base + Math.floor(r * scale)]!;
    }
    total += t;
  }
  return total;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The same draws as groupSum, as counts into w. */
function groupCounts(w: Uint32Array, base: number, draws: number, size: number, rng: Rng): void {
  let c = draws;
  if (size === GROUP) {
    for (; c > 0; c -= 3) {
      const r = rng.nextU32();
      w[base + (r & GROUP_MASK)]!++;
      if (c > 1) w[base + ((r >>> GROUP_BITS) & GROUP_MASK)]!++;
      if (c > 2) w[base + ((r >>> (2 * GROUP_BITS)) & GROUP_MASK)]!++;
    }
    return;
  }
  const scale = size / 4294967296;
  for (; c > 0; c--) w[base + Math.floor(rng.nextU32() * scale)]!++;
}

/** Resample b's weights: how often each of the n examples is drawn (stream b of the seed); the draws of drawGrouped + groupCounts, with the generator inlined. */
export function resampleCounts(w: Uint32Array, seed: number, b: number, g: Groups = groupsOf(w.length)): void {
  w.fill(0);
  let [s0, s1, s2, s3] = groupDraws(seed, b, w.length, g);
  for (let j = 0; j < g.counts.length; j++) {
    let c = g.counts[j]!;
    if (c === 0) continue;
    const base = j * GROUP;
    const size = g.sizes[j]!;
    const full = size === GROUP;
    const scale = size / 4294967296;
    while (c > 0) {
      const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      const x = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= x;
      s3 = (s3 << 11) | (s3 >>> 21);
      if (!full) {
        w[base + Math.floor(r * scale)]!++;
        c--;
      } else {
        w[base + (r & GROUP_MASK)]!++;
        if (c > 1) w[base + ((r >>> GROUP_BITS) & GROUP_MASK)]!++;
        if (c > 2) w[base + ((r >>> (2 * GROUP_BITS)) & GROUP_MASK)]!++;
        c -= 3;
      }
    }
  }
}

/** Resampled means of each vector for resamples [from, to), into out[j·B + b]. */
export function resampleMeansRange(vecs: readonly Float64Array[], n: number, B: number, seed: number, from: number, to: number, out: Float64Array): void {
  const g = groupsOf(n);
  const sums = new Float64Array(vecs.length);
  const v0 = vecs[0]!;
  const one = vecs.length === 1;
  for (let b = from; b < to; b++) {
    sums.fill(0);
    if (one) {
      sums[0] = groupedSum(seed, b, v0, g);
    } else {
      const rng = xoshiro128Stream(seed, b);
      // several vectors: the same group draws for each (a generator per vector, all from the same state)
      multinomialDraw(rng, n, g.sizes, g.counts);
      const state = rng.nextU32();
      for (let j = 0; j < vecs.length; j++) {
        const r = xoshiro128Stream(state, b);
        let t = 0;
        for (let k = 0; k < g.counts.length; k++) if (g.counts[k]! > 0) t += groupSum(vecs[j]!, k * GROUP, g.counts[k]!, g.sizes[k]!, r);
        sums[j] = t;
      }
    }
    for (let j = 0; j < vecs.length; j++) out[j * B + b] = sums[j]! / n;
  }
}

/** How often the worker thread did its half, and how often this thread had to redo it (tests read it). */
export const bootstrapThreadStats = { used: 0, redone: 0 };

/** Draws below which one thread does it all (a worker costs ~30 ms to start). */
const PARALLEL_MIN_DRAWS = 20_000_000;
const START_TIMEOUT_MS = 10_000;

/** Resampled means, [j·B + b] = mean of vector j in resample b: the second half of the resamples on a worker thread when it pays. */
function resampleMeans(vecs: readonly Float64Array[], n: number, B: number, seed: number): Float64Array {
  const draws = n * B * vecs.length;
  const script = draws >= PARALLEL_MIN_DRAWS && B >= 2 && process.env.CAIRN_THREADS !== '1' ? workerScript() : undefined;
  if (!script) {
    const out = new Float64Array(vecs.length * B);
    resampleMeansRange(vecs, n, B, seed, 0, B, out);
    return out;
  }
  const shared = new SharedArrayBuffer(8 * vecs.length * B);
  const out = new Float64Array(shared);
  const half = B >> 1;
  // flag[0]: 1 when the worker is done, flag[1]: 1 once it has started
  const flagBuf = new SharedArrayBuffer(8);
  const flag = new Int32Array(flagBuf);
  let worker: Worker | undefined;
  try {
    worker = new Worker(script, { workerData: { vecs, n, B, seed, from: half, to: B, out: shared, flag: flagBuf } });
    worker.unref();
  } catch {
    worker = undefined;
  }
  resampleMeansRange(vecs, n, B, seed, 0, half, out);
  let done = false;
  if (worker) {
    for (let waited = 0; Atomics.load(flag, 1) === 0 && Atomics.load(flag, 0) === 0 && waited < START_TIMEOUT_MS; waited += 50) Atomics.wait(flag, 1, 0, 50);
    if (Atomics.load(flag, 1) !== 0) {
      for (let waited = 0; Atomics.load(flag, 0) === 0 && waited < 600_000; waited += 200) Atomics.wait(flag, 0, 0, 200);
    }
    done = Atomics.load(flag, 0) === 1;
    void worker.terminate();
  }
  // a worker that could not start or failed is replaced by this thread: the same streams, the same numbers
  if (done) bootstrapThreadStats.used++;
  else {
    bootstrapThreadStats.redone++;
    resampleMeansRange(vecs, n, B, seed, half, B, out);
  }
  return out;
}

/** The compiled worker beside this module; from TypeScript sources (tests), the build's. */
function workerScript(): URL | undefined {
  const here = new URL('./bootstrap-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const built = new URL('../../dist/stats/bootstrap-worker.js', import.meta.url);
  return existsSync(fileURLToPath(built)) ? built : undefined;
}

/** Weighted mean of per-example values: the statistic of accuracy, Brier, log loss, MAE, ... */
export function weightedMean(values: Float64Array): WeightedStatistic {
  return (w, total) => {
    let s = 0;
    for (let i = 0; i < values.length; i++) s += w[i]! * values[i]!;
    return s / total;
  };
}

/** Percentile of sorted values with linear interpolation (numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface BootstrapSummary {
  ci: [number, number];
  /** standard deviation of the replicates: the bootstrap standard error */
  se: number;
  /** two-sided p of H0: statistic = null, min(1, 2 (min(#<=null, #>=null) + 1) / (B + 1)) */
  p: number;
}

/** Percentile CI at level 1 - alpha, standard error and the p-value for a null value. NaN replicates are dropped. */
export function summarizeBootstrap(replicates: Float64Array, alpha: number, nullValue: number): BootstrapSummary {
  const x = replicates.filter((v) => !Number.isNaN(v)).sort();
  const B = x.length;
  if (B === 0) return { ci: [Number.NaN, Number.NaN], se: Number.NaN, p: Number.NaN };
  let mean = 0;
  for (let i = 0; i < B; i++) mean += x[i]!;
  mean /= B;
  let ss = 0;
  let le = 0;
  let ge = 0;
  const tol = 1e-12 * Math.max(1, Math.abs(nullValue));
  for (let i = 0; i < B; i++) {
    ss += (x[i]! - mean) ** 2;
    if (x[i]! <= nullValue + tol) le++;
    if (x[i]! >= nullValue - tol) ge++;
  }
  return {
    ci: [quantileSorted(x, alpha / 2), quantileSorted(x, 1 - alpha / 2)],
    se: B > 1 ? Math.sqrt(ss / (B - 1)) : 0,
    p: Math.min(1, (2 * (Math.min(le, ge) + 1)) / (B + 1)),
  };
}
