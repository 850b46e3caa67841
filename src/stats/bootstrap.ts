// Seeded paired bootstrap: each resample draws n example indices with replacement (the same
// indices for candidate and baseline, which is what makes it paired) as a vector of counts,
// and every statistic is evaluated on those weights, so several metrics share one set of
// resamples. CIs are percentile intervals (numpy's linear interpolation, as
// scipy.stats.bootstrap(method='percentile')).
import { xoshiro128 } from './prng.js';

/** A statistic of the weighted sample: w[i] is how many times example i was drawn. */
export type WeightedStatistic = (w: Uint32Array, total: number) => number;

export interface BootstrapOptions {
  resamples: number;
  seed: number;
}

/** Replicates[s][b] = statistic s on resample b. */
export function pairedBootstrap(n: number, statistics: readonly WeightedStatistic[], opts: BootstrapOptions): Float64Array[] {
  if (!Number.isInteger(opts.resamples) || opts.resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${opts.resamples}`);
  const rng = xoshiro128(opts.seed);
  const out = statistics.map(() => new Float64Array(opts.resamples));
  if (n === 0) return out.map((r) => r.fill(Number.NaN));
  const w = new Uint32Array(n);
  for (let b = 0; b < opts.resamples; b++) {
    w.fill(0);
    rng.fillCounts(w, n);
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

/** A histogram-valued part of the fused loop: per-example codes in [0, bins). */
interface Component {
  codes: ArrayLike<number>;
  bins: number;
  /** consumers of this component's histogram */
  uses: { i: number; value: (h: Float64Array) => number }[];
}

/** Largest combined histogram per resample (the product of the components' bins). */
const MAX_COMBINED_BINS = 4096;
const CHUNK = 4096;

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

/**
 * The same resampling as pairedBootstrap (one index stream per seed: resample b is draws
 * b·n .. b·n + n - 1 of the generator), fused for speed. Statistics that only need counts of
 * per-example codes (confusion matrices, small-integer per-example values such as accuracy
 * differences) share one combined histogram per resample; means of real-valued vectors are
 * summed while the indices are drawn; the weight vector is built only when a statistic needs it.
 * The random index stream is consumed in chunks that stay in the L1 cache.
 */
export function bootstrapStatistics(n: number, statistics: readonly Statistic[], opts: BootstrapOptions): Float64Array[] {
  if (!Number.isInteger(opts.resamples) || opts.resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${opts.resamples}`);
  const B = opts.resamples;
  const out = statistics.map(() => new Float64Array(B));
  if (n === 0) return out.map((r) => r.fill(Number.NaN));
  const rng = xoshiro128(opts.seed);

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

  // pack components into as few combined histograms as fit MAX_COMBINED_BINS
  const packs: { parts: { comp: Component; stride: number; hist: Float64Array }[]; bins: number; codes: Uint16Array; counts: Uint32Array }[] = [];
  for (const comp of comps) {
    let p = comp.bins <= MAX_COMBINED_BINS ? packs.find((x) => x.bins * comp.bins <= MAX_COMBINED_BINS) : undefined;
    if (!p) packs.push((p = { parts: [], bins: 1, codes: new Uint16Array(0), counts: new Uint32Array(0) }));
    p.parts.push({ comp, stride: p.bins, hist: new Float64Array(comp.bins) });
    p.bins *= comp.bins;
  }
  const big = packs.filter((p) => p.bins > 65536);
  if (big.length) throw new RangeError(`a histogram of ${big[0]!.bins} bins is too large for the fused bootstrap; use kind 'weights'`);
  for (const p of packs) {
    p.codes = new Uint16Array(n);
    for (const { comp, stride } of p.parts) for (let e = 0; e < n; e++) p.codes[e] = p.codes[e]! + comp.codes[e]! * stride;
    p.counts = new Uint32Array(p.bins);
  }

  const F = floats.length;
  const vec = floats.map((f) => f.v);
  const sums = new Float64Array(F);
  const w = general.length ? new Uint32Array(n) : undefined;
  const chunk = new Uint32Array(CHUNK);
  const c0 = packs[0]?.codes;
  const h0 = packs[0]?.counts;
  const v0 = vec[0];
  const v1 = vec[1];
  const simple = packs.length <= 1 && F <= 2 && !w;
  for (let b = 0; b < B; b++) {
    for (const p of packs) p.counts.fill(0);
    sums.fill(0);
    if (w) w.fill(0);
    let s0 = 0;
    let s1 = 0;
    for (let done = 0; done < n; done += CHUNK) {
      const len = Math.min(CHUNK, n - done);
      const idx = len === CHUNK ? chunk : chunk.subarray(0, len);
      rng.fillIndices(idx, n);
      if (simple) {
        // the common case, written out: one histogram and up to two real-valued means
        if (c0 && v1) for (let k = 0; k < len; k++) { const e = idx[k]!; h0![c0[e]!]!++; s0 += v0![e]!; s1 += v1[e]!; }
        else if (c0 && v0) for (let k = 0; k < len; k++) { const e = idx[k]!; h0![c0[e]!]!++; s0 += v0[e]!; }
        else if (c0) for (let k = 0; k < len; k++) h0![c0[idx[k]!]!]!++;
        else if (v1) for (let k = 0; k < len; k++) { const e = idx[k]!; s0 += v0![e]!; s1 += v1[e]!; }
        else if (v0) for (let k = 0; k < len; k++) s0 += v0[idx[k]!]!;
      } else {
        for (let k = 0; k < len; k++) {
          const e = idx[k]!;
          for (const p of packs) p.counts[p.codes[e]!]!++;
          for (let j = 0; j < F; j++) sums[j] = sums[j]! + vec[j]![e]!;
          if (w) w[e]!++;
        }
      }
    }
    if (simple) {
      sums[0] = s0;
      sums[1] = s1;
    }
    for (let j = 0; j < F; j++) out[floats[j]!.i]![b] = sums[j]! / n;
    for (const p of packs) {
      for (const part of p.parts) {
        const h = part.hist;
        h.fill(0);
        const { stride } = part;
        const bins = part.comp.bins;
        for (let c = 0; c < p.bins; c++) {
          const x = p.counts[c]!;
          if (x) {
            const j = Math.floor(c / stride) % bins;
            h[j] = h[j]! + x;
          }
        }
        for (const u of part.comp.uses) out[u.i]![b] = u.value(h);
      }
    }
    for (const g of general) out[g.i]![b] = g.value(w!, n);
  }
  return out;
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
