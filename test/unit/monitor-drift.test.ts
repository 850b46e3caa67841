// mlops/monitor: flags → config (bad values are usage errors), column kinds, the test choice
// rule, corrections and minimum effect, the dataset share, identical data, the on-drift
// cooldown plan, request-log flattening.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CairnError } from '../../src/core/errors.js';
import { readRequestLog, SampleBuilder, type Sample } from '../../src/mlops/monitor/columns.js';
import { defaultDriftConfig, driftConfigFromFlags, parseDuration } from '../../src/mlops/monitor/config.js';
import { compareSamples, defaultTest } from '../../src/mlops/monitor/drift.js';
import { planOnDrift } from '../../src/mlops/monitor/on-drift.js';
import { categories, normals, rng } from '../drift-helpers.js';
import { cleanup, tempDir } from '../helpers.js';

afterEach(() => cleanup());

function sample(cols: Record<string, ArrayLike<unknown>>): Sample {
  const names = Object.keys(cols);
  const n = cols[names[0]!]!.length;
  const rows: unknown[][] = [];
  for (let i = 0; i < n; i++) rows.push(names.map((k) => cols[k]![i]));
  const b = new SampleBuilder();
  b.addRows(names, rows);
  return b.finish();
}

const usage = (f: () => unknown, text: RegExp): void => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CairnError);
    expect((e as CairnError).code).toBe('CAIRN_USAGE');
    expect((e as Error).message).toMatch(text);
    return;
  }
  throw new Error('expected a usage error');
};

describe('drift config from flags', () => {
  it('defaults follow Evidently: alpha 0.05, distances 0.1, share 0.5, 1,000 rows', () => {
    const c = driftConfigFromFlags({});
    expect(c.thresholds).toEqual({ ks: 0.05, chi2: 0.05, wasserstein: 0.1, jensenshannon: 0.1 });
    expect([c.share, c.rowRule, c.correction]).toEqual([0.5, 1000, 'none']);
  });
  it('per-test and per-column thresholds, tests and kinds', () => {
    const c = driftConfigFromFlags({ threshold: ['ks=0.01', 'age=0.3'], test: ['age=wasserstein'], kind: ['zip=categorical'], correction: 'holm', minEffect: '0.05', share: '0.3' });
    expect(c.thresholds.ks).toBe(0.01);
    expect(c.columnThresholds).toEqual({ age: 0.3 });
    expect(c.tests).toEqual({ age: 'wasserstein' });
    expect(c.kinds).toEqual({ zip: 'categorical' });
    expect([c.correction, c.minEffect, c.share]).toEqual(['holm', 0.05, 0.3]);
  });
  it('rejects bad values, naming the flag', () => {
    usage(() => driftConfigFromFlags({ test: ['age=ttest'] }), /--test age=ttest: unknown test/);
    usage(() => driftConfigFromFlags({ kind: ['age=number'] }), /--kind/);
    usage(() => driftConfigFromFlags({ threshold: ['ks=2'] }), /--threshold ks must be a number in \[0, 1\]/);
    usage(() => driftConfigFromFlags({ threshold: ['age'] }), /--threshold takes NAME=VALUE/);
    usage(() => driftConfigFromFlags({ share: 'half' }), /--drift-share/);
    usage(() => driftConfigFromFlags({ correction: 'bonferroni' }), /--correction bonferroni/);
    usage(() => parseDuration('--since', '1 hour'), /--since takes a duration/);
    expect(parseDuration('--cooldown', '90m')).toBe(5_400_000);
  });
});

