// Special functions behind the distributions (distributions.ts) and the drift tests: log gamma,
// the regularized incomplete gamma and beta functions. Written here instead of taken from
// @stdlib, whose packages pulled ~245 transitive packages into a user's install.
//
// - lnGamma: Lanczos (g = 7, n = 9) below 10, Stirling's series above.
// - The prefactors x^a e^-x / Γ(a) and x^a (1-x)^b / B(a, b) are computed in Loader's
//   saddle-point form (Loader 2000, "Fast and accurate computation of binomial
//   probabilities", as R's dbinom_raw does): stirlerr() and bd0() keep the relative precision
//   that exp(a ln x - x - lnΓ(a)) loses to cancellation when a is large.
// - The incomplete gamma is the power series (x < a + 1) or the Legendre continued fraction,
//   and the incomplete beta is the continued fraction of Numerical Recipes (betacf), both
//   evaluated by the modified Lentz method; each returns the requested tail directly, so a tail
//   probability keeps its digits down to the underflow limit.

const LN_2PI = Math.log(2 * Math.PI);
const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITER = 1_000_000;

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

function lanczosLnGamma(z: number): number {
  // valid for z >= 0.5
  const x = z - 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) s += LANCZOS[i]! / (x + i);
  const t = x + 7.5;
  return 0.5 * LN_2PI + (x + 0.5) * Math.log(t) - t + Math.log(s);
}

/**
 * The remainder of Stirling's formula: lnΓ(z) - ((z - 1/2) ln z - z + ln(2π)/2), for z > 0.
 * The asymptotic series from 10 up (its first omitted term is below 3e-17 there).
 */
export function stirlerr(z: number): number {
  if (z >= 10) {
    const r = 1 / z;
    const r2 = r * r;
    return r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 * (1 / 1188 - r2 * (691 / 360360 - r2 * (1 / 156 - r2 * (3617 / 122400))))))));
  }
  return lnGamma(z) - ((z - 0.5) * Math.log(z) - z + 0.5 * LN_2PI);
}

/** ln Γ(z) for z > 0 (NaN for z <= 0 or NaN, Infinity at Infinity). */
export function lnGamma(z: number): number {
  if (Number.isNaN(z) || z <= 0) return z === 0 ? Infinity : Number.NaN;
  if (z === Infinity) return Infinity;
  if (z >= 10) return (z - 0.5) * Math.log(z) - z + 0.5 * LN_2PI + stirlerr(z);
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lanczosLnGamma(1 - z);
  return lanczosLnGamma(z);
}

/**
 * The deviance term bd0(x, m) = x ln(x / m) + m - x, without the cancellation of that
 * formula when x is close to m (Loader's series in v = (x - m) / (x + m)).
 */
export function bd0(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    const v = (x - m) / (x + m);
    const v2 = v * v;
    let s = (x - m) * v;
    let ej = 2 * x * v;
    for (let j = 1; j < 1000; j++) {
      ej *= v2;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
    return s;
  }
  return x * Math.log(x / m) + m - x;
}

/** ln(x^a e^-x / Γ(a)), for a > 0, x > 0. */
function lnGammaPrefix(a: number, x: number): number {
  return -bd0(a, x) + 0.5 * Math.log(a / (2 * Math.PI)) - stirlerr(a);
}

/** The regularized incomplete gamma pair {p: P(a, x), q: Q(a, x) = 1 - P}, each to full relative precision where it is the smaller. */
export function incompleteGamma(a: number, x: number): { p: number; q: number } {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0 || x < 0) return { p: Number.NaN, q: Number.NaN };
  if (x === 0) return { p: 0, q: 1 };
  if (x === Infinity) return { p: 1, q: 0 };
  if (a === Infinity) return { p: 0, q: 1 };
  const lnPre = lnGammaPrefix(a, x);
  if (x < a + 1) {
    // P = prefix / a · Σ x^n / ((a+1)…(a+n))
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_ITER; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    const p = Math.exp(lnPre + Math.log(sum));
    return { p, q: 1 - p };
  }
  // Q = prefix · 1/(x + 1 - a - 1·(1 - a)/(x + 3 - a - 2·(2 - a)/(x + 5 - a - …))), modified Lentz
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  const q = Math.exp(lnPre + Math.log(h));
  return { p: 1 - q, q };
}

/** P(a, x), the lower regularized incomplete gamma function. */
export function gammaP(a: number, x: number): number {
  return incompleteGamma(a, x).p;
}

/** Q(a, x) = 1 - P(a, x), the upper regularized incomplete gamma function. */
export function gammaQ(a: number, x: number): number {
  return incompleteGamma(a, x).q;
}

/** ln(x^a y^b / B(a, b)) with y = 1 - x passed in, so that callers keep its digits. */
function lnBetaPrefix(a: number, b: number, x: number, y: number): number {
  const n = a + b;
  return -bd0(a, n * x) - bd0(b, n * y) + 0.5 * Math.log((a * b) / (2 * Math.PI * n)) - stirlerr(a) - stirlerr(b) + stirlerr(n);
}

/**
 * ln B(a, b) for a, b > 0, without the cancellation of lnΓ(a) + lnΓ(b) - lnΓ(a + b) when a
 * is large: Stirling's formula turns lnΓ(a) - lnΓ(a + b) into terms of log1p(b / a).
 */
export function lnBeta(a: number, b: number): number {
  if (a < b) [a, b] = [b, a];
  if (a < 10) return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
  const n = a + b;
  const big = -(a - 0.5) * Math.log1p(b / a) - b * Math.log(n) + b + stirlerr(a) - stirlerr(n);
  if (b >= 10) return big + (b - 0.5) * Math.log(b) - b + 0.5 * LN_2PI + stirlerr(b);
  return big + lnGamma(b);
}

/** The continued fraction of I_x(a, b) (Numerical Recipes betacf), modified Lentz. */
function betaCf(a: number, b: number, x: number, y: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  // 1 - (a + b)x/(a + 1), formed from y = 1 - x: x close to 1 would cancel
  let d = x > 0.5 ? (1 - b + qab * y) / qap : 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/**
 * The regularized incomplete beta pair {lower: I_x(a, b), upper: 1 - I_x(a, b)}, with
 * y = 1 - x given by the caller (computed without cancellation where it can be). The smaller of
 * the two keeps full relative precision. `logs` gives ln x and ln y when the caller has them more
 * exactly than x and y themselves (Student's t with a large df: a·ln x = -(df/2)·log1p(t²/df)
 * would lose a·ε to the rounding of x).
 */
export function incompleteBeta(a: number, b: number, x: number, y: number = 1 - x, logs?: { lnx: number; lny: number }): { lower: number; upper: number } {
  if (Number.isNaN(a) || Number.isNaN(b) || Number.isNaN(x) || Number.isNaN(y) || a <= 0 || b <= 0 || x < 0 || y < 0) return { lower: Number.NaN, upper: Number.NaN };
  if (x === 0) return { lower: 0, upper: 1 };
  if (y === 0) return { lower: 1, upper: 0 };
  const lnPre = logs ? a * logs.lnx + b * logs.lny - lnBeta(a, b) : lnBetaPrefix(a, b, x, y);
  if (x < (a + 1) / (a + b + 2)) {
    const w = Math.exp(lnPre + Math.log(betaCf(a, b, x, y) / a));
    return { lower: w, upper: 1 - w };
  }
  const w = Math.exp(lnPre + Math.log(betaCf(b, a, y, x) / b));
  return { lower: 1 - w, upper: w };
}
