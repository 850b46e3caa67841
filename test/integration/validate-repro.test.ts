// A validation stage is an ordinary stage: when the data fails it, repro stops before the
// downstream stages, the lock and their outputs stay as they were, and the error names the
// failed checks from the stage's report.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repro } from '../../src/api/repro.js';
import { cleanup, CLI, ROOT, tempRepo } from '../helpers.js';

const STEP = join(ROOT, 'fixtures', 'pipeline', 'step.mjs');
const PIPELINE = `stages:
  validate:
    cmd: node ${CLI} validate data/raw.csv --schema schema.yaml --out reports/validation.json
    deps: [data/raw.csv, schema.yaml]
    metrics:
      - reports/validation.json: {cache: false}
  featurize:
    cmd: node ${STEP} data/features.txt data/raw.csv reports/validation.json
    deps: [data/raw.csv, reports/validation.json]
    outs: [data/features.txt]
  train:
    cmd: node ${STEP} model.txt data/features.txt
    deps: [data/features.txt]
    outs: [model.txt]
`;
const SCHEMA = 'columns:\n  id: {type: int, unique: true}\n  flipper: {type: int, min: 150}\n  species: {type: category, in: [Adelie, Gentoo]}\n';
const GOOD = 'id,flipper,species\n1,181,Adelie\n2,190,Gentoo\n3,200,Adelie\n';
const BAD = 'id,flipper,species\n1,-181,Adelie\n2,190,Emperor\n2,200,\n';

afterEach(() => cleanup());

describe('a validation stage in repro', () => {
  it('a failing validation leaves the downstream stages unrun and the lock unchanged, and names the checks', async () => {
    const dir = await tempRepo({ 'cairn.yaml': PIPELINE, 'schema.yaml': SCHEMA, 'data/raw.csv': GOOD });
    const r1 = await repro({ cwd: dir });
    expect(r1.ok).toBe(true);
    expect(r1.counts.ran).toBe(3);
    const lock = readFileSync(join(dir, 'cairn.lock'), 'utf8');
    const model = readFileSync(join(dir, 'model.txt'), 'utf8');
    const features = readFileSync(join(dir, 'data', 'features.txt'), 'utf8');
    expect(JSON.parse(readFileSync(join(dir, 'reports', 'validation.json'), 'utf8')).verdict).toBe('pass');
    writeFileSync(join(dir, 'run.log'), '');

    writeFileSync(join(dir, 'data', 'raw.csv'), BAD);
    const r2 = await repro({ cwd: dir });
    expect(r2.ok).toBe(false);
    const st = Object.fromEntries(r2.stages.map((s) => [s.name, s.status]));
    expect(st.validate).toBe('failed');
    expect(st.featurize).not.toBe('ran');
    expect(st.train).not.toBe('ran');
    expect(readFileSync(join(dir, 'run.log'), 'utf8')).toBe('');
    expect(r2.failed).toHaveLength(1);
    expect(r2.failed[0]!.exitCode).toBe(4);
    expect(r2.failed[0]!.error).toContain('exited with code 4 (reports/validation.json: verdict fail, failed: id: unique (1), flipper: min (1), species: nullable (1), species: in (1))');
    expect(readFileSync(join(dir, 'cairn.lock'), 'utf8')).toBe(lock);
    expect(readFileSync(join(dir, 'model.txt'), 'utf8')).toBe(model);
    expect(readFileSync(join(dir, 'data', 'features.txt'), 'utf8')).toBe(features);
    // the report the stage wrote says which rows
    const report = JSON.parse(readFileSync(join(dir, 'reports', 'validation.json'), 'utf8'));
    expect(report.failures.map((f: { column: string; check: string; rows: number[] }) => [f.column, f.check, f.rows])).toEqual([
      ['id', 'unique', [3]],
      ['flipper', 'min', [1]],
      ['species', 'nullable', [3]],
      ['species', 'in', [2]],
    ]);

    // good data again: green, and the downstream outputs are the ones from before
    writeFileSync(join(dir, 'data', 'raw.csv'), GOOD);
    const r3 = await repro({ cwd: dir });
    expect(r3.ok).toBe(true);
    expect(readFileSync(join(dir, 'cairn.lock'), 'utf8')).toBe(lock);
  });
});
