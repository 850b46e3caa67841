import { describe, expect, it } from 'vitest';
import { checkRules, diffFlat, parseRule } from '../../src/metrics/diff.js';
import { flatten, parseMetrics } from '../../src/metrics/flatten.js';
import { csvTable, mdTable } from '../../src/render/table.js';
import { parseSeries } from '../../src/metrics/plots.js';

describe('flatten / parseMetrics', () => {
  it('joins nested keys with dots; a list is one value (DVC)', () => {
    expect(flatten({ a: { b: 1, c: [2, { d: 'x' }] }, e: null, f: true })).toEqual({ 'a.b': 1, 'a.c': [2, { d: 'x' }], e: null, f: true });
  });
  it('names the file on malformed JSON/YAML and non-mapping content', () => {
    expect(() => parseMetrics('{"a":', 'm.json')).toThrow(/m\.json: not valid JSON/);
    expect(() => parseMetrics('a: [1,', 'm.yaml')).toThrow(/m\.yaml: not valid YAML/);
    expect(() => parseMetrics('"text"', 'm.yaml')).toThrow(/m\.yaml: a metrics file must hold a mapping/);
    // a single number is one metric under the empty key, as DVC shows it (issue 10)
    expect(parseMetrics('42', 'm.yaml')).toEqual({ '': 42 });
    expect(parseMetrics('0.93', 'acc.json')).toEqual({ '': 0.93 });
    expect(() => parseMetrics('{"a":', 'm.json')).toThrow(expect.objectContaining({ code: 'CAIRN_BAD_METRICS', exitCode: 2 }));
  });
});

describe('rules', () => {
  it('parses the grammar', () => {
    expect(parseRule('acc < -0.01')).toMatchObject({ key: 'acc', op: '<', threshold: -0.01, relative: false });
    expect(parseRule('eval/m.json:loss>=5%')).toMatchObject({ path: 'eval/m.json', key: 'loss', op: '>=', threshold: 5, relative: true });
    expect(() => parseRule('acc < x')).toThrow(/--fail-on 'acc < x'/);
    expect(() => parseRule('')).toThrow();
  });
  it('fires on absolute and relative change and skips one-sided metrics', () => {
    const rows = diffFlat({ f: { acc: 0.9, loss: 0.2, gone: 1 } }, { f: { acc: 0.8, loss: 0.21, newk: 2 } }, { all: true });
    const r = checkRules([parseRule('acc < -0.05'), parseRule('loss > 10%'), parseRule('gone < 0')], rows);
    expect(r.map((x) => [x.rule, x.violated])).toEqual([['acc < -0.05', true], ['loss > 10%', false], ['gone < 0', false]]);
    expect(r[1]!.change).toBeCloseTo(5, 9);
    expect(r[2]!.skipped).toBe('present in one revision only');
  });
  it('a rule on an unreadable metrics file is not evaluated and names the file (not a usage error)', () => {
    const rows = diffFlat({ 'm.json': { acc: 0.9 } }, {}, { all: true });
    const unread = [{ rev: 'workspace', path: 'm.json', message: 'm.json: malformed JSON' }];
    const r = checkRules([parseRule('acc < -0.01')], rows, unread);
    expect(r).toMatchObject([{ rule: 'acc < -0.01', path: 'm.json', violated: false, skipped: 'cannot read m.json at workspace: m.json: malformed JSON' }]);
    // both sides unreadable: no row at all, still unevaluated rather than "no such metric"
    const none = checkRules([parseRule('other.json:acc < 0'), parseRule('acc < 0')], [], [{ rev: 'HEAD', path: 'other.json', message: 'gone' }]);
    expect(none.map((x) => [x.path, x.skipped])).toEqual([['other.json', 'cannot read other.json at HEAD: gone'], ['other.json', 'cannot read other.json at HEAD: gone']]);
    expect(() => checkRules([parseRule('acc < 0')], [], [])).toThrow(/no metric 'acc'/);
  });
});

describe('rendering', () => {
  it('escapes pipes in Markdown and quotes in CSV', () => {
    expect(mdTable(['a', 'b'], [['x|y', '1']])).toBe('| a | b |\n|---|---|\n| x\\|y | 1 |');
    expect(csvTable(['a'], [['x,"y"']])).toBe('a\n"x,""y"""');
  });
});

describe('plot series', () => {
  it('reads CSV, TSV and JSON records; rejects non-records naming the file', () => {
    expect(parseSeries('step,loss\n1,0.5\n', 'l.csv')).toEqual([{ step: 1, loss: 0.5 }]);
    expect(parseSeries('a\tb\nx\t2\n', 'l.tsv')).toEqual([{ a: 'x', b: 2 }]);
    expect(parseSeries('{"train":[{"s":1}]}', 'l.json')).toEqual([{ s: 1 }]);
    expect(() => parseSeries('[1,2]', 'p.json')).toThrow(/p\.json: plot data must be a list of records/);
  });
});
