// Paired tests on per-example differences d = x - y (e.g. candidate error - baseline error).
// pairedT matches scipy.stats.ttest_rel; wilcoxon matches scipy.stats.wilcoxon with its
// defaults: zero_method='wilcox' (zero differences dropped), correction=False, two-sided,
// method='auto' (more than 50 pairs: normal approximation with the tie correction of the
// variance; otherwise exact null distribution when there are no ties and no zeros, else the
// exact sign-flip permutation distribution for up to 13 pairs, else the normal approximation).
import { normalQuantile, normalTwoSided, tQuantile, tTwoSided } from './distributions.js';
import { midranks } from './ranks.js';

export interface PairedTResult {
  test: 'paired-t';
  n: number;
  mean: number;
  se: number;
  statistic: number;
  df: number;
  p: number;
  /** mean ± t_{1-alpha/2, n-1} · se */
  ci: [number, number];
}

/**
 * Paired t test of mean(d) = margin. With zero spread, scipy returns NaN; we return
 * statistic NaN and p = 1 when mean(d) equals the margin, else ±Infinity and p = 0.
 */
export function pairedT(d: ArrayLike<number>, opts: { alpha?: number; margin?: number } = {}): PairedTResult {
  const alpha = opts.alpha ?? 0.05;
  const margin = opts.margin ?? 0;
  const n = d.length;
  if (n < 2) throw new RangeError(`a paired t test needs at least 2 pairs (got ${n})`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += d[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (d[i]! - mean) ** 2;
  const se = Math.sqrt(ss / (n - 1) / n);
  const df = n - 1;
  const diff = mean - margin;
  let statistic: number;
  let p: number;
  if (se > 0) {
    statistic = diff / se;
    p = tTwoSided(statistic, df);
  } else {
    statistic = diff === 0 ? Number.NaN : Math.sign(diff) * Number.POSITIVE_INFINITY;
    p = diff === 0 ? 1 : 0;
  }
  const h = tQuantile(1 - alpha / 2, df) * se;
  return { test: 'paired-t', n, mean, se, statistic, df, p, ci: [mean - h, mean + h] };
}

export type WilcoxonMethod = 'exact' | 'permutation' | 'asymptotic';

export interface WilcoxonResult {
  test: 'wilcoxon';
  /** pairs with a non-zero difference (the ones ranked) */
  n: number;
  zeros: number;
  /** min(R+, R-), scipy's two-sided statistic */
  statistic: number;
  rPlus: number;
  /** the normal approximation's z (NaN for the exact methods) */
  z: number;
  p: number;
  method: WilcoxonMethod;
}

const EXACT_MAX = 50;
const PERMUTATION_MAX = 13;

/** Wilcoxon signed-rank test of d (minus the margin) symmetric about 0. */
export function wilcoxon(d0: ArrayLike<number>, opts: { margin?: number } = {}): WilcoxonResult {
  const margin = opts.margin ?? 0;
  const all = Float64Array.from(d0 as ArrayLike<number>, (v) => v - margin);
  const total = all.length;
  const d = all.filter((v) => v !== 0);
  const zeros = total - d.length;
  const n = d.length;
  const ties: number[] = [];
  const r = midranks(Float64Array.from(d, Math.abs), ties);
  let rPlus = 0;
  let rMinus = 0;
  for (let i = 0; i < n; i++) (d[i]! > 0 ? (rPlus += r[i]!) : (rMinus += r[i]!));
  const statistic = Math.min(rPlus, rMinus);
  const mn = (n * (n + 1)) / 4;
  const tieTerm = ties.reduce((s, t) => s + t ** 3 - t, 0);
  const se = Math.sqrt((n * (n + 1) * (2 * n + 1) - tieTerm / 2) / 24);
  const z = (rPlus - mn) / se;
  let method: WilcoxonMethod;
  if (total > EXACT_MAX) method = 'asymptotic';
  else if (ties.length === 0 && zeros === 0) method = 'exact';
  else if (total <= PERMUTATION_MAX) method = 'permutation';
  else method = 'asymptotic';
  if (n === 0) return { test: 'wilcoxon', n, zeros, statistic: 0, rPlus: 0, z: Number.NaN, p: Number.NaN, method };
  let p: number;
  if (method === 'asymptotic') p = normalTwoSided(z);
  else if (method === 'exact') {
    const pmf = signedRankPmf(n);
    let lo = 0;
    let hi = 0;
    const k = rPlus; // an integer here (no ties)
    for (let s = 0; s < pmf.length; s++) {
      if (s <= k) lo += pmf[s]!;
      if (s >= k) hi += pmf[s]!;
    }
    p = Math.min(1, 2 * Math.min(lo, hi));
  } else p = signFlipP(d, r, rPlus);
  return { test: 'wilcoxon', n, zeros, statistic, rPlus, z: method === 'asymptotic' ? z : Number.NaN, p, method };
}

/** Null distribution of R+ for n untied ranks 1..n: P(R+ = s), s = 0..n(n+1)/2. */
export function signedRankPmf(n: number): Float64Array {
  const max = (n * (n + 1)) / 2;
  let c = new Float64Array(max + 1);
  c[0] = 1;
  for (let k = 1; k <= n; k++) {
    const next = new Float64Array(max + 1);
    for (let s = 0; s <= max; s++) {
      if (c[s] === 0) continue;
      next[s] = next[s]! + c[s]! / 2;
      next[s + k] = next[s + k]! + c[s]! / 2;
    }
    c = next;
  }
  return c;
}

/** Exact two-sided p over all 2^n sign flips of the ranked differences (scipy's permutation_test). */
function signFlipP(d: Float64Array, r: Float64Array, observed: number): number {
  const n = d.length;
  const total = 2 ** n;
  const gamma = Math.abs(observed) * 1e-14 * 2; // scipy compares with a relative tolerance
  let le = 0;
  let ge = 0;
  for (let mask = 0; mask < total; mask++) {
    let s = 0;
    for (let i = 0; i < n; i++) if (mask & (1 << i)) s += r[i]!;
    if (s <= observed + gamma) le++;
    if (s >= observed - gamma) ge++;
  }
  return Math.min(1, (2 * Math.min(le, ge)) / total);
}

/** Smallest shift of mean(d) a paired test with this standard error detects at the given power. */
export function detectableEffect(se: number, alpha: number, power = 0.8): number {
  return (normalQuantile(1 - alpha / 2) + normalQuantile(power)) * se;
}