describe('columns and tests', () => {
  it('kinds from the reference: numbers and numeric strings are numeric, anything else categorical', () => {
    const s = sample({ a: ['1', '2.5', '', '-3e2', 'NA', 'nan'], b: [1, 'x', 2, null, 'None', 'NULL'], c: [true, false, true, true, true, true] });
    expect(s.columns.get('a')).toMatchObject({ kind: 'numeric', n: 3, missing: 3 });
    expect(s.columns.get('b')).toMatchObject({ kind: 'categorical', n: 3, missing: 3 });
    expect([...s.columns.get('b')!.counts]).toEqual([['1', 1], ['x', 1], ['2', 1]]);
    expect(s.columns.get('c')!.kind).toBe('categorical');
  });
  it('the 1,000-row rule counts reference rows', () => {
    expect(defaultTest('numeric', 1000, 1000)).toBe('ks');
    expect(defaultTest('numeric', 1001, 1000)).toBe('wasserstein');
    expect(defaultTest('categorical', 1000, 1000)).toBe('chi2');
    expect(defaultTest('categorical', 1001, 1000)).toBe('jensenshannon');
    const r = rng(3);
    const ref = sample({ x: normals(r, 1001) });
    const cur = sample({ x: normals(r, 50) });
    expect(compareSamples(ref, cur, defaultDriftConfig()).columns[0]!.test).toBe('wasserstein');
  });
  it('identical data never drifts, whatever the thresholds', () => {
    const r = rng(4);
    const cols = { x: normals(r, 300), c: categories(r, 300, ['a', 'b'], [0.5, 0.5]) };
    for (const rows of [300, 5]) {
      const cfg = { ...defaultDriftConfig(), rowRule: rows, share: 0 };
      cfg.thresholds = { ks: 1, chi2: 1, wasserstein: 0, jensenshannon: 0 };
      const rep = compareSamples(sample(cols), sample(cols), cfg);
      expect(rep.columns.map((c) => c.drift)).toEqual([false, false]);
      expect(rep.drift).toBe(false);
      expect(rep.verdict).toBe('pass');
      expect(rep.columns.map((c) => c.psi)).toEqual([0, 0]);
    }
  });
  it('a new category in current and disjoint categories drift; a missing column is skipped', () => {
    const ref = sample({ c: Array(200).fill('a').concat(Array(200).fill('b')), d: Array(400).fill('x') });
    const cur = sample({ c: Array(180).fill('a').concat(Array(180).fill('b'), Array(40).fill('new')) });
    const rep = compareSamples(ref, cur, defaultDriftConfig());
    expect(rep.columns[0]).toMatchObject({ column: 'c', test: 'chi2', drift: true });
    expect(rep.skipped).toEqual([{ column: 'd', reason: 'not in current' }]);
  });
  it('a minimum effect size keeps huge samples from flagging trivia; Holm adjusts the p-values', () => {
    const r = rng(5);
    const ref = sample({ x: normals(r, 1000), y: normals(r, 1000) });
    const cur = sample({ x: normals(r, 200_000, 0.12), y: normals(r, 200_000) });
    const plain = compareSamples(ref, cur, defaultDriftConfig());
    expect(plain.columns[0]).toMatchObject({ test: 'ks', drift: true });
    const withEffect = compareSamples(ref, cur, { ...defaultDriftConfig(), minEffect: 0.2 });
    expect(withEffect.columns[0]!.drift).toBe(false);
    expect(withEffect.columns[0]!.effect).toBeLessThan(0.2);
    const holm = compareSamples(ref, cur, { ...defaultDriftConfig(), correction: 'holm' });
    const ps = plain.columns.map((c) => c.p_value!);
    const lo = Math.min(...ps);
    expect(holm.columns.find((c) => c.p_value === lo)!.p_adjusted).toBeCloseTo(Math.min(1, 2 * lo), 12);
  });
  it('the dataset drifts at the configured share; predictions are reported apart', () => {
    const r = rng(6);
    const ref = sample({ a: normals(r, 500), b: normals(r, 500), c: normals(r, 500), prediction: categories(r, 500, ['0', '1'], [0.5, 0.5]) });
    const cur = sample({ a: normals(r, 500, 1), b: normals(r, 500), c: normals(r, 500), prediction: categories(r, 500, ['0', '1'], [0.1, 0.9]) });
    const cfg = { ...defaultDriftConfig(), predictions: ['prediction'] };
    const half = compareSamples(ref, cur, cfg);
    expect([half.drifted, half.tested, half.drift, half.prediction_drift]).toEqual([1, 3, false, true]);
    expect(half.predictions.map((p) => p.column)).toEqual(['prediction']);
    expect(compareSamples(ref, cur, { ...cfg, share: 0.3 }).drift).toBe(true);
  });
});

