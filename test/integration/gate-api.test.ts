// api/gate against temp repos: file and production baselines (an in-test ProductionModel backed by
// real files, with a real rescore command), id checks, notify, the report's ids.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { gate } from '../../src/api/gate.js';
import { add } from '../../src/api/add.js';
import type { ProductionModel } from '../../src/mlops/gate/baseline.js';
import { CairnError } from '../../src/core/errors.js';
import { cleanup, git, tempRepo } from '../helpers.js';
import { predictionsCsv } from '../gate-helpers.js';

afterEach(() => cleanup());

const N = 600;
const GATE = `model: demo
eval_set: data/eval.csv
predictions: eval/cand.csv
rescore: node score.mjs \${model} \${eval_set} \${out}
metrics:
  accuracy: {min: 0.6, beat: production}
  macro_f1: {beat: production, margin: -0.01}
resamples: 2000
`;

async function repo(extra: Record<string, string> = {}): Promise<string> {
  const dir = await tempRepo({
    'data/eval.csv': 'id,x\n' + Array.from({ length: N }, (_, i) => `ex${i},${i}`).join('\n') + '\n',
    'eval/cand.csv': predictionsCsv(N, { skill: 0.9, seed: 11 }),
    'eval/base.csv': predictionsCsv(N, { skill: 0.7, seed: 12 }),
    'gate.yaml': GATE,
    // the "rescore" of the production model: copies the predictions its model dir names
    'score.mjs': "import {readFileSync, writeFileSync} from 'node:fs'; const [m, e, o] = process.argv.slice(2); readFileSync(e); writeFileSync(o, readFileSync(m + '/preds.csv'));\n",
    ...extra,
  });
  return dir;
}

function production(dir: string, over: Partial<ProductionModel> & { calls?: string[] } = {}): ProductionModel {
  const calls = over.calls ?? [];
  return {
    ref: 'demo@v1.2.0',
    evalSet: null,
    predictions: null,
    async readPredictions() {
      calls.push('read');
      return readFileSync(join(dir, 'eval/base.csv'));
    },
    async materialize(into: string) {
      calls.push('materialize');
      mkdirSync(into, { recursive: true });
      writeFileSync(join(into, 'preds.csv'), readFileSync(join(dir, 'eval/base.csv')));
    },
    ...over,
  };
}

