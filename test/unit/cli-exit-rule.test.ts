// The one rule for exit codes: CLI files never type a numeric exit code; they go through EXIT
// and src/cli/outcome.ts, and only src/cli/main.ts sets the process's exit code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CairnError, EXIT } from '../../src/core/errors.js';
import { changedExit, errorExit, failedExit, verdictExit } from '../../src/cli/outcome.js';
import { ROOT } from '../helpers.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** `return 1`, `exitCode = 2`, `process.exit(3)`, `code = x ? 1 : 0`: a number typed as an exit code. */
const NUMERIC_EXIT = [
  /\breturn\s+\(?\s*-?\d+\s*\)?\s*;/,
  /\bexitCode\s*=\s*-?\d+\b/,
  /\bprocess\.exit\s*\(\s*-?\d*/,
  /\b(code|exitCode|exit)\s*=\s*[^;=]*\?\s*-?\d+\s*:\s*-?\d+/,
];

export function numericExits(text: string): string[] {
  const hits: string[] = [];
  text.split('\n').forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, '');
    if (NUMERIC_EXIT.some((re) => re.test(code))) hits.push(`${i + 1}: ${line.trim()}`);
  });
  return hits;
}

describe('exit codes in src/cli/', () => {
  it('the scanner catches each form of a typed exit code', () => {
    expect(numericExits('  return 130;')).toHaveLength(1);
    expect(numericExits('  return 0;')).toHaveLength(1);
    expect(numericExits('process.exitCode = 1;')).toHaveLength(1);
    expect(numericExits('process.exit(2)')).toHaveLength(1);
    expect(numericExits('const code = r.ok ? 0 : 1;')).toHaveLength(1);
    expect(numericExits('return EXIT.OK;\nreturn failedExit(r.failed);\n// return 1;')).toHaveLength(0);
  });

  it('no CLI file types a numeric exit code', () => {
    const bad: string[] = [];
    for (const f of files(join(ROOT, 'src', 'cli'))) {
      for (const h of numericExits(readFileSync(f, 'utf8'))) bad.push(`${relative(ROOT, f)}:${h}`);
    }
    expect(bad, 'use EXIT or the helpers in src/cli/outcome.ts').toEqual([]);
  });

  it('only src/cli/main.ts sets the process exit code; nothing calls process.exit', () => {
    const setters: string[] = [];
    for (const f of [...files(join(ROOT, 'src')), join(ROOT, 'bin', 'cairn.js')]) {
      const text = readFileSync(f, 'utf8').replace(/\/\/.*$/gm, '');
      if (/process\.exit\s*\(/.test(text)) setters.push(`${relative(ROOT, f)}: process.exit`);
      if (/process\.exitCode\s*=/.test(text)) setters.push(relative(ROOT, f));
    }
    expect(setters).toEqual(['src/cli/main.ts']);
  });
});

describe('src/cli/outcome.ts', () => {
  it('maps verdicts, failed items, changes and carried errors through EXIT', () => {
    expect(verdictExit('pass')).toBe(EXIT.OK);
    expect(verdictExit('fail')).toBe(EXIT.VERDICT);
    expect(verdictExit('inconclusive')).toBe(EXIT.VERDICT);
    expect(verdictExit('inconclusive', 'warn')).toBe(EXIT.OK);
    expect(failedExit([])).toBe(EXIT.OK);
    expect(failedExit([{ id: 'x' }])).toBe(EXIT.FAILED);
    expect(changedExit(true, false)).toBe(EXIT.OK);
    expect(changedExit(true, true)).toBe(EXIT.FAILED);
    expect(changedExit(false, true)).toBe(EXIT.OK);
    expect(errorExit(undefined)).toBe(EXIT.OK);
    expect(errorExit(new CairnError('CAIRN_INTERRUPTED', 'x'))).toBe(EXIT.INTERRUPTED);
    expect(errorExit(new CairnError('CAIRN_STAGE_FAILED', 'x'))).toBe(EXIT.FAILED);
  });
});
