// Differential parity with the real DVC (issue 10 item 1): every scenario of scenarios.ts runs
// with DVC (scripts/dvc-peer.sh installs it into .cache/venv-dvc) and with the cairn CLI, and
// what a user sees must agree, except the differences on purpose (`differs`, docs/dvc.md) and
// the known bugs in pending.ts (which must still differ, so a fix forces their removal).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { DVC_PY, differences, runAll, type RunResult } from './harness.js';
import { pending } from './pending.js';
import { scenarios } from './scenarios.js';
import { ROOT } from '../helpers.js';

const ready = existsSync(DVC_PY) && spawnSync(DVC_PY, ['-c', 'import dvc.cli'], { encoding: 'utf8' }).status === 0;
const only = process.env.PARITY_ONLY ? new RegExp(process.env.PARITY_ONLY) : null;
const chosen = scenarios.filter((s) => !only || only.test(s.name));

describe.skipIf(!ready)('parity with DVC', () => {
  let results: Map<string, { dvc: RunResult; cairn: RunResult }>;
  beforeAll(async () => {
    const t0 = Date.now();
    results = await runAll(chosen, Number(process.env.PARITY_DVC_LANES ?? 2), Number(process.env.PARITY_CAIRN_LANES ?? 4));
    if (process.env.PARITY_DUMP) {
      const dump = chosen.map((s) => {
        const r = results.get(s.name)!;
        return { name: s.name, ms: { dvc: r.dvc.ms, dvcTool: r.dvc.toolMs, cairn: r.cairn.ms, cairnTool: r.cairn.toolMs }, diff: differences(r.dvc.obs, r.cairn.obs), dvc: r.dvc.obs, cairn: r.cairn.obs, dvcLog: r.dvc.log, cairnLog: r.cairn.log };
      });
      writeFileSync(process.env.PARITY_DUMP, JSON.stringify({ seconds: (Date.now() - t0) / 1000, dump }, null, 1));
    }
  }, 600_000);

  for (const sc of chosen) {
    const pend = pending.find((p) => p.scenario === sc.name);
    it(`${sc.area}: ${sc.name}${pend ? ` (pending: ${pend.item})` : ''}`, () => {
      const r = results.get(sc.name)!;
      const diff = differences(r.dvc.obs, r.cairn.obs);
      const onPurpose = new Set((sc.differs ?? []).map((d) => `${d.at}:${d.field}`));
      for (const d of sc.differs ?? []) expect(diff.map((x) => x.key), `'${d.at}:${d.field}' was declared different (${d.reason}) but is the same`).toContain(`${d.at}:${d.field}`);
      const rest = diff.filter((x) => !onPurpose.has(x.key));
      if (pend) {
        expect(rest.length, `pending '${pend.bullet}' (${pend.item}) now matches DVC: remove it from test/parity/pending.ts`).toBeGreaterThan(0);
      } else {
        expect(rest, `cairn differs from DVC\n--- dvc\n${r.dvc.log.join('\n')}\n--- cairn\n${r.cairn.log.join('\n')}`).toEqual([]);
      }
    });
  }
});

// the lists themselves, checked without DVC
describe('parity lists', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'dvc.md'), 'utf8');
  it('every pending entry names a scenario, and docs/dvc.md lists it', () => {
    for (const p of pending) {
      expect(scenarios.map((s) => s.name), p.scenario).toContain(p.scenario);
      expect(doc, `docs/dvc.md lists pending '${p.scenario}'`).toContain(p.scenario);
    }
  });
  it('every difference on purpose is in docs/dvc.md', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(40);
    expect(new Set(scenarios.map((s) => s.name)).size).toBe(scenarios.length);
    for (const s of scenarios.filter((x) => x.differs?.length)) {
      expect(doc, `docs/dvc.md lists the difference of '${s.name}'`).toContain(s.name);
    }
  });
});

if (!ready) {
  describe('parity with DVC', () => {
    it.skip('skipped: no .cache/venv-dvc (scripts/dvc-peer.sh could not install DVC)', () => {});
  });
}
