// When the SciPy venv is there (scripts/scipy-peer.sh), regenerate fixtures/stats/ with
// scripts/gen-stats-fixtures.py and compare with the committed copies, so the fixtures the unit
// tests trust cannot drift from what SciPy / statsmodels / sklearn say.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, ROOT, tempDir } from '../helpers.js';

const PY = join(ROOT, '.cache', 'venv-scipy', 'bin', 'python');
const ready = existsSync(PY) && spawnSync(PY, ['-c', 'import scipy, statsmodels, sklearn'], { encoding: 'utf8' }).status === 0;

afterEach(() => cleanup());

function compare(a: unknown, b: unknown, path: string): void {
  if (typeof a === 'number' && typeof b === 'number') {
    expect(Math.abs(a - b), `${path}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
  } else if (Array.isArray(a) && Array.isArray(b)) {
    expect(a.length, path).toBe(b.length);
    a.forEach((v, i) => compare(v, b[i], `${path}[${i}]`));
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    expect(Object.keys(a).sort(), path).toEqual(Object.keys(b).sort());
    for (const k of Object.keys(a)) compare((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
  } else expect(a, path).toEqual(b);
}

describe.skipIf(!ready)('fixtures/stats regenerated from SciPy/statsmodels', () => {
  it('match the committed fixtures', () => {
    const out = tempDir('cairn-stats-fixtures-');
    const r = spawnSync(PY, [join(ROOT, 'scripts', 'gen-stats-fixtures.py'), out], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const files = readdirSync(join(ROOT, 'fixtures', 'stats')).filter((f) => f.endsWith('.json') && !f.startsWith('drift-')).sort(); // drift-*: scripts/gen-drift-fixtures.py
    expect(readdirSync(out).sort()).toEqual(files);
    for (const f of files) {
      const fresh = JSON.parse(readFileSync(join(out, f), 'utf8'));
      const kept = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'stats', f), 'utf8'));
      compare(fresh.cases, kept.cases, f);
    }
  });
});

if (!ready) {
  describe('fixtures/stats regenerated from SciPy/statsmodels', () => {
    it.skip('skipped: no .cache/venv-scipy (run scripts/scipy-peer.sh to create it)', () => {});
  });
}
