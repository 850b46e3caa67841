// repro's summary of a failed stage's verdict report, and which regexes may use the
// backtracking engine.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backtrackLimit } from '../../src/mlops/validate/schema.js';
import { summariseVerdictReport } from '../../src/pipeline/verdict-report.js';
import { cleanup, tempDir } from '../helpers.js';

afterEach(() => cleanup());

describe('summariseVerdictReport', () => {
  it('names the failed validate checks and gate rules; ignores passing reports, warnings and other files', () => {
    const d = tempDir();
    writeFileSync(join(d, 'v.json'), JSON.stringify({ verdict: 'fail', failures: [{ column: 'a', check: 'min', severity: 'error', count: 3 }, { column: null, check: 'rows', severity: 'error', count: 1 }, { column: 'y', check: 'max', severity: 'warn', count: 2 }] }));
    expect(summariseVerdictReport(d, 'v.json')).toBe('v.json: verdict fail, failed: a: min (3), table: rows (1)');
    writeFileSync(join(d, 'g.json'), JSON.stringify({ verdict: 'fail', rules: [{ name: 'accuracy >= 0.9', passed: false }, { name: 'latency < 50', passed: true }] }));
    expect(summariseVerdictReport(d, 'g.json')).toBe('g.json: verdict fail, failed: accuracy >= 0.9');
    writeFileSync(join(d, 'ok.json'), JSON.stringify({ verdict: 'pass', failures: [] }));
    expect(summariseVerdictReport(d, 'ok.json')).toBeUndefined();
    writeFileSync(join(d, 'm.json'), JSON.stringify({ accuracy: 0.9 }));
    expect(summariseVerdictReport(d, 'm.json')).toBeUndefined();
    writeFileSync(join(d, 'bad.json'), '{not json');
    expect(summariseVerdictReport(d, 'bad.json')).toBeUndefined();
    expect(summariseVerdictReport(d, 'missing.json')).toBeUndefined();
    const many = Array.from({ length: 12 }, (_, i) => ({ column: `c${i}`, check: 'type', count: 1 }));
    writeFileSync(join(d, 'many.json'), JSON.stringify({ verdict: 'fail', failures: many }));
    expect(summariseVerdictReport(d, 'many.json')).toMatch(/c7: type \(1\), and 4 more$/);
  });
});

describe('backtrackLimit', () => {
  it('refuses the backtracking engine for nested quantifiers and quantified alternation; bounds the value length otherwise', () => {
    for (const p of ['^(a+)+$', '(a*)*', '^(a|aa)+$', '^(?:[a-z]+\\.)*[a-z]+$', '(x+x+)+y']) expect(backtrackLimit(p), p).toBe(0);
    expect(backtrackLimit('^[A-Z]{3}$')).toBe(Number.POSITIVE_INFINITY);
    expect(backtrackLimit('^[^@]+@[^@]+$')).toBe(99);
    expect(backtrackLimit('(ab)+c')).toBe(1000);
    expect(backtrackLimit('[(+*]+')).toBe(1000);
    expect(backtrackLimit('\\(a+\\)+')).toBe(99);
  });
});