describe('on-drift cooldown', () => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  it('runs on drift, not within the cooldown, again after it', () => {
    expect(planOnDrift({ drift: false, now: t0, cooldownMs: 3600e3 })).toEqual({ run: false, reason: 'no drift' });
    expect(planOnDrift({ drift: true, now: t0, cooldownMs: 3600e3 }).run).toBe(true);
    const later = new Date(t0.getTime() + 1800e3);
    expect(planOnDrift({ drift: true, now: later, last: t0, cooldownMs: 3600e3 })).toEqual({ run: false, reason: 'cooldown', next_allowed: '2026-01-01T01:00:00.000Z' });
    expect(planOnDrift({ drift: true, now: new Date(t0.getTime() + 3600e3), last: t0, cooldownMs: 3600e3 }).run).toBe(true);
  });
});

describe('request log', () => {
  it('flattens inputs (an object or a list), outputs become prediction, --since filters by time', async () => {
    const dir = tempDir('cairn-reqlog-');
    const lines = [
      { time: '2026-01-01T00:00:00Z', id: '1', inputs: { a: 1, b: 'x' }, outputs: [0], status: 'ok' },
      { time: '2026-01-01T01:00:00Z', id: '2', inputs: [{ a: 2, b: 'y' }, { a: 3, b: 'x' }], outputs: [1, 0], status: 'ok' },
    ];
    // a hostile key stays a plain column name
    const hostile = '{"time":"2026-01-01T02:00:00Z","id":"3","inputs":[{"a":4,"b":"y","__proto__":5}],"outputs":[{"label":1,"p":0.9}],"status":"error"}';
    writeFileSync(join(dir, 'log.jsonl'), [...lines.map((l) => JSON.stringify(l)), hostile].join('\n') + '\n');
    const all = await readRequestLog(join(dir, 'log.jsonl'));
    expect(all.log).toMatchObject({ lines: 3, kept: 3, rows: 4, from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T02:00:00.000Z' });
    expect([...all.sample.columns.get('a')!.values]).toEqual([1, 2, 3, 4]);
    expect([...all.sample.columns.get('prediction')!.values]).toEqual([0, 0, 1]);
    expect([...all.sample.columns.get('prediction.label')!.values]).toEqual([1]);
    expect([...all.sample.columns.get('__proto__')!.values]).toEqual([5]);
    expect(({} as Record<string, unknown>).a).toBeUndefined();
    const recent = await readRequestLog(join(dir, 'log.jsonl'), { since: new Date('2026-01-01T00:30:00Z') });
    expect(recent.log).toMatchObject({ lines: 3, kept: 2, rows: 3 });
  });
  it('a line without time, or with inputs that are not objects, is bad data naming the line', async () => {
    const dir = tempDir('cairn-reqlog-');
    writeFileSync(join(dir, 'a.jsonl'), '{"time":"2026-01-01T00:00:00Z","inputs":{"a":1}}\n{"inputs":{"a":2}}\n');
    await expect(readRequestLog(join(dir, 'a.jsonl'))).rejects.toThrow(/a\.jsonl at row 2, line 2: a request log line needs `time`/);
    writeFileSync(join(dir, 'b.jsonl'), '{"time":"2026-01-01T00:00:00Z","inputs":[1,2]}\n');
    await expect(readRequestLog(join(dir, 'b.jsonl'))).rejects.toThrow(/b\.jsonl at row 1, line 1: `inputs` must be an object/);
  });
});
