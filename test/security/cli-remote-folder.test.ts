// #8.9: a folder remote whose path does not exist is never created by push or fetch (a NAS
// that is not mounted must not get its data written to the local disk): CAIRN_REMOTE_MISSING,
// unless the remote was added with --create. A read-only remote gives one clear error.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, cleanup, tempDir, tempRepo } from '../helpers.js';
import { snapshotRepo } from './cli-helpers.js';

afterEach(cleanup);

async function repoWithData() {
  const dir = await tempRepo({ 'd/a.txt': 'a', 'd/b.txt': 'b', 'd/c.txt': 'c', 'f.txt': 'f' });
  expect(cairn(dir, ['add', 'd', 'f.txt']).code).toBe(0);
  return dir;
}

/** Make a folder immutable (no entry can be created in it, even by root); undefined when the filesystem can't. */
function immutable(dir: string): (() => void) | undefined {
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'ignore' });
    return () => execFileSync('chattr', ['-i', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
}

describe('folder remotes', () => {
  it('push and fetch to a folder that does not exist refuse with CAIRN_REMOTE_MISSING and create nothing', async () => {
    const dir = await repoWithData();
    const parent = tempDir('cairn-nas-');
    const nas = join(parent, 'mnt', 'nas');
    const add = cairn(dir, ['remote', 'add', '-d', 'nas', nas]);
    expect(add.code).toBe(0);
    expect(add.stderr).toContain('does not exist');
    const before = snapshotRepo(dir);
    for (const args of [['push'], ['push', '--json'], ['fetch'], ['pull']]) {
      const r = cairn(dir, args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout + r.stderr, args.join(' ')).toContain(`remote folder ${nas} does not exist`);
      expect(existsSync(join(parent, 'mnt')), args.join(' ')).toBe(false);
    }
    expect(JSON.parse(cairn(dir, ['push', '--json']).stdout).error.code).toBe('CAIRN_REMOTE_MISSING');
    expect(snapshotRepo(dir)).toEqual(before);
  });

  it('`remote add --create` makes the folder once; push then works', async () => {
    const dir = await repoWithData();
    const nas = join(tempDir('cairn-nas-'), 'new', 'store');
    const add = cairn(dir, ['remote', 'add', '--create', '-d', 'nas', nas, '--json']);
    expect(add.code).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ name: 'nas', exists: true, created: true });
    expect(cairn(dir, ['push']).code).toBe(0);
    expect(readdirSync(nas)).toContain('xxh64x2');
    expect(cairn(dir, ['remote', 'add', '--create', 'cloud', 's3://bucket/p']).code).toBe(2);
  });

  it('a read-only remote folder gives one clear error, not one per object', async (ctx) => {
    const dir = await repoWithData();
    const store = tempDir('cairn-ro-');
    mkdirSync(join(store, 'xxh64x2'));
    const undo = immutable(join(store, 'xxh64x2'));
    if (!undo) return ctx.skip('chattr +i is not supported on this filesystem');
    try {
      cairn(dir, ['remote', 'add', '-d', 'ro', store]);
      const r = cairn(dir, ['push']);
      expect(r.code).toBe(1);
      const errors = r.stderr.split('\n').filter((l) => /error|failed|cannot/i.test(l));
      expect(errors).toEqual([`error: remote folder ${store} is not writable (EPERM)`]);
      expect(r.stderr).not.toContain('ENOENT');
      expect(readdirSync(join(store, 'xxh64x2'))).toEqual([]);
    } finally {
      undo();
    }
  });
});
