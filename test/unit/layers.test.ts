// Imports point downward only (DESIGN.md): cli → api → pipeline/metrics/mlops/ci →
// cache/remote/git/repo → core/io/stats/render. render/ is a pure leaf: it imports nothing
// from cairn but core/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const SRC = join(ROOT, 'src');
const RANK: Record<string, number> = {
  cli: 5,
  api: 4,
  pipeline: 3,
  metrics: 3,
  mlops: 3,
  ci: 3,
  cache: 2,
  remote: 2,
  git: 2,
  repo: 2,
  core: 1,
  io: 1,
  stats: 1,
  render: 1,
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const layerOf = (file: string) => relative(SRC, file).split('/')[0]!;

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)\.js'/g)) out.push(resolve(dirname(file), m[1]! + '.ts'));
  return out;
}

describe('layers', () => {
  const all = files(SRC);

  it('every folder of src/ has a layer', () => {
    for (const f of all) if (relative(SRC, f).includes('/')) expect(RANK[layerOf(f)], layerOf(f)).toBeDefined();
  });

  it('no import points up a layer', () => {
    const bad: string[] = [];
    for (const f of all) {
      const from = layerOf(f);
      for (const dep of imports(f)) {
        const to = layerOf(dep);
        if ((RANK[to] ?? 0) > (RANK[from] ?? 0)) bad.push(`${relative(SRC, f)} -> ${relative(SRC, dep)}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('render/ is a pure leaf (node built-ins and core/ only, no fs)', () => {
    const bad: string[] = [];
    for (const f of all.filter((f) => layerOf(f) === 'render')) {
      for (const dep of imports(f)) if (!['render', 'core'].includes(layerOf(dep))) bad.push(`${relative(SRC, f)} -> ${relative(SRC, dep)}`);
      if (/from 'node:fs/.test(readFileSync(f, 'utf8'))) bad.push(`${relative(SRC, f)} reads files`);
    }
    expect(bad).toEqual([]);
  });

  it('metrics/ does not reach sideways into pipeline/ (shared types live in core/)', () => {
    const bad: string[] = [];
    for (const f of all.filter((f) => layerOf(f) === 'metrics')) {
      for (const dep of imports(f)) if (layerOf(dep) === 'pipeline') bad.push(`${relative(SRC, f)} -> ${relative(SRC, dep)}`);
    }
    expect(bad).toEqual([]);
  });
});
