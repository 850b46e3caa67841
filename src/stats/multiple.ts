// Corrections for testing several rules at once; the same adjusted p-values as
// statsmodels.stats.multitest.multipletests(method='holm' | 'fdr_bh').

export type Correction = 'holm' | 'bh' | 'none';
export const CORRECTIONS: readonly Correction[] = ['holm', 'bh', 'none'];

/** Holm's step-down: p_(i) * (m - i + 1), made monotone non-decreasing, capped at 1. NaN stays NaN. */
export function holm(p: readonly number[]): number[] {
  const idx = finiteOrder(p);
  const m = idx.length;
  const out = p.map(() => Number.NaN);
  let run = 0;
  idx.forEach((i, k) => {
    run = Math.max(run, Math.min(1, (m - k) * p[i]!));
    out[i] = run;
  });
  return out;
}

/** Benjamini–Hochberg step-up: p_(i) * m / i, made monotone from the top, capped at 1. */
export function benjaminiHochberg(p: readonly number[]): number[] {
  const idx = finiteOrder(p);
  const m = idx.length;
  const out = p.map(() => Number.NaN);
  let run = 1;
  for (let k = m - 1; k >= 0; k--) {
    const i = idx[k]!;
    run = Math.min(run, (m / (k + 1)) * p[i]!);
    out[i] = Math.min(1, run);
  }
  return out;
}

export function adjust(p: readonly number[], correction: Correction): number[] {
  if (correction === 'holm') return holm(p);
  if (correction === 'bh') return benjaminiHochberg(p);
  return [...p];
}

/** Indices of the non-NaN p-values, by ascending p (stable). */
function finiteOrder(p: readonly number[]): number[] {
  return p
    .map((v, i) => [v, i] as const)
    .filter(([v]) => !Number.isNaN(v))
    .sort((x, y) => x[0] - y[0] || x[1] - y[1])
    .map(([, i]) => i);
}
