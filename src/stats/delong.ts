// DeLong, DeLong & Clarke-Pearson (1988) test for two correlated ROC AUCs (the same examples
// scored by two models), computed with the midrank algorithm of Sun & Xu (2014), O(n log n).
// Checked against a direct O(m·n) implementation of the 1988 paper's structural components
// (scripts/gen-stats-fixtures.py) and against sklearn's roc_auc_score.
import { normalQuantile, normalTwoSided } from './distributions.js';
import { midranks } from './ranks.js';

export interface DeLongResult {
  /** AUC of the first and second score */
  auc: [number, number];
  /** auc[0] - auc[1] */
  delta: number;
  /** estimated variance of delta */
  variance: number;
  se: number;
  /** (delta - margin) / se */
  z: number;
  /** two-sided p of H0: delta = margin */
  p: number;
  /** delta ± z_{1-alpha/2} · se */
  ci: [number, number];
  positives: number;
  negatives: number;
}

interface Components {
  auc: number;
  v10: Float64Array;
  v01: Float64Array;
}

function components(pos: Float64Array, neg: Float64Array): Components {
  const m = pos.length;
  const n = neg.length;
  const all = new Float64Array(m + n);
  all.set(pos, 0);
  all.set(neg, m);
  const tz = midranks(all);
  const tx = midranks(pos);
  const ty = midranks(neg);
  let sum = 0;
  const v10 = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    sum += tz[i]!;
    v10[i] = (tz[i]! - tx[i]!) / n;
  }
  const v01 = new Float64Array(n);
  for (let j = 0; j < n; j++) v01[j] = 1 - (tz[m + j]! - ty[j]!) / m;
  return { auc: (sum - (m * (m + 1)) / 2) / (m * n), v10, v01 };
}

/** Sample covariance (ddof = 1) of two equally long vectors. */
function cov(a: Float64Array, b: Float64Array): number {
  const k = a.length;
  if (k < 2) return 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < k; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= k;
  mb /= k;
  let s = 0;
  for (let i = 0; i < k; i++) s += (a[i]! - ma) * (b[i]! - mb);
  return s / (k - 1);
}

/** Split scores by a binary truth (positive = true). */
function split(positive: ArrayLike<boolean>, s: ArrayLike<number>): [Float64Array, Float64Array] {
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < s.length; i++) (positive[i] ? pos : neg).push(s[i]!);
  return [Float64Array.from(pos), Float64Array.from(neg)];
}

/** AUC of one score (Mann–Whitney with midranks), NaN when a class is absent. */
export function rocAuc(positive: ArrayLike<boolean>, score: ArrayLike<number>): number {
  const [pos, neg] = split(positive, score);
  if (pos.length === 0 || neg.length === 0) return Number.NaN;
  return components(pos, neg).auc;
}

/**
 * DeLong's test of AUC(a) - AUC(b) = margin. When the variance is 0 (both perfect, or identical
 * scores), p is 1 if delta equals the margin and 0 otherwise.
 */
export function delong(positive: ArrayLike<boolean>, a: ArrayLike<number>, b: ArrayLike<number>, opts: { alpha?: number; margin?: number } = {}): DeLongResult {
  const alpha = opts.alpha ?? 0.05;
  const margin = opts.margin ?? 0;
  const [pa, na] = split(positive, a);
  const [pb, nb] = split(positive, b);
  const m = pa.length;
  const n = na.length;
  if (m === 0 || n === 0) throw new RangeError(`DeLong needs both classes (got ${m} positive, ${n} negative examples)`);
  const ca = components(pa, na);
  const cb = components(pb, nb);
  const s10 = cov(ca.v10, ca.v10) + cov(cb.v10, cb.v10) - 2 * cov(ca.v10, cb.v10);
  const s01 = cov(ca.v01, ca.v01) + cov(cb.v01, cb.v01) - 2 * cov(ca.v01, cb.v01);
  const variance = Math.max(0, s10 / m + s01 / n);
  const se = Math.sqrt(variance);
  const delta = ca.auc - cb.auc;
  const diff = delta - margin;
  let z: number;
  let p: number;
  if (se > 0) {
    z = diff / se;
    p = normalTwoSided(z);
  } else {
    z = diff === 0 ? 0 : Math.sign(diff) * Number.POSITIVE_INFINITY;
    p = diff === 0 ? 1 : 0;
  }
  const h = normalQuantile(1 - alpha / 2) * se;
  return { auc: [ca.auc, cb.auc], delta, variance, se, z, p, ci: [delta - h, delta + h], positives: m, negatives: n };
}