describe('gate api', () => {
  it('records the eval set id exactly as cairn add does, and the predictions ids', async () => {
    const dir = await repo();
    await add({ cwd: dir, targets: ['data/eval.csv'] });
    const pointer = parse(readFileSync(join(dir, 'data/eval.csv.cairn'), 'utf8'));
    const r = await gate({ cwd: dir, baseline: 'eval/base.csv' });
    expect(r.report.eval_set).toEqual({ path: 'data/eval.csv', id: pointer.outs[0].id });
    expect(r.report.candidate.predictions.path).toBe('eval/cand.csv');
    expect(r.report.candidate.predictions.id).toMatch(/^[0-9a-f]{32}$/);
    expect(r.report.baseline).toMatchObject({ source: 'file', model: null, predictions: { path: 'eval/base.csv' } });
    expect(r.verdict).toBe('pass');
    expect(r.report.rules.map((x) => [x.metric, x.kind, x.test, x.verdict])).toEqual([
      ['accuracy', 'min', null, 'pass'],
      ['accuracy', 'beat', 'mcnemar-chi2', 'pass'],
      ['macro_f1', 'beat', 'bootstrap', 'pass'],
    ]);
    const acc = r.report.rules[1]!;
    expect(acc.delta).toBeCloseTo(acc.candidate! - acc.baseline!, 12);
    expect(acc.ci![0]!).toBeLessThan(acc.delta!);
    expect(acc.ci![1]!).toBeGreaterThan(acc.delta!);
    expect(acc.p_adjusted!).toBeGreaterThanOrEqual(acc.p!);
    expect(r.report).toMatchObject({ seed: 0, resamples: 2000, alpha: 0.05, correction: 'holm', n: N });
  });

  it('is reproducible from the seed, and the seed changes the CI', async () => {
    const dir = await repo();
    const a = await gate({ cwd: dir, baseline: 'eval/base.csv' });
    const b = await gate({ cwd: dir, baseline: 'eval/base.csv' });
    expect(b.report.rules).toEqual(a.report.rules);
    writeFileSync(join(dir, 'gate.yaml'), GATE + 'seed: 5\n');
    const c = await gate({ cwd: dir, baseline: 'eval/base.csv' });
    expect(c.report.seed).toBe(5);
    expect(c.report.rules[2]!.ci).not.toEqual(a.report.rules[2]!.ci);
  });

  it('production: reuses the recorded predictions when they were made on the same eval set', async () => {
    const dir = await repo();
    const first = await gate({ cwd: dir, baseline: 'eval/base.csv' });
    const calls: string[] = [];
    const prod = production(dir, { calls, evalSet: first.report.eval_set, predictions: { path: 'eval/predictions.csv', id: first.report.baseline.predictions!.id } });
    const r = await gate({ cwd: dir, resolveProduction: async (m) => (m === 'demo' ? prod : null) });
    expect(calls).toEqual(['read']);
    expect(r.report.baseline).toEqual({ source: 'production', model: 'demo@v1.2.0', predictions: { path: 'eval/predictions.csv', id: first.report.baseline.predictions!.id }, rescored: false });
    expect(r.report.rules).toEqual(first.report.rules);
  });

  it('production: a different eval set is rescored on the materialised model', async () => {
    const dir = await repo();
    const calls: string[] = [];
    const prod = production(dir, { calls, evalSet: { path: 'data/old.csv', id: '0'.repeat(32) }, predictions: { path: 'eval/predictions.csv', id: '1'.repeat(32) } });
    const r = await gate({ cwd: dir, resolveProduction: async () => prod });
    expect(calls).toEqual(['materialize']);
    expect(r.report.baseline.source).toBe('production');
    expect(r.report.baseline.rescored).toBe(true);
    expect(r.report.baseline.predictions!.path).toBe('demo@v1.2.0:rescored');
    const viaFile = await gate({ cwd: dir, baseline: 'eval/base.csv' });
    expect(r.report.baseline.predictions!.id).toBe(viaFile.report.baseline.predictions!.id);
    expect(r.report.rules).toEqual(viaFile.report.rules);
  });

  it('production: a different eval set without rescore is exit 2 naming both ids', async () => {
    const dir = await repo({ 'gate.yaml': GATE.replace(/^rescore:.*\n/m, '') });
    const prod = production(dir, { evalSet: { path: 'data/old.csv', id: 'a'.repeat(32) }, predictions: { path: 'p.csv', id: 'b'.repeat(32) } });
    const e = (await gate({ cwd: dir, resolveProduction: async () => prod }).catch((x) => x)) as CairnError;
    expect(e).toBeInstanceOf(CairnError);
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('a'.repeat(32));
    const evalId = (await gate({ cwd: dir, baseline: 'none' })).report.eval_set.id;
    expect(e.message).toContain(evalId);
  });

  it('production: a failing rescore is an error with its output', async () => {
    const dir = await repo({ 'gate.yaml': GATE.replace(/^rescore:.*$/m, 'rescore: echo broken model >&2; exit 3') });
    const e = (await gate({ cwd: dir, resolveProduction: async () => production(dir) }).catch((x) => x)) as CairnError;
    expect(e.code).toBe('CAIRN_STAGE_FAILED');
    expect(e.message).toContain('broken model');
  });

  it('no production model yet: only the minimums apply and the report says so', async () => {
    const dir = await repo();
    const r = await gate({ cwd: dir, resolveProduction: async () => null });
    expect(r.verdict).toBe('pass');
    expect(r.report.baseline).toEqual({ source: 'none', model: null, predictions: null, rescored: false });
    expect(r.report.rules.filter((x) => x.kind === 'beat').every((x) => x.verdict === 'skipped')).toBe(true);
    expect(r.report.notes.join('\n')).toMatch(/no production model of 'demo' yet: only the minimums apply/);
  });

  it("the repository's registry: no production alias yet means only the minimums apply", async () => {
    const dir = await repo();
    const r = await gate({ cwd: dir });
    expect(r.report.baseline.source).toBe('none');
    expect(r.report.notes.join('\n')).toMatch(/no production model of 'demo' yet/);
  });

  it("the registry's production model is the baseline: its recorded predictions on the same eval set, no rescore", async () => {
    const dir = await repo({ 'model.bin': 'weights v1', 'score.mjs': 'process.exit(3)\n' });
    await add({ cwd: dir, targets: ['model.bin', 'eval/base.csv'] });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'model v1');
    // v1's gate run: its own predictions (eval/base.csv) with no baseline, recorded at registration
    const first = await gate({ cwd: dir, candidate: 'eval/base.csv', baseline: 'none', out: 'eval/v1-gate.json' });
    const { modelRegister } = await import('../../src/api/model-register.js');
    const { modelPromote } = await import('../../src/api/model-promote.js');
    await modelRegister({ cwd: dir, name: 'demo', path: 'model.bin', gateReport: 'eval/v1-gate.json', allowDirty: true });
    await modelPromote({ cwd: dir, target: 'demo@v1.0.0', alias: 'production' });
    // the workspace copy is gone: the baseline must come from the cache through the registry
    rmSync(join(dir, 'eval/base.csv'));
    const r = await gate({ cwd: dir });
    expect(r.report.baseline).toEqual({ source: 'production', model: 'demo@v1.0.0', predictions: first.report.candidate.predictions, rescored: false });
    const beat = r.report.rules.filter((x) => x.kind === 'beat');
    expect(beat.map((x) => x.verdict)).toEqual(['pass', 'pass']);
    expect(beat[0]!.baseline).toBeCloseTo(first.report.rules.find((x) => x.metric === 'accuracy')!.candidate as number, 12);
  });

  it('different example ids: exit 2 with the counts missing from each side and examples', async () => {
    const dir = await repo({ 'eval/other.csv': predictionsCsv(N, { skill: 0.7, seed: 12 }, { ids: (i) => (i < 590 ? `ex${i}` : `zz${i}`) }) });
    const e = (await gate({ cwd: dir, baseline: 'eval/other.csv' }).catch((x) => x)) as CairnError;
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain("10 of the candidate's ids are missing from the baseline");
    expect(e.message).toContain("10 of the baseline's ids are missing from the candidate");
    expect(e.message).toContain('"ex590"');
    expect(e.message).toContain('"zz590"');
  });

  it('notify runs with the report path when the verdict is not pass, and not on pass', async () => {
    const dir = await repo({ 'gate.yaml': GATE + 'notify: cp ${report} notified.json\n' });
    const ok = await gate({ cwd: dir, baseline: 'eval/base.csv' });
    expect(ok.notify).toBeNull();
    expect(existsSync(join(dir, 'notified.json'))).toBe(false);
    const bad = await gate({ cwd: dir, candidate: 'eval/base.csv', baseline: 'eval/cand.csv', out: 'gate-report.json' });
    expect(bad.verdict).toBe('fail');
    expect(bad.notify!.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'notified.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(join(dir, 'gate-report.json'), 'utf8')));
  });

  it('gate.yaml paths may not leave the repository', async () => {
    const dir = await repo({ 'gate.yaml': GATE.replace('eval_set: data/eval.csv', 'eval_set: ../../etc/passwd') });
    await expect(gate({ cwd: dir, baseline: 'none' })).rejects.toThrow(/gate\.yaml:2: eval_set: '\.\.\/\.\.\/etc\/passwd' is outside the repository/);
  });

  it('regression: paired t on absolute errors, bootstrap on RMSE and R²', async () => {
    const rows = (noise: number, seed: number) => {
      let s = seed;
      const r = () => ((s = (s * 48271) % 2147483647) / 2147483647);
      return ['id,label,prediction', ...Array.from({ length: 400 }, (_, i) => `r${i},${i % 37},${(i % 37) + (r() - 0.5) * noise}`)].join('\n') + '\n';
    };
    const dir = await tempRepo({ 'ev.csv': 'x\n', 'c.csv': rows(2, 3), 'b.csv': rows(6, 4), 'gate.yaml': 'eval_set: ev.csv\npredictions: c.csv\ntask: regression\nresamples: 1000\nmetrics:\n  mae: {max: 2, beat: baseline}\n  rmse: {beat: baseline}\n  r2: {beat: baseline}\n  mape: {beat: baseline, test: wilcoxon}\n' });
    const r = await gate({ cwd: dir, baseline: 'b.csv' });
    expect(r.report.rules.map((x) => [x.metric, x.kind, x.test, x.verdict])).toEqual([
      ['mae', 'max', null, 'pass'],
      ['mae', 'beat', 'paired-t', 'pass'],
      ['rmse', 'beat', 'bootstrap', 'pass'],
      ['r2', 'beat', 'bootstrap', 'pass'],
      ['mape', 'beat', 'wilcoxon', 'pass'],
    ]);
    expect(r.report.rules[1]!.delta!).toBeLessThan(0);
  });

  it('multi-class: macro F1 from confusion histograms, macro one-vs-rest AUC by bootstrap, JSONL input', async () => {
    const classes = ['Adelie', 'Chinstrap', 'Gentoo'];
    const rows = (skill: number, seed: number) => {
      let s = seed;
      const r = () => ((s = (s * 48271) % 2147483647) / 2147483647);
      return Array.from({ length: 450 }, (_, i) => {
        const y = classes[i % 3]!;
        const pred = r() < skill ? y : classes[(i + 1 + Math.floor(r() * 2)) % 3]!;
        const p = classes.map((c) => (c === pred ? 0.6 : 0.2) + 0.1 * r());
        const t = p.reduce((a, b) => a + b, 0);
        const o: Record<string, unknown> = { id: `p${i}`, label: y, prediction: pred };
        classes.forEach((c, j) => (o[`score_${c}`] = p[j]! / t));
        return JSON.stringify(o);
      }).join('\n') + '\n';
    };
    const dir = await tempRepo({ 'ev.csv': 'x\n', 'c.jsonl': rows(0.9, 5), 'b.jsonl': rows(0.6, 6), 'gate.yaml': 'eval_set: ev.csv\npredictions: c.jsonl\nresamples: 1000\nmetrics:\n  macro_f1: {min: 0.8, beat: baseline}\n  auc: {beat: baseline}\n  f1_Gentoo: {beat: baseline}\n' });
    const r = await gate({ cwd: dir, baseline: 'b.jsonl' });
    expect(r.report.rules.map((x) => [x.metric, x.kind, x.test, x.verdict])).toEqual([
      ['macro_f1', 'min', null, 'pass'],
      ['macro_f1', 'beat', 'bootstrap', 'pass'],
      ['auc', 'beat', 'bootstrap', 'pass'],
      ['f1_Gentoo', 'beat', 'bootstrap', 'pass'],
    ]);
    const f1 = r.report.rules[1]!;
    expect(f1.ci![0]!).toBeLessThan(f1.delta!);
    expect(f1.ci![1]!).toBeGreaterThan(f1.delta!);
  });
});
