import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, ROOT, tempDir } from '../helpers.js';

afterEach(() => cleanup());

describe('npm run demo', () => {
  it('runs the penguins project end to end: 5 stages, then 0, then only train and evaluate; a corrupted batch is stopped by validate', () => {
    const base = tempDir('cairn-demo-test-');
    const r = spawnSync(process.execPath, [join(ROOT, 'fixtures', 'demo', 'run-demo.mjs')], {
      encoding: 'utf8',
      env: { ...process.env, CAIRN_DEMO_DIR: base, NO_COLOR: '1' },
      timeout: 120_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(out).toContain(`cairn demo in ${join(base, 'penguins')}`);
    expect(out).toContain('$ cairn add data/penguins.json');
    const runs = out.split('$ cairn repro\n').slice(1).map((s) => s.split('\n$ ')[0]!);
    expect(runs.length).toBeGreaterThanOrEqual(5);
    expect(runs[0]).toContain("Running stage 'validate'");
    expect(runs[0]).toContain('5 ran, 0 restored from run-cache, 0 unchanged');
    expect(runs[1]).toContain('0 ran, 0 restored from run-cache, 5 unchanged');
    expect(runs[2]).toContain('2 ran, 0 restored from run-cache, 3 unchanged');
    // steps/validate.mjs: the corrupted batch fails validation (exit 4) and stops repro before prepare
    const v = out.split('### validate: a corrupted batch')[1]!.split('### validate: the good data')[0]!;
    expect(v).toContain('validate exit code: 4');
    expect(v).toMatch(/FAIL {2}Flipper Length \(mm\): min: 1 row .*\n +row 11: -181/);
    expect(v).toMatch(/FAIL {2}Species: nullable: 1 row .*\n +row 21: null/);
    expect(v).toMatch(/FAIL {2}Island: in: 1 row .*\n +row 31: "Atlantis"/);
    expect(runs[3]).toContain('0 ran, 0 restored from run-cache, 0 unchanged, 1 failed, 4 not run');
    expect(runs[3]).toContain('exited with code 4 (reports/validation.json: verdict fail, failed: Species: nullable (1), Island: in (1), Flipper Length (mm): min (1))');
    expect(runs[3]).not.toContain("Running stage 'prepare'");
    expect(v).toContain('repro exit code: 1; cairn.lock and models/model.json unchanged: yes');
    expect(runs[4]).toContain('0 ran, 1 restored from run-cache, 4 unchanged');
    expect(runs[2]).toMatch(/Running stage 'train' \(param 'train.n_estimators' \(params.yaml\) modified\)/);
    expect(runs[2]).toContain("Stage 'featurize' didn't change, skipping");
    const metrics = JSON.parse(readFileSync(join(base, 'penguins', 'metrics.json'), 'utf8'));
    expect(metrics.accuracy).toBeGreaterThan(0);
    expect(metrics.accuracy).toBeLessThanOrEqual(1);
    expect(readFileSync(join(base, 'penguins', 'cairn.lock'), 'utf8')).toContain('train.n_estimators: 40');
    // the stages `cairn stage add` wrote satisfy the editor schema
    const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'cairn.schema.json'), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(parse(readFileSync(join(base, 'penguins', 'cairn.yaml'), 'utf8')))).toBe(true);
    // status names the changed param before the third repro; metrics diff compares with HEAD
    expect(out).toContain('modified: params.yaml: train.n_estimators (20 -> 40)');
    expect(out).toMatch(/params\.yaml\s+train\.n_estimators\s+20\s+40/);
    expect(out).toMatch(/metrics\.json\s+accuracy\s+0\.\d+\s+0\.\d+/);
    expect(out).toContain('$ cairn push');
    expect(existsSync(join(base, 'remote'))).toBe(true);
    expect(out).toContain("Everything is in sync with remote 'local'");
  });
});
