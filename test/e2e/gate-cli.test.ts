// cairn gate spawned as a user runs it: exit codes from the verdict (0 pass, 4 fail or
// inconclusive unless on_inconclusive says otherwise), 2 on a bad config naming file and line,
// --json / --md / --out, the detectable effect on inconclusive.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, cleanup, ROOT, tempRepo } from '../helpers.js';
import { predictionsCsv } from '../gate-helpers.js';

afterEach(() => cleanup());

const N = 500;
const CFG = 'eval_set: eval.csv\npredictions: cand.csv\nresamples: 2000\nmetrics:\n  accuracy: {min: 0.6, beat: baseline}\n  auc: {beat: baseline}\n  log_loss: {beat: baseline}\n';

async function project(cfg = CFG) {
  return tempRepo({
    'eval.csv': 'id\n',
    'cand.csv': predictionsCsv(N, { skill: 0.88, seed: 1 }),
    'good.csv': predictionsCsv(N, { skill: 0.75, seed: 2 }),
    'close.csv': predictionsCsv(N, { skill: 0.875, seed: 3 }),
    'gate.yaml': cfg,
  });
}

describe('cairn gate', () => {
  it('pass: exit 0, text report; --json matches the schema and --out', async () => {
    const dir = await project();
    const t = cairn(dir, ['gate', '--baseline', 'good.csv']);
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^gate: PASS {2}\(n = 500, eval set eval\.csv, baseline: file good\.csv\)/);
    expect(t.stdout).toMatch(/accuracy +beat +0\.8\d* +0\.7\d* +\+0\.1\d* +95% \[/);
    expect(t.stdout).toContain('delong');
    const j = cairn(dir, ['gate', '--baseline', 'good.csv', '--json', '--out', 'report.json']);
    expect(j.code).toBe(0);
    const rep = JSON.parse(j.stdout);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toEqual(rep);
    const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'gate-report.schema.json'), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(rep), JSON.stringify(validate.errors)).toBe(true);
    expect(rep.rules.map((r: { test: string | null }) => r.test)).toEqual([null, 'mcnemar-chi2', 'delong', 'bootstrap']);
  });

  it('fail: exit 4 when the candidate is clearly worse; --md has a table per rule', async () => {
    const dir = await project();
    const r = cairn(dir, ['gate', '--candidate', 'good.csv', '--baseline', 'cand.csv', '--md']);
    expect(r.code).toBe(4);
    expect(r.stdout).toContain('### Model gate: ❌ fail');
    expect(r.stdout).toContain('| metric | rule | candidate | baseline | delta | CI | p | p adj. | test | verdict |');
    expect(r.stdout).toMatch(/\| `accuracy` \| beat \| 0\.7\d* \| 0\.8\d* \| -0\.1\d* \| 95% \[-0\.\d+, -0\.\d+\] \| [\d.e-]+ \| [\d.e-]+ \| mcnemar-chi2 \| ❌ fail \|/);
  });

  it('inconclusive: exit 4 with the detectable effect; on_inconclusive pass / warn exit 0', async () => {
    const dir = await project();
    const r = cairn(dir, ['gate', '--baseline', 'close.csv']);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/^gate: INCONCLUSIVE/);
    expect(r.stdout).toMatch(/accuracy: inconclusive at n = 500; the smallest difference this eval set can detect is about ±0\.0\d+ \(80% power, alpha 0\.05\)/);
    writeFileSync(join(dir, 'gate.yaml'), CFG + 'on_inconclusive: warn\n');
    const w = cairn(dir, ['gate', '--baseline', 'close.csv']);
    expect(w.code).toBe(0);
    expect(w.stderr).toContain('warning: the gate is inconclusive (on_inconclusive: warn)');
    writeFileSync(join(dir, 'gate.yaml'), CFG + 'on_inconclusive: pass\n');
    expect(cairn(dir, ['gate', '--baseline', 'close.csv']).code).toBe(0);
  });

  it('a minimum not met fails even without a baseline', async () => {
    const dir = await project(CFG.replace('min: 0.6', 'min: 0.95'));
    const r = cairn(dir, ['gate', '--baseline', 'none', '--json']);
    expect(r.code).toBe(4);
    const rep = JSON.parse(r.stdout);
    expect(rep.verdict).toBe('fail');
    expect(rep.rules[0]).toMatchObject({ metric: 'accuracy', kind: 'min', threshold: 0.95, verdict: 'fail' });
    expect(rep.notes[0]).toContain('only the minimums apply');
  });

  const bad: [string, string, RegExp][] = [
    ['unknown key', CFG + 'alhpa: 0.1\n', /gate\.yaml:8: alhpa: unknown key/],
    ['bad alpha', CFG + 'alpha: 2\n', /gate\.yaml:8: alpha: expected a number in \(0, 0\.5\), got 2/],
    ['unknown test', CFG.replace('auc: {beat: baseline}', 'auc: {beat: baseline, test: magic}'), /gate\.yaml:6: metrics\.auc\.test: expected one of mcnemar, delong, bootstrap, paired-t, wilcoxon/],
    ['test that does not fit', CFG.replace('auc: {beat: baseline}', 'auc: {beat: baseline, test: mcnemar}'), /gate\.yaml:6: metrics\.auc\.test: 'mcnemar' does not fit 'auc'/],
    ['unknown metric', CFG.replace('log_loss', 'logloss'), /gate\.yaml:7: metrics\.logloss: unknown metric 'logloss'/],
    ['empty rule', CFG.replace('log_loss: {beat: baseline}', 'log_loss: {}'), /gate\.yaml:7: metrics\.log_loss: a rule needs `min:`, `max:` or `beat:`/],
    ['malformed YAML', CFG + 'metrics: [\n', /gate\.yaml:\d+: malformed gate config/],
    ['YAML alias bomb', 'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n' + CFG, /gate\.yaml:1: a: unknown key/],
  ];
  for (const [name, cfg, re] of bad) {
    it(`bad config (${name}): exit 2 naming file and line`, async () => {
      const dir = await project(cfg);
      const r = cairn(dir, ['gate', '--baseline', 'good.csv']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stdout).toBe('');
    });
  }

  it('bad predictions: exit 2 naming file and line', async () => {
    const dir = await project();
    writeFileSync(join(dir, 'broken.csv'), 'id,label,prediction,score\na,1,1,0.9\nb,0,0\n');
    const r = cairn(dir, ['gate', '--baseline', 'broken.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('broken.csv:3: expected 4 fields');
    writeFileSync(join(dir, 'dup.csv'), 'id,label,prediction,score\na,1,1,0.9\na,0,0,0.1\n');
    expect(cairn(dir, ['gate', '--candidate', 'dup.csv', '--baseline', 'none']).stderr).toContain("dup.csv:3: duplicate id 'a' (first on line 2)");
    writeFileSync(join(dir, 'nan.csv'), 'id,label,prediction,score\na,1,1,high\nb,0,0,0.1\n');
    expect(cairn(dir, ['gate', '--candidate', 'nan.csv', '--baseline', 'none']).stderr).toContain("nan.csv:2: column 'score': expected a number, got 'high'");
  });

  it('no gate.yaml: exit 2 with a hint', async () => {
    const dir = await tempRepo({});
    const r = cairn(dir, ['gate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('gate.yaml');
  });
});
