import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, ROOT, tempDir } from '../helpers.js';

afterEach(() => cleanup());

describe('npm run demo', () => {
  it('runs the penguins project end to end: 4 stages, then 0, then only train and evaluate', () => {
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
    expect(runs).toHaveLength(3);
    expect(runs[0]).toContain('4 ran, 0 restored from run-cache, 0 unchanged');
    expect(runs[1]).toContain('0 ran, 0 restored from run-cache, 4 unchanged');
    expect(runs[2]).toContain('2 ran, 0 restored from run-cache, 2 unchanged');
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
    // registry step: v1 (gate pass) promoted under the policy, lineage down to the raw file, v2 (gate fail) refused
    const proj = join(base, 'penguins');
    const rawId = /id: ([0-9a-f]{32})/.exec(readFileSync(join(proj, 'data', 'penguins.json.cairn'), 'utf8'))![1]!;
    expect(out).toMatch(/Registered penguins@v1\.0\.0 \(models\/model\.json [0-9a-f]{32}\) at [0-9a-f]{7}, gate pass/);
    expect(out).toContain('penguins@production is now v1.0.0 [penguins#production#1]');
    const lineageOut = out.split('$ cairn lineage penguins@production\n')[1]!.split('\n$ ')[0]!;
    expect(lineageOut).toContain(`data/penguins.json  ${rawId}  [raw data (data/penguins.json.cairn)]`);
    expect(out).toMatch(/Registered penguins@v1\.0\.1 .*gate fail/);
    expect(out).toContain("refused: penguins@v1.0.1 may not become 'production':\n  require_gate: pass: the gate verdict of penguins@v1.0.1 is 'fail'");
    expect(out).toMatch(/production\s+v1\.0\.0\s+\S+\s+\(now\)\s+first release: gate passed/);
    const tags = spawnSync('git', ['tag', '-l', 'penguins*'], { cwd: proj, encoding: 'utf8' }).stdout.trim().split('\n');
    expect(tags).toEqual(['penguins#production#1', 'penguins@v1.0.0', 'penguins@v1.0.1']);
  });
});
