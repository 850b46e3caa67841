// McNemar's test on the discordant pairs of two classifiers scored on the same examples:
// b = candidate right and baseline wrong, c = candidate wrong and baseline right.
// Matches statsmodels.stats.contingency_tables.mcnemar: exact = two-sided binomial test
// (statistic min(b, c), p = min(1, 2 P(X <= min(b, c))), X ~ Bin(b + c, 1/2));
// chi-square = ((|b - c| - 1)^2 / (b + c), 1 df) with the continuity correction.
import { binomialCdf, chiSquareSf } from './distributions.js';

export type McNemarTest = 'mcnemar-exact' | 'mcnemar-chi2';

export interface McNemarResult {
  test: McNemarTest;
  b: number;
  c: number;
  statistic: number;
  p: number;
}

/** The gate's choice: exact when b + c < 25 (the usual rule), else chi-square with correction. */
export const MCNEMAR_EXACT_BELOW = 25;

export function mcnemar(b: number, c: number, opts: { exact?: boolean } = {}): McNemarResult {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) throw new RangeError(`McNemar counts must be non-negative integers (b=${b}, c=${c})`);
  const n = b + c;
  const exact = opts.exact ?? n < MCNEMAR_EXACT_BELOW;
  if (exact) {
    const k = Math.min(b, c);
    const p = n === 0 ? 1 : Math.min(1, 2 * binomialCdf(k, n, 0.5));
    return { test: 'mcnemar-exact', b, c, statistic: k, p };
  }
  if (n === 0) return { test: 'mcnemar-chi2', b, c, statistic: Number.NaN, p: Number.NaN };
  const statistic = (Math.abs(b - c) - 1) ** 2 / n;
  return { test: 'mcnemar-chi2', b, c, statistic, p: chiSquareSf(statistic, 1) };
}
