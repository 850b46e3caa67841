import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repro } from '../../src/api/repro.js';
import { cleanup, ROOT, tempRepo } from '../helpers.js';

const STEP = join(ROOT, 'fixtures', 'pipeline', 'step.mjs');
const step = (args: string) => `node ${STEP} ${args}`;

const FOUR = `stages:
  prepare:
    cmd: ${step('data/prepared.txt data/raw.txt --param prepare.split')}
    deps: [data/raw.txt]
    params: [prepare.split]
    outs: [data/prepared.txt]
  featurize:
    cmd: ${step('data/features.txt data/prepared.txt --param featurize.n')}
    deps: [data/prepared.txt]
    params: [featurize.n]
    outs: [data/features.txt]
  train:
    cmd: ${step('model.txt data/features.txt --param train.lr')}
    deps: [data/features.txt]
    params: [train.lr]
    outs: [model.txt]
  evaluate:
    cmd: ${step('metrics.json model.txt')}
    deps: [model.txt]
    metrics: [{metrics.json: {cache: false}}]
`;
const PARAMS = 'prepare:\n  split: 0.2\nfeaturize:\n  n: 3\ntrain:\n  lr: 0.1\nunused: 1\n';

function ranIn(dir: string): string[] {
  const f = join(dir, 'run.log');
  if (!existsSync(f)) return [];
  const lines = readFileSync(f, 'utf8').trim().split('\n').filter(Boolean);
  rmSync(f);
  return lines.map((l) => l.split(' ')[0]!);
}

async function fourStage(): Promise<string> {
  const dir = await tempRepo({ 'cairn.yaml': FOUR, 'params.yaml': PARAMS, 'data/raw.txt': 'raw-1\n' });
  return dir;
}

afterEach(() => cleanup());

describe('repro', () => {
  it('runs a fresh 4-stage pipeline, then nothing; a param reruns exactly its downstream', async () => {
    const dir = await fourStage();
    const r1 = await repro({ cwd: dir });
    expect(r1.ok).toBe(true);
    expect(ranIn(dir)).toEqual(['prepare', 'featurize', 'train', 'evaluate']);
    expect(readFileSync(join(dir, 'cairn.lock'), 'utf8')).toMatch(/^schema: '1'\nstages:\n  evaluate:/);
    const lock1 = readFileSync(join(dir, 'cairn.lock'), 'utf8');
    const r2 = await repro({ cwd: dir });
    expect(ranIn(dir)).toEqual([]);
    expect(r2.counts.skipped).toBe(4);
    expect(readFileSync(join(dir, 'cairn.lock'), 'utf8')).toBe(lock1);
    writeFileSync(join(dir, 'params.yaml'), PARAMS.replace('n: 3', 'n: 4'));
    await repro({ cwd: dir });
    expect(ranIn(dir)).toEqual(['featurize', 'train', 'evaluate']);
    writeFileSync(join(dir, 'params.yaml'), PARAMS.replace('n: 3', 'n: 4').replace('unused: 1', 'unused: 2'));
    await repro({ cwd: dir });
    expect(ranIn(dir)).toEqual([]);
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toContain('/model.txt');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).not.toContain('metrics.json');
  });

  it('reruns a stage whose cmd changed only in whitespace', async () => {
    const dir = await fourStage();
    await repro({ cwd: dir });
    ranIn(dir);
    writeFileSync(join(dir, 'cairn.yaml'), FOUR.replace('model.txt data/features.txt', 'model.txt  data/features.txt'));
    const r = await repro({ cwd: dir });
    // train reran with identical output, so evaluate's deps did not change
    expect(ranIn(dir)).toEqual(['train']);
    expect(r.counts.skipped).toBe(3);
  });

  it('restores everything from the run-cache after outs and lock are deleted, and an earlier output after a revert', async () => {
    const dir = await fourStage();
    await repro({ cwd: dir });
    const model1 = readFileSync(join(dir, 'model.txt'), 'utf8');
    ranIn(dir);
    for (const f of ['cairn.lock', 'model.txt', 'metrics.json', 'data/prepared.txt', 'data/features.txt']) rmSync(join(dir, f));
    const r = await repro({ cwd: dir });
    expect(ranIn(dir)).toEqual([]);
    expect(r.counts.restored).toBe(4);
    expect(readFileSync(join(dir, 'model.txt'), 'utf8')).toBe(model1);
    writeFileSync(join(dir, 'data/raw.txt'), 'raw-2\n');
    await repro({ cwd: dir });
    expect(ranIn(dir)).toEqual(['prepare', 'featurize', 'train', 'evaluate']);
    expect(readFileSync(join(dir, 'model.txt'), 'utf8')).not.toBe(model1);
    writeFileSync(join(dir, 'data/raw.txt'), 'raw-1\n');
    const back = await repro({ cwd: dir });
    expect(ranIn(dir)).toEqual([]);
    expect(back.counts.restored).toBe(4);
    expect(readFileSync(join(dir, 'model.txt'), 'utf8')).toBe(model1);
    // --no-run-cache runs instead
    writeFileSync(join(dir, 'data/raw.txt'), 'raw-2\n');
    await repro({ cwd: dir, runCache: false });
    expect(ranIn(dir)).toHaveLength(4);
  });

  it('a frozen middle stage blocks reruns through it', async () => {
    const dir = await fourStage();
    await repro({ cwd: dir });
    ranIn(dir);
    writeFileSync(join(dir, 'cairn.yaml'), FOUR.replace('  featurize:\n', '  featurize:\n    frozen: true\n'));
    writeFileSync(join(dir, 'data/raw.txt'), 'raw-3\n');
    const r = await repro({ cwd: dir });
    expect(ranIn(dir)).toEqual(['prepare']);
    expect(r.stages.find((s) => s.id === 'featurize')!.status).toBe('frozen');
  });

  it('--dry writes nothing and says what would run', async () => {
    const dir = await fourStage();
    const r = await repro({ cwd: dir, dry: true });
    expect(r.stages.map((s) => s.status)).toEqual(['would-run', 'would-run', 'would-run', 'would-run']);
    expect(existsSync(join(dir, 'cairn.lock'))).toBe(false);
    expect(existsSync(join(dir, 'data/prepared.txt'))).toBe(false);
    expect(ranIn(dir)).toEqual([]);
  });
});
