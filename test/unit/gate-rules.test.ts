// gate.yaml parsing, predictions parsing, placeholders, and the verdict rules on built inputs.
import { describe, expect, it } from 'vitest';
import { parseGateConfig } from '../../src/mlops/gate/config.js';
import { parseCsv, parsePredictions } from '../../src/mlops/gate/predictions.js';
import { shellQuote, substitute } from '../../src/mlops/gate/baseline.js';
import { alignPredictions, buildSides } from '../../src/mlops/gate/align.js';
import { evaluateRules } from '../../src/mlops/gate/evaluate.js';
import { CairnError } from '../../src/core/errors.js';
import { predictionsCsv } from '../gate-helpers.js';

const cfg = (yaml: string) => parseGateConfig(yaml, 'gate.yaml');

describe('gate.yaml', () => {
  it('fills the documented defaults', () => {
    const c = cfg('eval_set: e.csv\nmetrics:\n  accuracy: {min: 0.9}\n');
    expect(c).toMatchObject({ evalSet: 'e.csv', task: 'classification', alpha: 0.05, correction: 'holm', onInconclusive: 'fail', seed: 0, resamples: 10000 });
    expect(c.metrics).toEqual([{ metric: 'accuracy', min: 0.9, margin: 0, line: 3 }]);
  });
  it('reads the issue example', () => {
    const c = cfg(`model: penguins
eval_set: data/features/test.csv
task: classification
predictions: eval/predictions.csv
rescore: node src/predict.mjs --model \${model} --data \${eval_set} --out \${out}
metrics:
  accuracy: {min: 0.90, beat: production, margin: 0.0}
  macro_f1: {min: 0.85, beat: production, margin: -0.01}
  auc:      {beat: production}
alpha: 0.05
correction: holm
on_inconclusive: fail
`);
    expect(c.model).toBe('penguins');
    expect(c.metrics.map((m) => [m.metric, m.min, m.beat, m.margin])).toEqual([
      ['accuracy', 0.9, 'production', 0],
      ['macro_f1', 0.85, 'production', -0.01],
      ['auc', undefined, 'production', 0],
    ]);
  });
  const errors: [string, RegExp][] = [
    ['metrics:\n  accuracy: {min: 0.9}\n', /gate\.yaml:1: missing `eval_set:`/],
    ['eval_set: e.csv\n', /missing `metrics:`/],
    ['eval_set: e.csv\nmetrics: {}\n', /gate\.yaml:2: metrics: expected at least one rule/],
    ['eval_set: e.csv\nmetrics:\n  acc: {min: high}\n', /gate\.yaml:3: metrics\.acc\.min: expected a number, got "high"/],
    ['eval_set: e.csv\nmetrics:\n  acc: {min: 1}\nseed: -1\n', /gate\.yaml:4: seed: expected a non-negative integer/],
    ['eval_set: e.csv\nmetrics:\n  acc: {min: 1}\nresamples: 5\n', /gate\.yaml:4: resamples: expected an integer from 100/],
    ['eval_set: e.csv\nmetrics:\n  acc: {min: 1}\ncorrection: bonferroni\n', /gate\.yaml:4: correction: expected one of holm, bh, none/],
    ['eval_set: [a, b]\nmetrics:\n  acc: {min: 1}\n', /gate\.yaml:1: eval_set: expected a single value/],
    ['- a\n- b\n', /a gate config must be a mapping/],
    ['eval_set: e.csv\neval_set: f.csv\nmetrics:\n  acc: {min: 1}\n', /gate\.yaml:2: malformed gate config/],
    ['eval_set: e.csv\nmetrics:\n  "../x": {min: 1}\n', /gate\.yaml:3: metrics\.\.\.\/x: a metric name is/],
  ];
  for (const [text, re] of errors) it(`refuses ${JSON.stringify(text.slice(0, 40))}`, () => {
    const e = (() => { try { cfg(text); } catch (x) { return x; } })() as CairnError;
    expect(e).toBeInstanceOf(CairnError);
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(re);
  });
});

describe('predictions files', () => {
  it('CSV with quotes, CRLF and a BOM; JSONL', () => {
    const p = parsePredictions('\ufeffid,label,prediction\r\n"a,1","x ""q""",y\r\nb,x,x\r\n', 'p.csv', 'csv');
    expect(p.ids).toEqual(['a,1', 'b']);
    expect(p.columns.get('label')).toEqual(['x "q"', 'x']);
    expect(p.lines).toEqual([2, 3]);
    const j = parsePredictions('{"id": 1, "label": "a", "prediction": "b", "score": 0.2}\n\n{"id": 2, "label": "b", "prediction": "b", "score": 0.9}\n', 'p.jsonl', 'jsonl');
    expect(j.ids).toEqual(['1', '2']);
    expect(j.lines).toEqual([1, 3]);
  });
  it('refuses malformed input naming the line', () => {
    expect(() => parseCsv('id,label\n"a,b\n', 'p.csv')).toThrow(/p\.csv:2: unterminated quoted field/);
    expect(() => parsePredictions('id,label\na,b\n', 'p.csv', 'csv')).toThrow(/p\.csv:1: missing column 'prediction'/);
    expect(() => parsePredictions('id,label,prediction\n,b,c\n', 'p.csv', 'csv')).toThrow(/p\.csv:2: empty id/);
    expect(() => parsePredictions('{"id": 1, "label": "a", "prediction": "b"}\n{"id": 2}\n', 'p.jsonl', 'jsonl')).toThrow(/p\.jsonl:2: missing key 'label'/);
    expect(() => parsePredictions('{"id": 1, "label": {"x": 1}, "prediction": "b"}\n', 'p.jsonl', 'jsonl')).toThrow(/p\.jsonl:1: 'label' must be a string/);
  });
  it('aligns the baseline to the candidate order and checks labels', () => {
    const a = parsePredictions('id,label,prediction\na,1,1\nb,0,1\n', 'a.csv', 'csv');
    const b = parsePredictions('id,label,prediction\nb,0,0\na,1,0\n', 'b.csv', 'csv');
    expect(alignPredictions(a, b).columns.get('prediction')).toEqual(['0', '0']);
    const c = parsePredictions('id,label,prediction\nb,1,0\na,1,0\n', 'c.csv', 'csv');
    expect(() => alignPredictions(a, c)).toThrow(/a\.csv:3 and c\.csv:2: example 'b' has label '0' in one and '1' in the other/);
  });
});

