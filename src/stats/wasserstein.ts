// The first Wasserstein (earth mover's) distance between two 1-D samples, as
// scipy.stats.wasserstein_distance: the integral of |F_u - F_v| over the pooled sorted values.
// Drift monitoring divides it by the reference's standard deviation (Evidently's
// wasserstein_distance_norm), so the threshold is in units of the reference's spread.

/** wasserstein_distance(u, v); `sorted` says both are already ascending. */
export function wassersteinDistance(u: ArrayLike<number>, v: ArrayLike<number>, opts: { sorted?: boolean } = {}): number {
  const a = opts.sorted ? u : Float64Array.from(u).sort();
  const b = opts.sorted ? v : Float64Array.from(v).sort();
  const nu = a.length;
  const nv = b.length;
  if (!nu || !nv) throw new RangeError('wassersteinDistance needs two non-empty samples');
  let i = 0;
  let j = 0;
  let sum = 0;
  let comp = 0; // Neumaier compensation: NumPy sums pairwise, this keeps us within rounding of it
  let prev = Math.min(a[0]!, b[0]!);
  while (i < nu || j < nv) {
    const x = i < nu && (j >= nv || a[i]! <= b[j]!) ? a[i]! : b[j]!;
    if (x !== prev) {
      const term = Math.abs(i / nu - j / nv) * (x - prev);
      const t = sum + term;
      comp += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
      sum = t;
      prev = x;
    }
    while (i < nu && a[i]! <= x) i++;
    while (j < nv && b[j]! <= x) j++;
  }
  return sum + comp;
}

/** Population standard deviation (ddof = 0, numpy.std's default). */
export function populationStd(x: ArrayLike<number>): number {
  const n = x.length;
  if (!n) return Number.NaN;
  let mean = 0;
  for (let k = 0; k < n; k++) mean += x[k]!;
  mean /= n;
  let ss = 0;
  for (let k = 0; k < n; k++) ss += (x[k]! - mean) ** 2;
  return Math.sqrt(ss / n);
}

/** Evidently's floor on the divisor, so a constant reference does not divide by zero. */
export const WASSERSTEIN_MIN_STD = 0.001;

/** wasserstein_distance(ref, cur) / max(std(ref), 0.001). */
export function normalizedWasserstein(ref: ArrayLike<number>, cur: ArrayLike<number>, opts: { sorted?: boolean } = {}): number {
  return wassersteinDistance(ref, cur, opts) / Math.max(populationStd(ref), WASSERSTEIN_MIN_STD);
}
