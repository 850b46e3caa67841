// #8.7: a CI gate on metrics must not pass when the metrics file it reads is missing or
// corrupt. A --fail-on rule that cannot be evaluated fails: exit 4, naming rule and file.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, cleanup, gen, git, tempRepo } from '../helpers.js';
import { snapshotRepo } from './cli-helpers.js';

afterEach(cleanup);

async function metricsRepo() {
  const dir = await tempRepo({
    'cairn.yaml': 'stages:\n  train:\n    cmd: node t.js\n    metrics:\n      - m.json:\n          cache: false\n',
    'm.json': JSON.stringify({ acc: 0.9, loss: 0.2 }),
  });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'one');
  return dir;
}

describe('metrics diff --fail-on on unreadable metrics', () => {
  it('a corrupt workspace metrics file fails the gate (exit 4) naming the rule and the file', async () => {
    const dir = await metricsRepo();
    gen(dir, { 'm.json': '{"acc": 0.9, "loss": ' });
    const before = snapshotRepo(dir);
    const r = cairn(dir, ['metrics', 'diff', '--fail-on', 'acc < -0.01']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("rule 'acc < -0.01' cannot be evaluated");
    expect(r.stderr).toContain('m.json at workspace');
    expect(snapshotRepo(dir)).toEqual(before);
    const j = cairn(dir, ['metrics', 'diff', '--fail-on', 'acc < -0.01', '--json']);
    expect(j.code).toBe(4);
    const res = JSON.parse(j.stdout);
    expect(res.verdict).toBe('fail');
    expect(res.unevaluated).toMatchObject([{ rule: 'acc < -0.01', path: 'm.json' }]);
  });

  it('a missing workspace metrics file fails the gate too', async () => {
    const dir = await metricsRepo();
    rmSync(join(dir, 'm.json'));
    const r = cairn(dir, ['metrics', 'diff', '--fail-on', 'm.json:acc < -0.01']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/rule 'm\.json:acc < -0\.01' cannot be evaluated \(m\.json: cannot read m\.json at workspace/);
  });

  it('a metric that vanished from a readable file fails; a healthy file still passes', async () => {
    const dir = await metricsRepo();
    gen(dir, { 'm.json': JSON.stringify({ loss: 0.2 }) });
    const gone = cairn(dir, ['metrics', 'diff', '--fail-on', 'acc < -0.01']);
    expect(gone.code).toBe(4);
    expect(gone.stderr).toContain('present in one revision only');
    gen(dir, { 'm.json': JSON.stringify({ acc: 0.95, loss: 0.2 }) });
    expect(cairn(dir, ['metrics', 'diff', '--fail-on', 'acc < -0.01']).code).toBe(0);
  });
});
