// The gate's paired bootstrap CIs against scipy.stats.bootstrap (paired, percentile) on the same
// predictions (bench/gate-peer.py), when the SciPy venv is there (scripts/scipy-peer.sh). The two
// draw different random resamples, so the endpoints agree to Monte Carlo error: with 10,000
// resamples a 2.5% / 97.5% endpoint varies by about 0.03 standard errors, so 0.15 SE is a
// ~4-sigma band. Accuracy and macro F1 resample as multinomial code counts, Brier by grouped
// index draws: this checks both against SciPy's index resampling.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, ROOT, tempDir } from '../helpers.js';
import { parseGateConfig } from '../../src/mlops/gate/config.js';
import { parsePredictions } from '../../src/mlops/gate/predictions.js';
import { alignPredictions, buildSides } from '../../src/mlops/gate/align.js';
import { evaluateRules } from '../../src/mlops/gate/evaluate.js';
import { xoshiro128 } from '../../src/stats/prng.js';

const PY = join(ROOT, '.cache', 'venv-scipy', 'bin', 'python');
const ready = existsSync(PY) && spawnSync(PY, ['-c', 'import scipy, statsmodels'], { encoding: 'utf8' }).status === 0;

afterEach(() => cleanup());

function files(n: number, seed: number): [string, string] {
  const r = xoshiro128(seed);
  const cand = ['id,label,prediction,score'];
  const base = ['id,label,prediction,score'];
  for (let i = 0; i < n; i++) {
    const y = r.uniform() < 0.5 ? 1 : 0;
    const sc = Math.min(0.999, Math.max(0.001, (y ? 0.6 : 0.4) + (r.uniform() - 0.5) * 0.8));
    const sb = Math.min(0.999, Math.max(0.001, (y ? 0.58 : 0.42) + (r.uniform() - 0.5) * 0.8));
    cand.push(`${i},${y},${sc > 0.5 ? 1 : 0},${sc.toFixed(4)}`);
    base.push(`${i},${y},${sb > 0.5 ? 1 : 0},${sb.toFixed(4)}`);
  }
  return [cand.join('\n') + '\n', base.join('\n') + '\n'];
}

describe.skipIf(!ready)('gate bootstrap CIs vs scipy.stats.bootstrap', () => {
  it('accuracy, macro F1 and Brier differences agree within 0.15 standard errors (1500 examples, 10,000 resamples)', () => {
    const dir = tempDir('cairn-gate-scipy-');
    const [cand, base] = files(1500, 21);
    writeFileSync(join(dir, 'cand.csv'), cand);
    writeFileSync(join(dir, 'base.csv'), base);
    const c = parsePredictions(cand, 'cand.csv', 'csv');
    const b = alignPredictions(c, parsePredictions(base, 'base.csv', 'csv'));
    const [sc, sb] = buildSides('classification', [c, b]);
    const cfg = parseGateConfig('eval_set: e\nresamples: 10000\nmetrics:\n  accuracy: {beat: baseline}\n  macro_f1: {beat: baseline}\n  brier: {beat: baseline}\n', 'gate.yaml');
    const ev = evaluateRules(cfg, sc!, sb!);
    const p = spawnSync(PY, [join(ROOT, 'bench', 'gate-peer.py'), join(dir, 'cand.csv'), join(dir, 'base.csv'), '10000'], { encoding: 'utf8', timeout: 120_000 });
    expect(p.status, p.stderr).toBe(0);
    const peer = JSON.parse(p.stdout) as { ci: Record<string, [number, number]> };
    for (const row of ev.rules) {
      const ci = row.ci as [number, number];
      const want = peer.ci[row.metric]!;
      const se = row.se!;
      expect(se).toBeGreaterThan(0);
      for (const k of [0, 1]) expect(Math.abs(ci[k]! - want[k]!), `${row.metric} ci[${k}]: cairn ${ci[k]} scipy ${want[k]} (se ${se})`).toBeLessThanOrEqual(0.15 * se);
    }
  }, 180_000);
});

if (!ready) {
  describe('gate bootstrap CIs vs scipy.stats.bootstrap', () => {
    it.skip('skipped: no .cache/venv-scipy (run scripts/scipy-peer.sh to create it)', () => {});
  });
}
