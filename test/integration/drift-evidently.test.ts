// cairn monitor drift against Evidently itself (legacy DataDriftPreset, run by bench/drift-peer.py
// in .cache/venv-evidently): on the same CSVs, with each column given the test cairn chose and the
// same thresholds, the per-column verdicts agree; KS p-values, normalised Wasserstein and
// Jensen–Shannon scores agree to 1e-9. Evidently's chi-square is a goodness-of-fit test (current
// counts against reference shares), cairn's the contingency test, so only their verdicts are
// compared, on data that is not borderline. Skips with the reason when the venv cannot be made.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { monitorDrift } from '../../src/api/monitor-drift.js';
import { categories, csv, normals, rng } from '../drift-helpers.js';
import { cleanup, ROOT, tempDir } from '../helpers.js';

function peer(): { py?: string; reason?: string } {
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'evidently-peer.sh')], { encoding: 'utf8', timeout: 600_000 });
  const py = r.stdout.trim().split('\n').pop();
  if (r.status === 0 && py && existsSync(py)) return { py };
  return { reason: `scripts/evidently-peer.sh failed (exit ${r.status}): ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}` };
}

const P = peer();
afterAll(() => cleanup());

function scenario(seed: number, nRef: number, nCur: number) {
  const r = rng(seed);
  const ref = {
    same: normals(r, nRef),
    shifted: normals(r, nRef, 10, 2),
    wider: normals(r, nRef, 0, 1),
    cat_same: categories(r, nRef, ['a', 'b', 'c'], [0.5, 0.3, 0.2]),
    cat_moved: categories(r, nRef, ['a', 'b', 'c'], [0.5, 0.3, 0.2]),
  };
  const cur = {
    same: normals(r, nCur),
    shifted: normals(r, nCur, 11, 2),
    wider: normals(r, nCur, 0, 1.6),
    cat_same: categories(r, nCur, ['a', 'b', 'c'], [0.5, 0.3, 0.2]),
    cat_moved: categories(r, nCur, ['a', 'b', 'c'], [0.25, 0.3, 0.45]),
  };
  return { ref, cur };
}

describe.skipIf(!P.py)(`drift fixtures${P.reason ? ` (skipped: ${P.reason})` : ''}`, () => {
  // Evidently sums over a Python set of categories, whose order follows the string hash seed:
  // the last bits of a sum may differ from run to run, so numbers compare to 1e-12
  const near = (a: unknown, b: unknown, at: string): void => {
    if (typeof a === 'number' && typeof b === 'number') return void expect(Math.abs(a - b), at).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(b), 1e-300));
    if (a && b && typeof a === 'object' && typeof b === 'object') {
      expect(Object.keys(a).sort(), at).toEqual(Object.keys(b).sort());
      for (const k of Object.keys(a)) near((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
      return;
    }
    expect(a, at).toEqual(b);
  };
  it('scripts/gen-drift-fixtures.py reproduces fixtures/stats/drift-*.json', () => {
    const out = tempDir('cairn-drift-fixtures-');
    const r = spawnSync(P.py!, [join(ROOT, 'scripts', 'gen-drift-fixtures.py'), out], { encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    const names = readdirSync(join(ROOT, 'fixtures', 'stats')).filter((f) => f.startsWith('drift-'));
    expect(readdirSync(out).sort()).toEqual(names.sort());
    for (const f of names) near(JSON.parse(readFileSync(join(out, f), 'utf8')), JSON.parse(readFileSync(join(ROOT, 'fixtures', 'stats', f), 'utf8')), f);
  }, 600_000);
});

describe.skipIf(!P.py)(`monitor drift vs Evidently${P.reason ? ` (skipped: ${P.reason})` : ''}`, () => {
  for (const [name, seed, nRef, nCur] of [['1,000 reference rows or fewer (ks, chi2)', 7, 800, 900], ['above 1,000 reference rows (wasserstein, jensenshannon)', 8, 3000, 4000]] as const) {
    it(name, async () => {
      const dir = tempDir('cairn-drift-evidently-');
      const { ref, cur } = scenario(seed, nRef, nCur);
      writeFileSync(join(dir, 'ref.csv'), csv(ref));
      writeFileSync(join(dir, 'cur.csv'), csv(cur));
      const ours = await monitorDrift({ cwd: dir, reference: 'ref.csv', current: 'cur.csv' });
      const spec = {
        numeric: ours.columns.filter((c) => c.kind === 'numeric').map((c) => c.column),
        categorical: ours.columns.filter((c) => c.kind === 'categorical').map((c) => c.column),
        tests: Object.fromEntries(ours.columns.map((c) => [c.column, c.test])),
        thresholds: Object.fromEntries(ours.columns.map((c) => [c.column, c.threshold])),
      };
      writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
      const r = spawnSync(P.py!, [join(ROOT, 'bench', 'drift-peer.py'), join(dir, 'ref.csv'), join(dir, 'cur.csv'), join(dir, 'spec.json')], { encoding: 'utf8', timeout: 300_000 });
      expect(r.status, r.stderr).toBe(0);
      const theirs = JSON.parse(r.stdout) as { dataset_drift: boolean; columns: Record<string, { drift: boolean; test: string; score: number }> };
      expect(Object.keys(theirs.columns).sort()).toEqual(ours.columns.map((c) => c.column).sort());
      for (const c of ours.columns) {
        const t = theirs.columns[c.column]!;
        expect(c.drift, `${c.column} (${c.test}): cairn ${c.drift}, Evidently ${t.drift} (${t.test} ${t.score})`).toBe(t.drift);
        const score = c.test === 'ks' ? c.p_value! : c.test === 'chi2' ? undefined : c.statistic;
        if (score !== undefined) expect(Math.abs(score - t.score) / Math.max(Math.abs(t.score), 1e-300), `${c.column} score`).toBeLessThanOrEqual(1e-9);
      }
      expect(ours.drift).toBe(theirs.dataset_drift);
      // the scenario exercises both outcomes
      expect(ours.columns.map((c) => c.drift)).toEqual([false, true, true, false, true]);
    }, 600_000);
  }
});
