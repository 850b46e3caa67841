// Midranks (1-based, ties get the average of the ranks they span), as scipy.stats.rankdata('average').

/** Midranks of `x`; `tieSizes`, when given, receives the size of every tie group of 2 or more. */
export function midranks(x: ArrayLike<number>, tieSizes?: number[]): Float64Array {
  const n = x.length;
  const order = sortedOrder(x);
  const r = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    const v = x[order[i]!]!;
    while (j + 1 < n && x[order[j + 1]!] === v) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) r[order[k]!] = rank;
    if (tieSizes && j > i) tieSizes.push(j - i + 1);
    i = j + 1;
  }
  return r;
}

/** Indices of `x` in ascending order of value (stable). */
export function sortedOrder(x: ArrayLike<number>): Uint32Array {
  const idx = new Uint32Array(x.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  const vals = Float64Array.from(x as ArrayLike<number>);
  return idx.sort((a, b) => vals[a]! - vals[b]! || a - b);
}
