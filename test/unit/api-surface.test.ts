// src/api/ is the library surface: one file per command, each exporting its function(s) and
// their Options/Result types, all re-exported from index.ts; no api file imports another
// api command file (shared logic lives in the layer below).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as cairn from '../../src/api/index.js';
import { ROOT } from '../helpers.js';

const API = join(ROOT, 'src', 'api');
const files = readdirSync(API).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
const index = readFileSync(join(API, 'index.ts'), 'utf8');

/** Exported names in api/ that are not command functions (none left: helpers live a layer down). */
const NOT_COMMANDS: string[] = [];

function apiImports(file: string, text = readFileSync(join(API, file), 'utf8')): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)'\.\/([\w-]+)\.js'/g)) out.add(`${m[1]}.ts`);
  return [...out];
}

describe('the api surface', () => {
  it('index.ts exports every exported api function', () => {
    const missing: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(API, f), 'utf8');
      for (const m of text.matchAll(/^export (?:async )?function (\w+)/gm)) {
        if (typeof (cairn as Record<string, unknown>)[m[1]!] !== 'function') missing.push(`${f}: ${m[1]}`);
      }
    }
    expect(missing.filter((m) => !NOT_COMMANDS.some((k) => m.startsWith(k)))).toEqual([]);
  });

  it('index.ts exports every Options and Result type by name (export type)', () => {
    const missing: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(API, f), 'utf8');
      for (const m of text.matchAll(/^export (?:interface|type) (\w+(?:Options|Result))\b/gm)) {
        if (!new RegExp(`export type \\{[^}]*\\b${m[1]}\\b[^}]*\\}`).test(index)) missing.push(`${f}: ${m[1]}`);
      }
      for (const m of text.matchAll(/^export type \{([^}]*)\}/gm)) {
        for (const n of m[1]!.split(',').map((s) => s.trim()).filter((s) => /(Options|Result)$/.test(s))) {
          if (!new RegExp(`\\b${n}\\b`).test(index)) missing.push(`${f}: ${n}`);
        }
      }
    }
    const known = ['gc.ts: GcScopes'];
    expect(missing.filter((m) => !known.includes(m))).toEqual([]);
    // the names a library user reaches for first
    for (const n of ['StatusResult', 'StatusOptions', 'ReproResult', 'MetricsDiffResult', 'CheckoutResult', 'PushResult']) expect(index).toMatch(new RegExp(`\\b${n}\\b`));
  });

  it('every exported api function takes one options object', () => {
    const bad: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(API, f), 'utf8');
      for (const m of text.matchAll(/^export async function (\w+)\(([^)]*)\)/gm)) {
        const params = m[2]!.split(',').filter((s) => s.trim());
        if (params.length !== 1 || !/^\s*\w+: \w+Options\s*$/.test(params[0]!)) bad.push(`${f}: ${m[1]}(${m[2]})`);
      }
    }
    expect(bad.filter((b) => !NOT_COMMANDS.some((k) => b.startsWith(k)))).toEqual([]);
  });

  it('no api file imports another api command file', () => {
    const bad: string[] = [];
    for (const f of files) {
      for (const dep of apiImports(f)) bad.push(`${f} -> ${dep}`);
    }
    expect(bad).toEqual([]);
  });

  it('the import scan sees static, type and dynamic imports', () => {
    // guards the guard: no api file imports a sibling any more, so it is shown one that does
    const text = "import { a } from './push.js';\nimport type { B } from './status.js';\nconst { c } = await import('./checkout.js');\nimport { d } from '../repo/repo.js';\n";
    expect(apiImports('x.ts', text).sort()).toEqual(['checkout.ts', 'push.ts', 'status.ts']);
    expect(apiImports('gc.ts')).toEqual([]);
  });
});
