import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CairnError, ERROR_CODES, EXIT, exitCodeFor } from '../../src/core/errors.js';
import { ROOT } from '../helpers.js';

describe('error codes and exit codes', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'exit-codes.md'), 'utf8');
  const rows = new Map<string, number>();
  for (const m of doc.matchAll(/^\|\s*`(CAIRN_[A-Z_]+)`\s*\|\s*(\d+)\s*\|/gm)) {
    expect(rows.has(m[1]!), `${m[1]} appears twice in docs/exit-codes.md`).toBe(false);
    rows.set(m[1]!, Number(m[2]));
  }

  it('every code in ERROR_CODES is documented once with its exit code', () => {
    for (const [code, exit] of Object.entries(ERROR_CODES)) {
      expect(rows.get(code), `${code} in docs/exit-codes.md`).toBe(exit);
    }
  });

  it('the doc lists no code that does not exist', () => {
    for (const code of rows.keys()) expect(Object.keys(ERROR_CODES)).toContain(code);
  });

  it('codes are unique and map to the documented exit codes only', () => {
    const keys = Object.keys(ERROR_CODES);
    expect(new Set(keys).size).toBe(keys.length);
    const allowed = new Set<number>(Object.values(EXIT));
    for (const v of Object.values(ERROR_CODES)) expect(allowed.has(v)).toBe(true);
  });

  it('a CairnError exits with its table entry; anything else with 1', () => {
    expect(exitCodeFor(new CairnError('CAIRN_INTEGRITY', 'x'))).toBe(5);
    expect(exitCodeFor(new CairnError('CAIRN_BAD_POINTER', 'x'))).toBe(2);
    expect(exitCodeFor(new Error('boom'))).toBe(1);
  });
});
