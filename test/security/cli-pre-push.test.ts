// #8.8: the pre-push hook installed by `cairn install` must block `git push` when any
// object failed to reach the cairn remote (push returns failures as data; the hook used to
// report success). A real git push to a bare repo, with a real failing object.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, cleanup, git, tempDir, tempRepo } from '../helpers.js';

afterEach(cleanup);

const objectPath = (dir: string, id: string) => join(dir, '.cairn/cache/xxh64x2', id.slice(0, 2), id.slice(2));
const idOf = (dir: string, pointer: string) => /id: (\w+)/.exec(readFileSync(join(dir, pointer), 'utf8'))![1]!;

async function hookedRepo() {
  const store = tempDir('cairn-remote-');
  const bare = tempDir('cairn-bare-');
  git(bare, 'init', '-q', '--bare');
  const dir = await tempRepo({ 'a.txt': 'alpha\n', 'b.txt': 'bravo\n' });
  expect(cairn(dir, ['remote', 'add', '-d', 's', store]).code).toBe(0);
  expect(cairn(dir, ['add', 'a.txt', 'b.txt']).code).toBe(0);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'data');
  expect(cairn(dir, ['install']).code).toBe(0);
  git(dir, 'remote', 'add', 'origin', bare);
  return { dir, store, bare };
}

function gitPush(dir: string) {
  return spawnSync('git', ['push', 'origin', 'main'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CAIRN_NO_PROGRESS: '1' } });
}

const branchOnBare = (bare: string) => spawnSync('git', ['rev-parse', '--verify', '-q', 'refs/heads/main'], { cwd: bare, encoding: 'utf8' }).status === 0;

describe('pre-push hook', () => {
  it('blocks git push when an object is missing from the cache, and the branch does not reach the bare repo', async () => {
    const { dir, store, bare } = await hookedRepo();
    rmSync(objectPath(dir, idOf(dir, 'b.txt.cairn')), { force: true });
    const r = gitPush(dir);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('cairn: push failed, blocking git push');
    expect(r.stderr).toContain('b.txt');
    expect(branchOnBare(bare)).toBe(false);
    // `cairn push` itself fails the same way (the hook relies on the same rule)
    expect(cairn(dir, ['push']).code).toBe(1);
    // the good object was still sent
    const a = idOf(dir, 'a.txt.cairn');
    expect(existsSync(join(store, 'xxh64x2', a.slice(0, 2), a.slice(2)))).toBe(true);
  });

  it('blocks git push when a cache object is corrupt (never uploaded)', async () => {
    const { dir, store, bare } = await hookedRepo();
    const obj = objectPath(dir, idOf(dir, 'a.txt.cairn'));
    chmodSync(obj, 0o644);
    writeFileSync(obj, 'tampered bytes of another size\n');
    const r = gitPush(dir);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('blocking git push');
    expect(r.stderr).toContain('a.txt');
    expect(branchOnBare(bare)).toBe(false);
    const id = idOf(dir, 'a.txt.cairn');
    expect(existsSync(join(store, 'xxh64x2', id.slice(0, 2), id.slice(2)))).toBe(false);
  });

  it('lets git push through once every object is on the remote', async () => {
    const { dir, store, bare } = await hookedRepo();
    const r = gitPush(dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/cairn: pushed data to remote 's' \(2 sent, 0 already there\)/);
    expect(branchOnBare(bare)).toBe(true);
    const id = idOf(dir, 'b.txt.cairn');
    expect(existsSync(join(store, 'xxh64x2', id.slice(0, 2), id.slice(2)))).toBe(true);
  });
});
