// Population Stability Index and the binning it shares with the Jensen–Shannon distance, as
// Evidently's get_binned_data computes them:
// - a numeric column whose reference has more than 20 distinct values is cut into
//   numpy.histogram_bin_edges(pooled, bins='sturges') bins over the pooled reference and current
//   values (equal width, ceil(log2(n) + 1) bins for n pooled values, the last bin closed);
// - otherwise (few distinct values, or a categorical column) each distinct value is a bin;
// - shares are counts / sample size; for PSI an empty bin's share is replaced by
//   min(non-zero shares) / 10^6 when that minimum is <= 0.0001, else by 0.0001 (per sample).
// PSI = Σ (ref - cur) · ln(ref / cur).

export const PSI_MAX_DISTINCT_FOR_VALUES = 20;

export interface Bins {
  /** bin edges (numeric histogram) — length bins + 1 */
  edges?: number[];
  /** bin labels (one per distinct value) */
  labels?: string[];
  ref: Float64Array;
  cur: Float64Array;
}

/** Number of distinct values in an ascending array. */
export function distinctSorted(x: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (i === 0 || x[i] !== x[i - 1]) n++;
  return n;
}

/** Index of the first element >= v (side 'left'), or > v (side 'right'), in ascending x. */
export function searchSorted(x: ArrayLike<number>, v: number, side: 'left' | 'right'): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (side === 'left' ? x[mid]! < v : x[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** numpy.histogram_bin_edges(concat(a, b), 'sturges') for two ascending arrays. */
export function sturgesEdges(a: ArrayLike<number>, b: ArrayLike<number>, integer: boolean): number[] {
  const n = a.length + b.length;
  let first = Math.min(a.length ? a[0]! : Infinity, b.length ? b[0]! : Infinity);
  let last = Math.max(a.length ? a[a.length - 1]! : -Infinity, b.length ? b[b.length - 1]! : -Infinity);
  const ptp = last - first;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  let width = ptp / (Math.log2(n) + 1);
  if (integer && width && width < 1) width = 1;
  const nb = width ? Math.ceil((last - first) / width) : 1;
  const step = (last - first) / nb;
  const edges: number[] = [];
  for (let i = 0; i <= nb; i++) edges.push(i * step + first);
  edges[nb] = last;
  return edges;
}

/** numpy.histogram(x, edges) counts for ascending x: [e_i, e_i+1), the last bin closed. */
export function histogramSorted(x: ArrayLike<number>, edges: readonly number[]): Float64Array {
  const nb = edges.length - 1;
  const out = new Float64Array(nb);
  let prev = searchSorted(x, edges[0]!, 'left');
  for (let i = 0; i < nb; i++) {
    const next = i === nb - 1 ? searchSorted(x, edges[nb]!, 'right') : searchSorted(x, edges[i + 1]!, 'left');
    out[i] = next - prev;
    prev = next;
  }
  return out;
}

function isIntegral(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isInteger(x[i]!)) return false;
  return true;
}

/** Evidently's bins of two ascending numeric samples, as shares of each sample's size. */
export function numericBins(ref: ArrayLike<number>, cur: ArrayLike<number>): Bins {
  if (distinctSorted(ref) > PSI_MAX_DISTINCT_FOR_VALUES) {
    const edges = sturgesEdges(ref, cur, isIntegral(ref) && isIntegral(cur));
    const r = histogramSorted(ref, edges);
    const c = histogramSorted(cur, edges);
    for (let i = 0; i < r.length; i++) {
      r[i]! /= ref.length;
      c[i]! /= cur.length;
    }
    return { edges, ref: r, cur: c };
  }
  const values = new Set<number>();
  for (let i = 0; i < ref.length; i++) values.add(ref[i]!);
  for (let i = 0; i < cur.length; i++) values.add(cur[i]!);
  const keys = [...values].sort((x, y) => x - y);
  const r = new Float64Array(keys.length);
  const c = new Float64Array(keys.length);
  keys.forEach((k, i) => {
    r[i] = (searchSorted(ref, k, 'right') - searchSorted(ref, k, 'left')) / ref.length;
    c[i] = (searchSorted(cur, k, 'right') - searchSorted(cur, k, 'left')) / cur.length;
  });
  return { labels: keys.map(String), ref: r, cur: c };
}

/** One bin per category (the union of both samples), as shares of each sample's size. */
export function categoryBins(ref: ReadonlyMap<string, number>, cur: ReadonlyMap<string, number>): Bins {
  const keys = [...new Set([...ref.keys(), ...cur.keys()])].sort();
  let nr = 0;
  let nc = 0;
  for (const v of ref.values()) nr += v;
  for (const v of cur.values()) nc += v;
  return {
    labels: keys,
    ref: Float64Array.from(keys, (k) => (ref.get(k) ?? 0) / nr),
    cur: Float64Array.from(keys, (k) => (cur.get(k) ?? 0) / nc),
  };
}

/** Evidently's epsilon for empty bins: min(non-zero)/1e6 when that is <= 1e-4, else 1e-4. */
export function fillEmptyBins(shares: ArrayLike<number>): Float64Array {
  let min = Infinity;
  for (let i = 0; i < shares.length; i++) if (shares[i]! !== 0 && shares[i]! < min) min = shares[i]!;
  const eps = min <= 0.0001 ? min / 1e6 : 0.0001;
  return Float64Array.from(shares as ArrayLike<number>, (v) => (v === 0 ? eps : v));
}

/** PSI of binned shares (empty bins filled first). */
export function psi(refShares: ArrayLike<number>, curShares: ArrayLike<number>): number {
  const r = fillEmptyBins(refShares);
  const c = fillEmptyBins(curShares);
  let s = 0;
  for (let i = 0; i < r.length; i++) s += (r[i]! - c[i]!) * Math.log(r[i]! / c[i]!);
  return s;
}
