// push / fetch --all-commits / --rev: what older commits' pointer files name travels too.
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cairn, cleanup, git, tempDir, tempRepo } from '../helpers.js';

afterEach(cleanup);

function countObjects(remote: string): number {
  let n = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else n++;
    }
  };
  walk(join(remote, 'xxh64x2'));
  return n;
}

describe('push and fetch over history', () => {
  it('--all-commits pushes what an old commit names; fetch --rev brings it back in a clone', async () => {
    const root = await tempRepo({ 'model.bin': 'version one\n' });
    expect(cairn(root, ['add', 'model.bin']).code).toBe(0);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'v1');
    writeFileSync(join(root, 'model.bin'), 'version two\n');
    expect(cairn(root, ['add', 'model.bin']).code).toBe(0);
    git(root, 'commit', '-qam', 'v2');

    const remote = tempDir('cairn-remote-');
    expect(cairn(root, ['remote', 'add', '-d', 'store', remote]).code).toBe(0);
    git(root, 'commit', '-qam', 'remote');
    expect(cairn(root, ['push']).code).toBe(0);
    expect(countObjects(remote)).toBe(1);
    const all = cairn(root, ['push', '--all-commits', '--json']);
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout).transferred).toBe(1);
    expect(countObjects(remote)).toBe(2);

    const clone = join(tempDir(), 'clone');
    git(root, 'clone', '-q', root, clone);
    const f = cairn(clone, ['fetch', '--rev', 'HEAD~2', '--json']);
    expect(f.code).toBe(0);
    expect(JSON.parse(f.stdout).transferred).toBe(2); // HEAD's and HEAD~2's versions
    git(clone, 'checkout', '-q', 'HEAD~2');
    expect(cairn(clone, ['checkout']).code).toBe(0);
    expect(cairn(clone, ['status', '--exit-code']).code).toBe(0);

    const bad = cairn(clone, ['fetch', '--rev', 'no-such-rev']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no-such-rev');
  });
});
