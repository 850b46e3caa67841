// cairn gate --junit: one test case per rule; fail and (with on_inconclusive: fail) inconclusive
// rules are failures, skipped rules skipped; XML-hostile text escaped.
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { gateJunit } from '../../src/mlops/gate/junit.js';
import type { GateReport, GateRule } from '../../src/mlops/gate/report.js';

const rule = (over: Partial<GateRule>): GateRule => ({
  metric: 'accuracy', kind: 'beat', higher_is_better: true, threshold: null, margin: 0, candidate: 0.8, baseline: 0.7, delta: 0.1, ci: [0.05, 0.15], p: 0.001, p_adjusted: 0.002, test: 'mcnemar-chi2', verdict: 'pass', se: 0.02, detectable_effect: null, ...over,
});

const report = (rules: GateRule[], on: GateReport['on_inconclusive'] = 'fail'): GateReport => ({
  verdict: 'fail', n: 500, task: 'classification', eval_set: { path: 'data/eval.csv', id: 'a'.repeat(32) }, candidate: { predictions: { path: 'eval/<pred>&.csv', id: 'b'.repeat(32) } },
  baseline: { source: 'file', model: null, predictions: { path: 'base.csv', id: 'c'.repeat(32) }, rescored: false }, seed: 0, resamples: 1000, alpha: 0.05, correction: 'holm', on_inconclusive: on, rules, notes: [],
});

describe('gate --junit', () => {
  it('one testcase per rule: pass, fail, inconclusive, skipped', () => {
    const xml = gateJunit(report([rule({}), rule({ metric: 'auc', verdict: 'fail', test: 'delong' }), rule({ metric: 'f1<"x">', verdict: 'inconclusive', detectable_effect: 0.031 }), rule({ metric: 'loss', kind: 'max', threshold: 1, verdict: 'skipped' })]));
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);
    const suites = doc.testsuites;
    expect(suites['@_tests']).toBe('4');
    expect(suites['@_failures']).toBe('2');
    expect(suites['@_skipped']).toBe('1');
    expect(suites.testsuite['@_name']).toBe('cairn gate eval/<pred>&.csv (n = 500, verdict fail)');
    const cases = suites.testsuite.testcase;
    expect(cases.map((c: Record<string, string>) => c['@_name'])).toEqual(['accuracy beat', 'auc beat', 'f1<"x"> beat', 'loss <= 1']);
    expect(cases[0].failure).toBeUndefined();
    expect(cases[1].failure['@_type']).toBe('fail');
    expect(cases[1].failure['@_message']).toContain('CI 95% [0.05, 0.15]');
    expect(cases[2].failure['#text']).toBe('smallest detectable effect at n = 500: ±0.031');
    expect(cases[3].skipped).toBeDefined();
  });

  it('an inconclusive rule is not a failure when on_inconclusive is warn', () => {
    const doc = new XMLParser({ ignoreAttributes: false }).parse(gateJunit(report([rule({ verdict: 'inconclusive' })], 'warn')));
    expect(doc.testsuites['@_failures']).toBe('0');
    expect(doc.testsuites.testsuite.testcase['system-out']).toContain('inconclusive (on_inconclusive: warn)');
  });
});
