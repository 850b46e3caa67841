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