describe('placeholders', () => {
  it('substitutes shell-quoted values and refuses unknown names', () => {
    expect(substitute('run ${model} --out ${ out }', { model: "/tmp/it's here", out: 'o.csv' }, 'w')).toBe(`run '/tmp/it'\\''s here' --out 'o.csv'`);
    expect(shellQuote('$(rm -rf /)')).toBe("'$(rm -rf /)'");
    expect(() => substitute('x ${nope}', { model: 'm' }, 'gate.yaml: rescore')).toThrow(/gate\.yaml: rescore: unknown placeholder \$\{nope\}/);
  });
});

describe('verdicts', () => {
  const sides = (cand: string, base: string) => {
    const c = parsePredictions(cand, 'c.csv', 'csv');
    const b = alignPredictions(c, parsePredictions(base, 'b.csv', 'csv'));
    return buildSides('classification', [c, b]) as [ReturnType<typeof buildSides>[0], ReturnType<typeof buildSides>[0]];
  };
  const strong = predictionsCsv(2000, { skill: 0.85, seed: 1 });
  const weak = predictionsCsv(2000, { skill: 0.8, seed: 2 });
  it('non-inferiority: a slightly worse model passes a negative margin that it clears', () => {
    const [c, b] = sides(weak, strong);
    const plain = evaluateRules(cfg('eval_set: e\nresamples: 1000\nmetrics:\n  brier: {beat: baseline}\n'), c, b);
    expect(plain.rules[0]!.verdict).toBe('fail');
    const lenient = evaluateRules(cfg('eval_set: e\nresamples: 1000\nmetrics:\n  brier: {beat: baseline, margin: -0.2}\n'), c, b);
    expect(lenient.rules[0]!.verdict).toBe('pass');
    expect(lenient.rules[0]!.higher_is_better).toBe(false);
  });
  it('a lower-is-better metric passes when the candidate is lower; the CI is of candidate - baseline', () => {
    const [c, b] = sides(predictionsCsv(800, { skill: 0.95, seed: 3 }), predictionsCsv(800, { skill: 0.7, seed: 4 }));
    const r = evaluateRules(cfg('eval_set: e\nresamples: 1000\nmetrics:\n  log_loss: {beat: baseline}\n'), c, b).rules[0]!;
    expect(r.delta!).toBeLessThan(0);
    expect(r.ci![1]!).toBeLessThan(0);
    expect(r.verdict).toBe('pass');
  });
  it('identical predictions: inconclusive with a note, no detectable effect', () => {
    const [c, b] = sides(strong, strong);
    const ev = evaluateRules(cfg('eval_set: e\nresamples: 500\nmetrics:\n  accuracy: {beat: baseline}\n  macro_f1: {beat: baseline}\n'), c, b);
    expect(ev.verdict).toBe('inconclusive');
    expect(ev.rules.map((r) => [r.p, r.ci])).toEqual([[1, [0, 0]], [1, [0, 0]]]);
    expect(ev.notes.join('\n')).toContain('candidate and baseline score the same on every resample');
  });
  it('Holm adjusts across beat rules only, and BH is no larger than Holm', () => {
    const [c, b] = sides(strong, weak);
    const text = 'eval_set: e\nresamples: 1000\nmetrics:\n  accuracy: {min: 0.5, beat: baseline}\n  auc: {beat: baseline}\n  brier: {beat: baseline}\n';
    const h = evaluateRules(cfg(text), c, b).rules.filter((r) => r.kind === 'beat');
    const bh = evaluateRules(cfg(text + 'correction: bh\n'), c, b).rules.filter((r) => r.kind === 'beat');
    const none = evaluateRules(cfg(text + 'correction: none\n'), c, b).rules.filter((r) => r.kind === 'beat');
    h.forEach((r, i) => {
      expect(r.p_adjusted!).toBeGreaterThanOrEqual(r.p!);
      expect(bh[i]!.p_adjusted!).toBeLessThanOrEqual(r.p_adjusted! + 1e-15);
      expect(none[i]!.p_adjusted).toBe(none[i]!.p);
    });
  });
  it('a user-named per-example column: its mean, lower is better unless `better: higher`', () => {
    const [c, b] = sides(predictionsCsv(400, { skill: 0.8, seed: 1 }, { extra: (i) => (i % 10) / 10 }), predictionsCsv(400, { skill: 0.8, seed: 2 }, { extra: (i) => (i % 10) / 10 + 0.05 }));
    const low = evaluateRules(cfg('eval_set: e\nresamples: 500\nmetrics:\n  loss: {max: 0.5, beat: baseline}\n'), c, b).rules;
    expect(low.map((r) => [r.kind, r.candidate, r.verdict])).toEqual([['max', 0.45, 'pass'], ['beat', 0.45, 'pass']]);
    expect(low[1]!.delta).toBeCloseTo(-0.05, 12);
    const high = evaluateRules(cfg('eval_set: e\nresamples: 500\nmetrics:\n  loss: {beat: baseline, better: higher}\n'), c, b).rules;
    expect(high[0]!.verdict).toBe('fail');
  });
});
