// gc deletes only what it can prove unused (issue 8.4): it refuses, exit 1 and the reason,
// when it cannot read every reference in its scope, and every scope keeps the workspace.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, expectOk, expectRefused, expectUnchanged, hostileRepo, readPointerFields } from './harness.js';
import { cairn as cli, git, tempDir } from '../helpers.js';

afterEach(cleanup);

function objectFile(root: string, id: string): string {
  return join(root, '.cairn', 'cache', 'xxh64x2', id.slice(0, 2), id.slice(2));
}

describe('gc refuses when a reference cannot be read', () => {
  it('a cairn.lock with merge-conflict markers at an older commit: gc --all-commits exits 1 naming it, deletes nothing', () => {
    const h = hostileRepo();
    h.write({ 'cairn.yaml': 'stages:\n  make:\n    cmd: echo one > out.txt\n    outs: [out.txt]\n' });
    expectOk(h.cairn(['repro']));
    h.commit('first run');
    const lock = readFileSync(join(h.root, 'cairn.lock'), 'utf8');
    // a merge that went wrong and was committed as is
    writeFileSync(join(h.root, 'cairn.lock'), `<<<<<<< HEAD\n${lock}=======\n${lock.replace(/size: \d+/, 'size: 9')}>>>>>>> other\n`);
    h.commit('bad merge');
    const bad = h.git('rev-parse', '--short=7', 'HEAD').trim();
    writeFileSync(join(h.root, 'cairn.lock'), lock);
    h.commit('fixed');
    // an object only the broken revision could name: gc must not be able to drop it
    h.write({ 'cairn.yaml': 'stages:\n  make:\n    cmd: echo two > out.txt\n    outs: [out.txt]\n' });
    expectOk(h.cairn(['repro']));
    h.commit('second run');

    const before = h.snapshot();
    const r = h.cairn(['gc', '--all-commits']);
    expectRefused(r, { exit: 1, mentions: ['cairn.lock', bad, 'refusing to delete anything'] });
    expectUnchanged(before, h.snapshot());
    // --dry refuses the same way (it would print a list that is not true)
    expectRefused(h.cairn(['gc', '--all-commits', '--dry']), { exit: 1, mentions: ['cairn.lock'] });
  });

  it('a tracked folder whose .dir manifest is missing from the cache: gc -w exits 1 naming the folder and manifest, keeps its files', () => {
    const h = hostileRepo();
    h.write({ 'data/a.txt': 'alpha\n', 'data/b.txt': 'beta\n', 'data/sub/c.txt': 'gamma\n' });
    expectOk(h.cairn(['add', 'data']));
    const { id } = readPointerFields(join(h.root, 'data.cairn'));
    rmSync(objectFile(h.root, id), { force: true });
    const before = h.snapshot();
    const r = h.cairn(['gc', '-w']);
    expectRefused(r, { exit: 1, mentions: ['data', id, 'not in the cache'] });
    expectUnchanged(before, h.snapshot());
    // the three file objects are all still there
    const objects = readdirSync(join(h.root, '.cairn', 'cache', 'xxh64x2')).flatMap((p) => readdirSync(join(h.root, '.cairn', 'cache', 'xxh64x2', p)));
    expect(objects.length).toBe(3);
  });

  it('a pointer file that does not parse: gc -w exits 1 naming it', () => {
    const h = hostileRepo();
    h.write({ 'a.txt': 'a\n' });
    expectOk(h.cairn(['add', 'a.txt']));
    h.write({ 'b.txt.cairn': 'outs: [ { path: b.txt, hash: xxh64x2, id: nothex } ]\n' });
    const before = h.snapshot();
    expectRefused(h.cairn(['gc', '-w']), { exit: 1, mentions: ['b.txt.cairn'] });
    expectUnchanged(before, h.snapshot());
  });

  it('a linked git worktree sharing the cache: gc -A exits 1 (history unreadable there), deletes nothing', () => {
    const h = hostileRepo();
    h.write({ 'old.txt': 'old data\n' });
    expectOk(h.cairn(['add', 'old.txt']));
    h.commit('old');
    rmSync(join(h.root, 'old.txt.cairn'));
    rmSync(join(h.root, 'old.txt'));
    h.write({ 'new.txt': 'new data\n' });
    expectOk(h.cairn(['add', 'new.txt']));
    h.commit('new');
    const wt = join(tempDir('cairn-wt-'), 'wt');
    git(h.root, 'worktree', 'add', '-q', wt);
    // the worktree shares the main checkout's cache (a common setup for big data)
    writeFileSync(join(wt, '.cairn', 'config.local.yaml'), `cache:\n  dir: ${join(h.root, '.cairn', 'cache')}\n`);
    const before = h.snapshot();
    const r = h.cairn(['gc', '-A']);
    expectOk(r); // in the main worktree, history reads fine
    expectUnchanged(before, h.snapshot());
    for (const scope of [['-A'], ['-a'], ['-T'], ['--rev', 'HEAD']]) {
      expectRefused(cli(wt, ['gc', ...scope], { CAIRN_LOCK_TIMEOUT: '5' }), { exit: 1, mentions: ['worktree', 'refusing to delete anything'] });
    }
    expectUnchanged(before, h.snapshot());
  });
});

