// Jensen–Shannon distance between two discrete distributions, as
// scipy.spatial.distance.jensenshannon(p, q) with the natural log: both vectors are normalised
// to sum 1, m = (p + q)/2, distance = sqrt((KL(p‖m) + KL(q‖m)) / 2). Its range is [0, sqrt(ln 2)].

function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

export function jensenShannon(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const k = p.length;
  if (q.length !== k) throw new RangeError('jensenShannon: vectors differ in length');
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < k; i++) {
    sp += p[i]!;
    sq += q[i]!;
  }
  let left = 0;
  let right = 0;
  for (let i = 0; i < k; i++) {
    const pi = p[i]! / sp;
    const qi = q[i]! / sq;
    const m = (pi + qi) / 2;
    left += relEntr(pi, m);
    right += relEntr(qi, m);
  }
  return Math.sqrt(Math.max(0, (left + right) / 2));
}
