// The run-cache travels: a clone that pulls it restores a stage output for params seen
// on another machine instead of running the stage.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cairn, cleanup, git, tempDir, tempRepo } from '../helpers.js';

afterEach(cleanup);

describe('run-cache on a remote', () => {
  it('pull --run-cache lets a clone restore an output it never computed', async () => {
    const log = join(tempDir(), 'runs.log');
    const root = await tempRepo({ 'params.yaml': 'a: 1\n' });
    const cmd = `echo ran >> "${log}" && node -e "const y=require('fs').readFileSync('params.yaml','utf8');require('fs').writeFileSync('out.txt','from '+y)"`;
    expect(cairn(root, ['stage', 'add', '-n', 's', '-p', 'a', '-o', 'out.txt', cmd]).code).toBe(0);
    expect(cairn(root, ['repro']).code).toBe(0); // a: 1
    writeFileSync(join(root, 'params.yaml'), 'a: 2\n');
    expect(cairn(root, ['repro']).code).toBe(0); // a: 2
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(2);
    const remote = tempDir('cairn-remote-');
    expect(cairn(root, ['remote', 'add', '-d', 'store', remote]).code).toBe(0);
    expect(cairn(root, ['push', '--run-cache']).code).toBe(0);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'a=2');

    const clone = join(tempDir(), 'clone');
    git(root, 'clone', '-q', root, clone);
    expect(cairn(clone, ['pull', '--run-cache']).code).toBe(0);
    expect(readFileSync(join(clone, 'out.txt'), 'utf8')).toBe('from a: 2\n');
    writeFileSync(join(clone, 'params.yaml'), 'a: 1\n');
    const r = cairn(clone, ['repro']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('restored from run-cache');
    expect(readFileSync(join(clone, 'out.txt'), 'utf8')).toBe('from a: 1\n');
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(2); // nothing ran
    expect(existsSync(join(clone, 'cairn.lock'))).toBe(true);
  });
});
