// `cairn status` brings the three views together: data vs pointers, stages vs cairn.lock,
// and (with --cloud) the cache vs a remote.
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cairn, cleanup, gen, tempRepo, tempDir } from '../helpers.js';

afterEach(cleanup);

describe('cairn status', () => {
  it('reports a changed param of a stage, and --exit-code makes it fail', async () => {
    const root = await tempRepo({ 'params.yaml': 'lr: 0.1\nother: 1\n', 'in.txt': 'hi\n' });
    expect(cairn(root, ['add', 'in.txt']).code).toBe(0);
    expect(cairn(root, ['stage', 'add', '-n', 'copy', '-d', 'in.txt', '-p', 'lr', '-o', 'out.txt', 'cp in.txt out.txt']).code).toBe(0);
    expect(cairn(root, ['repro']).code).toBe(0);
    const clean = cairn(root, ['status', '--exit-code']);
    expect(clean.stdout).toContain('Everything is up to date.');
    expect(clean.code).toBe(0);

    writeFileSync(join(root, 'params.yaml'), 'lr: 0.2\nother: 1\n');
    const text = cairn(root, ['status']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('copy:');
    expect(text.stdout).toContain('modified: params.yaml: lr (0.1 -> 0.2)');
    expect(cairn(root, ['status', '--exit-code']).code).toBe(1);
    const json = JSON.parse(cairn(root, ['status', '--json']).stdout);
    expect(json.clean).toBe(false);
    expect(json.pipeline.changed).toEqual(['copy']);
    expect(json.pipeline.stages[0].params[0]).toMatchObject({ file: 'params.yaml', key: 'lr', change: 'modified', old: 0.1, new: 0.2 });

    // an untracked key changes nothing
    writeFileSync(join(root, 'params.yaml'), 'lr: 0.1\nother: 2\n');
    expect(cairn(root, ['status', '--exit-code']).code).toBe(0);
  });

  it('--cloud says what is only local, and in sync after a push', async () => {
    const root = await tempRepo();
    gen(root, { 'data/a.txt': 'a', 'data/b.txt': 'b', 'model.bin': 'm' });
    expect(cairn(root, ['add', 'data', 'model.bin']).code).toBe(0);
    const remote = tempDir('cairn-remote-');
    expect(cairn(root, ['remote', 'add', '-d', 'store', remote]).code).toBe(0);
    const before = cairn(root, ['status', '--cloud', '--exit-code']);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('data: only local');
    expect(before.stdout).toContain('model.bin: only local');
    expect(cairn(root, ['push']).code).toBe(0);
    const after = cairn(root, ['status', '--cloud', '--exit-code']);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain("in sync with remote 'store'");
    const json = JSON.parse(cairn(root, ['status', '--cloud', '--json']).stdout);
    expect(json.cloud.inSync).toBe(true);
    expect(json.cloud.targets.map((t: { path: string }) => t.path).sort()).toEqual(['data', 'model.bin']);
  });
});
