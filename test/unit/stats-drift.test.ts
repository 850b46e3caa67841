// src/stats drift statistics against SciPy and Evidently expected values stored in
// fixtures/stats/drift-*.json (scripts/gen-drift-fixtures.py; no Python needed here).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';
import { ks2samp } from '../../src/stats/ks.js';
import { kstwoSf } from '../../src/stats/kolmogorov.js';
import { normalizedWasserstein, wassersteinDistance } from '../../src/stats/wasserstein.js';
import { chi2Contingency } from '../../src/stats/chi2-contingency.js';
import { jensenShannon } from '../../src/stats/jensenshannon.js';
import { categoryBins, numericBins, psi } from '../../src/stats/psi.js';

const SCENARIOS = ['small', 'equal', 'large', 'mid', 'ties', 'identical', 'disjoint', 'newcat'];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const load = (name: string): any => JSON.parse(readFileSync(join(ROOT, 'fixtures', 'stats', `drift-${name}.json`), 'utf8'));

/** relative tolerance (exact zero only matches a value below `tiny`) */
function rel(actual: number, expected: number, tol = 1e-9, tiny = 1e-300): void {
  if (expected === 0) return void expect(Math.abs(actual), `${actual} vs 0`).toBeLessThanOrEqual(tiny);
  expect(Math.abs(actual - expected) / Math.abs(expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}

function counts(xs: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

function table(ref: string[], cur: string[]): [number[], number[]] {
  const keys = [...new Set([...ref, ...cur])].sort();
  const r = counts(ref);
  const c = counts(cur);
  return [keys.map((k) => r.get(k) ?? 0), keys.map((k) => c.get(k) ?? 0)];
}

describe('drift statistics vs SciPy / Evidently', () => {
  for (const name of SCENARIOS) {
    const f = load(name);
    describe(`${name}: ${f.about}`, () => {
      const n = f.numeric;
      const ref = Float64Array.from(n.ref as number[]).sort();
      const cur = Float64Array.from(n.cur as number[]).sort();
      it(`ks_2samp (${n.ks.method}, ${n.ref.length} vs ${n.cur.length})`, () => {
        const r = ks2samp(n.ref, n.cur);
        expect(r.method).toBe(n.ks.method);
        rel(r.statistic, n.ks.statistic, 1e-12);
        rel(r.p_value, n.ks.p_value);
      });
      it('wasserstein_distance and its normalised form', () => {
        rel(wassersteinDistance(n.ref, n.cur), n.wasserstein.distance);
        rel(normalizedWasserstein(ref, cur, { sorted: true }), n.wasserstein.normalized);
      });
      it('numeric Jensen–Shannon and PSI (Evidently binning)', () => {
        const b = numericBins(ref, cur);
        rel(jensenShannon(b.ref, b.cur), n.jensenshannon, 1e-9, 1e-7);
        rel(psi(b.ref, b.cur), n.psi, 1e-9, 1e-12);
      });
      const c = f.categorical;
      it('chi2_contingency', () => {
        const [r, k] = table(c.ref, c.cur);
        const x = chi2Contingency(r, k);
        expect(x.dof).toBe(c.chi2.dof);
        rel(x.statistic, c.chi2.statistic, 1e-9, 1e-12);
        rel(x.p_value, c.chi2.p_value);
      });
      it('categorical Jensen–Shannon and PSI', () => {
        const b = categoryBins(counts(c.ref), counts(c.cur));
        rel(jensenShannon(b.ref, b.cur), c.jensenshannon, 1e-9, 1e-7);
        rel(psi(b.ref, b.cur), c.psi, 1e-9, 1e-12);
      });
    });
  }

  it('identical data: KS p = 1, distances 0, PSI 0, chi2 p = 1', () => {
    const f = load('identical');
    expect(ks2samp(f.numeric.ref, f.numeric.cur)).toMatchObject({ statistic: 0, p_value: 1 });
    expect(wassersteinDistance(f.numeric.ref, f.numeric.cur)).toBe(0);
    const [r, k] = table(f.categorical.ref, f.categorical.cur);
    expect(chi2Contingency(r, k).p_value).toBe(1);
    const b = categoryBins(counts(f.categorical.ref), counts(f.categorical.cur));
    expect(jensenShannon(b.ref, b.cur)).toBe(0);
    expect(psi(b.ref, b.cur)).toBe(0);
  });

  describe('kstwo.sf over a grid reaching every branch', () => {
    for (const c of load('kstwo').cases) {
      it(`n=${c.n} x=${c.x}`, () => rel(kstwoSf(c.x, c.n), c.sf, 1e-9, 1e-290));
    }
  });
});
