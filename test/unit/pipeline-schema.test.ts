import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parsePipeline } from '../../src/pipeline/load.js';
import { ROOT } from '../helpers.js';

const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'cairn.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const examples = join(ROOT, 'fixtures', 'pipeline', 'examples');

describe('schema/cairn.schema.json', () => {
  it('accepts the full example, the demo pipeline shape and a pipeline written by the loader tests', () => {
    const full = parse(readFileSync(join(examples, 'full.yaml'), 'utf8'));
    expect(validate(full), JSON.stringify(validate.errors)).toBe(true);
    // and the loader agrees it is valid
    const files: Record<string, string> = { 'params.yaml': 'prepare: {split: 0.2}\ntrain: {lr: 1}\nmodels: [a, b]\n', 'config/extra.yaml': 'seed: 1\n', 'config/whole.yaml': 'x: 1\n' };
    const p = parsePipeline({ text: readFileSync(join(examples, 'full.yaml'), 'utf8'), file: 'cairn.yaml', readFile: (r) => files[r] });
    expect(p.stages.map((s) => s.name)).toEqual(['prepare', 'train', 'fit@a', 'fit@b', 'grid@0.1-3', 'grid@0.1-5', 'grid@0.01-3', 'grid@0.01-5', 'report']);
  });

  it('accepts stage-level vars (plain, matrix and foreach stages) and the loader expands them', () => {
    const text = readFileSync(join(examples, 'stage-vars.yaml'), 'utf8');
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
    const files: Record<string, string> = { 'params.yaml': 'train: {lr: 1}\nmodels: [a, b]\n', 'config/extra.yaml': 'seed: 1\n' };
    const p = parsePipeline({ text, file: 'cairn.yaml', readFile: (r) => files[r] });
    expect(p.stages.map((s) => s.name)).toEqual(['fit', 'grid@a-0.1', 'grid@a-0.01', 'grid@b-0.1', 'grid@b-0.01', 'each@a', 'each@b']);
    expect(p.stages[0]!.cmd).toEqual(['python fit.py --lr 1 --epochs 3 --depth 4 --seed 1']);
    expect(p.stages[4]!.outs[0]!.path).toBe('grid/b-0.01.json');
    expect(validate({ stages: { a: { cmd: 'x', vars: 'not-a-list' } } })).toBe(false);
  });

  it('rejects what the loader rejects: unknown keys, wrong types, missing cmd', () => {
    expect(validate(parse(readFileSync(join(examples, 'bad-unknown-key.yaml'), 'utf8')))).toBe(false);
    expect(validate({ stages: { a: { cmd: 'x', deps: 3 } } })).toBe(false);
    expect(validate({ stages: { a: { deps: ['x'] } } })).toBe(false);
    expect(validate({ stages: { a: { cmd: 'x', outs: [{ 'm.json': { cache: false, bogus: 1 } }] } } })).toBe(false);
    expect(validate({ stage: {} })).toBe(false);
  });

  it('every fixtures/pipeline/examples file named bad-* is invalid and every other one valid', () => {
    for (const f of readdirSync(examples)) {
      const ok = validate(parse(readFileSync(join(examples, f), 'utf8')));
      expect(ok, f).toBe(!f.startsWith('bad-'));
    }
  });
});
