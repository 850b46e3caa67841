// The distributions the gate's and the drift tests need, on the special functions in special.ts
// (each checked against scipy.stats in fixtures/stats/distributions.json, tails included); the
// Wilcoxon signed-rank null distribution is in paired.ts.
import { gammaQ, incompleteBeta, incompleteGamma, lnGamma } from './special.js';

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** Standard normal CDF: Φ(-z) = Q(1/2, z²/2) / 2 for z > 0, so the lower tail keeps its digits to ~1e-308. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === -Infinity) return 0;
  if (x === Infinity) return 1;
  const g = incompleteGamma(0.5, (x * x) / 2);
  return x < 0 ? g.q / 2 : 0.5 + g.p / 2;
}

function normalPdf(x: number): number {
  return Math.exp((-x * x) / 2) / SQRT_2PI;
}

// Acklam's rational approximation of the normal quantile (relative error below 1.2e-9),
// polished by Halley steps on normalCdf to full precision.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

function acklamLower(p: number): number {
  // p in (0, 0.5]
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) / ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q) / (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1);
}

/** Standard normal quantile (inverse CDF). */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -normalQuantile(1 - p); // 1 - p is exact for p >= 0.5
  if (p === 0.5) return 0;
  let x = acklamLower(p);
  for (let i = 0; i < 4; i++) {
    const f = normalPdf(x);
    if (f === 0) break;
    const u = (normalCdf(x) - p) / f;
    const next = x - u / (1 + (x * u) / 2);
    const done = Math.abs(next - x) <= 1e-15 * Math.abs(next);
    x = next;
    if (done) break;
  }
  return x;
}

/** P(|Z| >= |z|) for a standard normal Z. Uses the lower tail of -|z| so tiny p-values keep their digits. */
export function normalTwoSided(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return Math.min(1, 2 * normalCdf(-Math.abs(z)));
}

/** Student's t CDF with df > 0 degrees of freedom: P(T <= -|t|) = I_{df/(df+t²)}(df/2, 1/2) / 2. */
export function tCdf(x: number, df: number): number {
  if (Number.isNaN(x) || Number.isNaN(df) || df <= 0) return Number.NaN;
  if (df === Infinity) return normalCdf(x);
  if (x === -Infinity) return 0;
  if (x === Infinity) return 1;
  const t2 = x * x;
  // w = df/(df+t²) and 1 - w = t²/(df+t²), each formed without cancellation
  const s = df + t2;
  const ib = incompleteBeta(df / 2, 0.5, df / s, t2 / s, { lnx: -Math.log1p(t2 / df), lny: -Math.log1p(df / t2) });
  const tail = ib.lower / 2;
  return x < 0 ? tail : 1 - tail;
}

function tPdf(x: number, df: number): number {
  return Math.exp(lnGamma((df + 1) / 2) - lnGamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((x * x) / df));
}

/** Hill's (1970, CACM algorithm 396) approximation of the t quantile for the lower tail p < 0.5 (negative result). */
function hillLower(p: number, n: number): number {
  const P = 2 * p; // two-sided
  const a = 1 / (n - 0.5);
  const b = 48 / (a * a);
  let c = ((((20700 * a) / b - 98) * a - 16) * a + 96.36);
  const d = ((94.5 / (b + c) - 3) / b + 1) * Math.sqrt((a * Math.PI) / 2) * n;
  let y = Math.pow(d * P, 2 / n);
  if (y > 0.05 + a) {
    const x = normalQuantile(0.5 * P);
    y = x * x;
    if (n < 5) c += 0.3 * (n - 4.5) * (x + 0.6);
    c = (((0.05 * d * x - 5) * x - 7) * x - 2) * x + b + c;
    y = (((((0.4 * y + 6.3) * y + 36) * y + 94.5) / c - y - 3) / b + 1) * x;
    y = Math.expm1(a * y * y);
  } else {
    y = ((1 / (((n + 6) / (n * y) - 0.089 * d - 0.822) * (n + 2) * 3) + 0.5 / (n + 4)) * y - 1) * ((n + 1) / (n + 2)) + 1 / y;
  }
  return -Math.sqrt(n * y);
}

/** Student's t quantile: Hill's approximation (closed forms for df 1 and 2), polished by safeguarded Newton steps on ln tCdf. */
export function tQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || Number.isNaN(df) || df <= 0 || p < 0 || p > 1) return Number.NaN;
  if (df === Infinity) return normalQuantile(p);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -tQuantile(1 - p, df);
  if (p === 0.5) return 0;
  if (df === 1) return -1 / Math.tan(Math.PI * p); // tan(π(p - 1/2)) without its cancellation
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  let x = hillLower(p, df);
  if (!Number.isFinite(x) || x >= 0) x = normalQuantile(p);
  // Newton on ln F(x) = ln p, kept inside a bracket [lo, hi] with F(lo) < p <= F(hi)
  let lo = -Infinity;
  let hi = 0;
  const lp = Math.log(p);
  for (let i = 0; i < 100; i++) {
    const F = tCdf(x, df);
    if (F < p) lo = x;
    else hi = x;
    const f = tPdf(x, df);
    let next = x - ((Math.log(F) - lp) * F) / f;
    if (!(next > lo && next < hi)) next = lo === -Infinity ? 2 * Math.min(x, -1) : (lo + hi) / 2;
    if (Math.abs(next - x) <= 4e-16 * Math.abs(x)) return next;
    x = next;
  }
  return x;
}

/** P(|T| >= |t|) for Student's t with df degrees of freedom. */
export function tTwoSided(t: number, df: number): number {
  if (Number.isNaN(t)) return Number.NaN;
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}

/** P(X <= k) for X ~ Binomial(n, p): I_{1-p}(n - k, k + 1). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (Number.isNaN(k) || Number.isNaN(n) || Number.isNaN(p) || p < 0 || p > 1 || n < 0) return Number.NaN;
  k = Math.floor(k);
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p === 0) return 1;
  if (p === 1) return 0;
  return incompleteBeta(n - k, k + 1, 1 - p, p).lower;
}

/** Upper tail P(X >= x) of a chi-square with df degrees of freedom: Q(df/2, x/2). */
export function chiSquareSf(x: number, df: number): number {
  if (Number.isNaN(x) || Number.isNaN(df) || df <= 0) return Number.NaN;
  if (x <= 0) return 1;
  return gammaQ(df / 2, x / 2);
}
