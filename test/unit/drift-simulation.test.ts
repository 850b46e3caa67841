// Simulation over 1,000 seeded runs: without a shift a column raises at most 6% false alarms at
// alpha 0.05 (KS and chi-square are calibrated; the distances stay under their thresholds); a
// 0.5 sigma mean shift with 1,000 rows is detected in at least 95% of runs.
import { describe, expect, it } from 'vitest';
import { defaultDriftConfig } from '../../src/mlops/monitor/config.js';
import { compareSamples } from '../../src/mlops/monitor/drift.js';
import { SampleBuilder, type Sample } from '../../src/mlops/monitor/columns.js';
import { categories, normals, rng } from '../drift-helpers.js';

const RUNS = 1000;

function sample(cols: Record<string, ArrayLike<number | string>>): Sample {
  const names = Object.keys(cols);
  const n = cols[names[0]!]!.length;
  const b = new SampleBuilder();
  const rows: unknown[][] = [];
  for (let i = 0; i < n; i++) rows.push(names.map((k) => cols[k]![i]));
  b.addRows(names, rows);
  return b.finish();
}

function rates(n: number, shift: number, seed0: number): Record<string, number> {
  const hits: Record<string, number> = {};
  const cfg = defaultDriftConfig();
  for (let run = 0; run < RUNS; run++) {
    const r = rng(seed0 + run);
    const ref = sample({ x: normals(r, n), y: normals(r, n, 5, 2), c: categories(r, n, ['a', 'b', 'c'], [0.5, 0.3, 0.2]) });
    const cur = sample({ x: normals(r, n, shift), y: normals(r, n, 5 + 2 * shift, 2), c: categories(r, n, ['a', 'b', 'c'], [0.5, 0.3, 0.2]) });
    for (const c of compareSamples(ref, cur, cfg).columns) hits[`${c.column}:${c.test}`] = (hits[`${c.column}:${c.test}`] ?? 0) + (c.drift ? 1 : 0);
  }
  return Object.fromEntries(Object.entries(hits).map(([k, v]) => [k, v / RUNS]));
}

describe('drift simulation (1,000 seeded runs)', () => {
  it('no shift, 1,000 reference rows (KS, chi-square): at most 6% false alarms per column', () => {
    const r = rates(1000, 0, 1);
    expect(Object.keys(r).sort()).toEqual(['c:chi2', 'x:ks', 'y:ks']);
    for (const [k, v] of Object.entries(r)) expect(v, k).toBeLessThanOrEqual(0.06);
    // and the tests are not trivially silent: KS at alpha 0.05 alarms a few percent of the time
    expect(r['x:ks']).toBeGreaterThan(0.01);
  });
  it('no shift, 2,000 reference rows (Wasserstein, Jensen-Shannon): at most 6% false alarms per column', () => {
    const r = rates(2000, 0, 100_000);
    expect(Object.keys(r).sort()).toEqual(['c:jensenshannon', 'x:wasserstein', 'y:wasserstein']);
    for (const [k, v] of Object.entries(r)) expect(v, k).toBeLessThanOrEqual(0.06);
  });
  it('a 0.5 sigma mean shift with 1,000 rows is detected in at least 95% of runs', () => {
    const r = rates(1000, 0.5, 200_000);
    expect(r['x:ks']).toBeGreaterThanOrEqual(0.95);
    expect(r['y:ks']).toBeGreaterThanOrEqual(0.95);
    expect(r['c:chi2']).toBeLessThanOrEqual(0.06); // the unshifted column stays quiet
  });
});