describe('gc usage', () => {
  it('an unknown --rev is the user\'s mistake: exit 2 naming it, nothing deleted', () => {
    const h = hostileRepo();
    h.write({ 'a.txt': 'a\n' });
    expectOk(h.cairn(['add', 'a.txt']));
    const before = h.snapshot();
    expectRefused(h.cairn(['gc', '--rev', 'no-such-branch']), { exit: 2, mentions: ['no-such-branch'] });
    expectUnchanged(before, h.snapshot());
  });
});

describe('every gc scope keeps the workspace', () => {
  for (const scope of [['-a'], ['-T'], ['-A'], ['--rev', 'HEAD']]) {
    it(`gc ${scope.join(' ')} keeps a just-added, uncommitted file`, () => {
      const h = hostileRepo();
      h.git('tag', 'v1');
      h.write({ 'fresh.csv': 'x,y\n1,2\n' });
      expectOk(h.cairn(['add', 'fresh.csv']));
      const { id } = readPointerFields(join(h.root, 'fresh.csv.cairn'));
      const r = expectOk(h.cairn(['gc', ...scope]));
      expect(r.stdout).toContain('Removed 0 objects');
      expect(existsSync(objectFile(h.root, id))).toBe(true);
    });
  }

  it('with cache.type symlink, gc -A keeps the only copy of a just-added file', () => {
    const h = hostileRepo();
    expectOk(h.cairn(['config', 'cache.type', 'symlink']));
    h.commit('symlink mode');
    h.write({ 'big.bin': 'the only copy\n' });
    expectOk(h.cairn(['add', 'big.bin']));
    const { id } = readPointerFields(join(h.root, 'big.bin.cairn'));
    expectOk(h.cairn(['gc', '-A']));
    expect(existsSync(objectFile(h.root, id))).toBe(true);
    expect(readFileSync(join(h.root, 'big.bin'), 'utf8')).toBe('the only copy\n');
  });

  it('still deletes what nothing in scope names', () => {
    const h = hostileRepo();
    h.write({ 'gone.txt': 'gone\n', 'kept.txt': 'kept\n' });
    expectOk(h.cairn(['add', 'gone.txt', 'kept.txt']));
    const gone = readPointerFields(join(h.root, 'gone.txt.cairn')).id;
    const kept = readPointerFields(join(h.root, 'kept.txt.cairn')).id;
    rmSync(join(h.root, 'gone.txt.cairn'));
    expectOk(h.cairn(['gc', '-A']));
    expect(existsSync(objectFile(h.root, gone))).toBe(false);
    expect(existsSync(objectFile(h.root, kept))).toBe(true);
  });
});
