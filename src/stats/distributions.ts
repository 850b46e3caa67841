// The distributions the gate's tests need, from @stdlib (each package is one audited CDF or
// quantile); the Wilcoxon signed-rank null distribution, which @stdlib lacks, is in paired.ts.
import normalCdfImpl from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileImpl from '@stdlib/stats-base-dists-normal-quantile';
import tCdfImpl from '@stdlib/stats-base-dists-t-cdf';
import tQuantileImpl from '@stdlib/stats-base-dists-t-quantile';
import binomialCdfImpl from '@stdlib/stats-base-dists-binomial-cdf';
import chisquareCdfImpl from '@stdlib/stats-base-dists-chisquare-cdf';

/** Standard normal CDF. */
export function normalCdf(x: number): number {
  return normalCdfImpl(x, 0, 1);
}

/** Standard normal quantile (inverse CDF). */
export function normalQuantile(p: number): number {
  return normalQuantileImpl(p, 0, 1);
}

/** P(|Z| >= |z|) for a standard normal Z. Uses the lower tail of -|z| so tiny p-values keep their digits. */
export function normalTwoSided(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return Math.min(1, 2 * normalCdf(-Math.abs(z)));
}

export function tCdf(x: number, df: number): number {
  return tCdfImpl(x, df);
}

export function tQuantile(p: number, df: number): number {
  return tQuantileImpl(p, df);
}

/** P(|T| >= |t|) for Student's t with df degrees of freedom. */
export function tTwoSided(t: number, df: number): number {
  if (Number.isNaN(t)) return Number.NaN;
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}

/** P(X <= k) for X ~ Binomial(n, p). */
export function binomialCdf(k: number, n: number, p: number): number {
  return binomialCdfImpl(k, n, p);
}

/** Upper tail P(X >= x) of a chi-square with df degrees of freedom. */
export function chiSquareSf(x: number, df: number): number {
  if (df === 1) return x <= 0 ? 1 : normalTwoSided(Math.sqrt(x)); // keeps precision in the far tail
  return 1 - chisquareCdfImpl(x, df);
}
