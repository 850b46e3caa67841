// Two-sample Kolmogorov–Smirnov test, two-sided, as scipy.stats.ks_2samp(method='auto'): the
// exact null distribution when both samples have at most 10,000 values (Hodges' lattice-path
// count, Viehmann's recursion for 1 - p), otherwise kstwo.sf(D, round(n1·n2/(n1+n2))). In exact
// mode the statistic is rounded to the nearest multiple of 1/lcm(n1, n2), as SciPy reports it.
import { kstwoSf } from './kolmogorov.js';

export interface KsResult {
  statistic: number;
  p_value: number;
  method: 'exact' | 'asymp';
}

/** SciPy's MAX_AUTO_N: 'auto' is exact when max(n1, n2) <= this. */
export const KS_MAX_EXACT_N = 10000;

/** ks_2samp of two samples; `sorted` says both are already ascending (saves the sorts). */
export function ks2samp(x: ArrayLike<number>, y: ArrayLike<number>, opts: { sorted?: boolean; method?: 'auto' | 'exact' | 'asymp' } = {}): KsResult {
  const a = opts.sorted ? x : Float64Array.from(x).sort();
  const b = opts.sorted ? y : Float64Array.from(y).sort();
  const n1 = a.length;
  const n2 = b.length;
  if (!n1 || !n2) throw new RangeError('ks2samp needs two non-empty samples');
  let d = ksStatistic(a, b);
  const method = opts.method ?? 'auto';
  let mode: 'exact' | 'asymp' = method === 'auto' ? (Math.max(n1, n2) <= KS_MAX_EXACT_N ? 'exact' : 'asymp') : method;
  const g = gcd(n1, n2);
  if (method === 'exact' && n1 / g >= 2147483647 / (n2 / g)) mode = 'asymp';
  let prob = Number.NaN;
  if (mode === 'exact') {
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm;
    if (h === 0) prob = 1;
    else prob = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
    if (!(prob >= 0 && prob <= 1)) mode = 'asymp';
  }
  if (mode === 'asymp') {
    const m = Math.max(n1, n2);
    const n = Math.min(n1, n2);
    prob = kstwoSf(d, roundHalfEven((m * n) / (m + n)));
  }
  return { statistic: d, p_value: Math.min(1, Math.max(0, prob)), method: mode };
}

/** sup |F1 - F2| over the pooled values (each ECDF taken after all ties at a value). */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let maxS = 0;
  let minS = 0;
  while (i < n1 || j < n2) {
    const v = i < n1 && (j >= n2 || a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < n1 && a[i]! <= v) i++;
    while (j < n2 && b[j]! <= v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxS) maxS = diff;
    if (diff < minS) minS = diff;
  }
  return Math.max(maxS, Math.min(1, -minS));
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** numpy.round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Pr(D_{n,n} >= h/n): 2·A0·(1 - A1·(1 - A2·(...))) (SciPy's _compute_prob_outside_square). */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/**
 * The share of lattice paths from (0,0) to (m,n) that leave |x/m - y/n| < h/lcm, computed as
 * 1 - p directly in one sliding column (SciPy's _compute_outer_prob_inside_method).
 */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(Math.max(lenA, n + 2)).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1]!;
}
