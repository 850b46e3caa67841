// Pearson's chi-square test of independence on a 2 × k table of counts (reference row, current
// row), as scipy.stats.chi2_contingency(correction=True): expected counts from the margins,
// Yates' continuity correction when the table has one degree of freedom (2 × 2), a table with
// no degrees of freedom (one category) gives statistic 0 and p 1.
import { gammaQ } from './special.js';

export interface Chi2Result {
  statistic: number;
  p_value: number;
  dof: number;
}

/** Upper tail P(X >= x) of a chi-square with `dof` degrees of freedom, to full precision. */
export function chi2Sf(x: number, dof: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  return gammaQ(dof / 2, x / 2);
}

/** chi2_contingency([ref, cur]) for two count vectors over the same categories. */
export function chi2Contingency(ref: ArrayLike<number>, cur: ArrayLike<number>, opts: { correction?: boolean } = {}): Chi2Result {
  const k = ref.length;
  if (cur.length !== k) throw new RangeError('chi2Contingency: count vectors differ in length');
  let r0 = 0;
  let r1 = 0;
  for (let c = 0; c < k; c++) {
    r0 += ref[c]!;
    r1 += cur[c]!;
  }
  const total = r0 + r1;
  if (!r0 || !r1) throw new RangeError('chi2Contingency: a row of the table is all zeros');
  const cols: number[] = [];
  for (let c = 0; c < k; c++) if (ref[c]! + cur[c]! > 0) cols.push(c);
  if (cols.length < k) throw new RangeError('chi2Contingency: a category has no counts in either sample');
  const dof = k - 1;
  if (dof === 0) return { statistic: 0, p_value: 1, dof: 0 };
  const yates = dof === 1 && opts.correction !== false;
  let stat = 0;
  for (let c = 0; c < k; c++) {
    const col = ref[c]! + cur[c]!;
    for (const [obs0, row] of [[ref[c]!, r0], [cur[c]!, r1]] as const) {
      const exp = (row * col) / total;
      let obs = obs0;
      if (yates) {
        const diff = exp - obs;
        obs += Math.sign(diff) * Math.min(0.5, Math.abs(diff));
      }
      stat += (obs - exp) ** 2 / exp;
    }
  }
  return { statistic: stat, p_value: chi2Sf(stat, dof), dof };
}
