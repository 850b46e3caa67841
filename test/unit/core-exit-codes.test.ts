import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CairnError, ERROR_CODES, EXIT, exitCodeFor } from '../../src/core/errors.js';
import { ROOT } from '../helpers.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

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

  it('every code raised in src/ is in the table, and every code in the table is raised', () => {
    const used = new Set<string>();
    for (const f of sources(join(ROOT, 'src'))) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/CairnError\(\s*'(CAIRN_[A-Z_]+)'/g)) used.add(m[1]!);
      // the kinds io/own-file.ts raises with (`{ what: 'lock file', code: 'CAIRN_BAD_LOCK' }`)
      for (const m of text.matchAll(/\bwhat: [^,]+, code: '(CAIRN_[A-Z_]+)'/g)) used.add(m[1]!);
    }
    // raised by the shared constructors in core/errors.ts
    used.add('CAIRN_NOT_A_REPO').add('CAIRN_INTEGRITY');
    for (const code of used) expect(Object.keys(ERROR_CODES), `${code} is raised but not in ERROR_CODES`).toContain(code);
    // CAIRN_VERDICT is the row for pass/fail commands (validate, gate, drift): they return a
    // verdict as data and the CLI maps it to 4 through verdictExit, so nothing throws it yet
    const reserved = new Set(['CAIRN_VERDICT']);
    const never = Object.keys(ERROR_CODES).filter((c) => !used.has(c) && !reserved.has(c));
    expect(never, 'codes in the table that nothing raises').toEqual([]);
  });

  it('the exit-code table in the doc lists every EXIT value once', () => {
    const exits = [...doc.matchAll(/^\|\s*(\d+)\s*\|/gm)].map((m) => Number(m[1]));
    expect(exits.sort((x, y) => x - y)).toEqual([...new Set<number>(Object.values(EXIT))].sort((x, y) => x - y));
  });

  it('a CairnError exits with its table entry; anything else with 1', () => {
    expect(exitCodeFor(new CairnError('CAIRN_INTEGRITY', 'x'))).toBe(5);
    expect(exitCodeFor(new CairnError('CAIRN_BAD_POINTER', 'x'))).toBe(2);
    expect(exitCodeFor(new Error('boom'))).toBe(1);
  });
});
