// Pointer files that name the repo itself, .git/ or .cairn/, or are otherwise unusable:
// refused with exit 2 naming the pointer file (and line), nothing in outside/, .git/,
// .cairn/cache or the remote touched. The victim runs what they would run: clone + pull,
// or checkout after a git pull.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, expectOk, expectRefused, expectUnchanged, hostileRepo, pointerText, readPointerFields, type HostileRepo } from './harness.js';

afterAll(cleanup);

/** Track and push one real file, return its pointer fields (so a hostile pointer names a real object). */
function seed(h: HostileRepo, name = 'seed.txt', content = '#!/bin/sh\necho pwned > /tmp/cairn-pwned\n'): { id: string; size: number } {
  h.write({ [name]: content });
  expectOk(h.cairn(['add', name]));
  expectOk(h.cairn(['push']));
  return readPointerFields(join(h.root, `${name}.cairn`));
}

/** A tracked folder, pushed; returns its pointer fields (a .dir id). */
function seedDir(h: HostileRepo): { id: string; size: number; nfiles?: number } {
  h.write({ 'hooks/pre-commit': '#!/bin/sh\necho pwned\n', 'hooks/post-checkout': '#!/bin/sh\necho pwned\n' });
  expectOk(h.cairn(['add', 'hooks']));
  expectOk(h.cairn(['push']));
  return readPointerFields(join(h.root, 'hooks.cairn'));
}

describe('pointers into .git/ and .cairn/ (clone + pull)', () => {
  it('refuses path .git/hooks/pre-commit: no hook is installed', () => {
    const a = hostileRepo();
    const f = seed(a);
    a.write({ 'evil.cairn': pointerText({ path: '.git/hooks/pre-commit', ...f }) });
    a.commit('evil');
    const v = a.victimClone();
    const before = v.snapshot();
    expectRefused(v.cairn(['pull']), { exit: 2, mentions: ['evil.cairn:2', '.git/hooks/pre-commit', '.git/'] });
    expectUnchanged(before, v.snapshot());
    expect(existsSync(join(v.root, '.git/hooks/pre-commit'))).toBe(false);
  });

  it('refuses a folder pointer with path .git/hooks', () => {
    const a = hostileRepo();
    const f = seedDir(a);
    a.write({ 'evil.cairn': pointerText({ path: '.git/hooks', ...f }) });
    a.commit('evil');
    const v = a.victimClone();
    const before = v.snapshot();
    expectRefused(v.cairn(['pull']), { exit: 2, mentions: ['evil.cairn', '.git/hooks'] });
    expectUnchanged(before, v.snapshot());
  });

  it('refuses .GIT/hooks and a pointer inside a subfolder naming .git further down', () => {
    const a = hostileRepo();
    const f = seed(a);
    a.write({ 'sub/x.cairn': pointerText({ path: 'vendor/.git/hooks/pre-commit', ...f }) });
    a.commit('evil');
    const v = a.victimClone();
    const before = v.snapshot();
    expectRefused(v.cairn(['pull']), { exit: 2, mentions: ['sub/x.cairn', 'vendor/.git/hooks/pre-commit'] });
    expectUnchanged(before, v.snapshot());
    a.write({ 'sub/x.cairn': pointerText({ path: '.GIT/hooks/pre-commit', ...f }) });
    expectRefused(a.cairn(['checkout']), { exit: 2, mentions: ['sub/x.cairn'] });
  });

  it('refuses a pointer into .cairn/cache (it would overwrite one object with another)', () => {
    const a = hostileRepo();
    const f = seed(a, 'seed.txt', 'seed\n');
    const g = seed(a, 'other.txt', 'other\n');
    const target = `.cairn/cache/xxh64x2/${g.id.slice(0, 2)}/${g.id.slice(2)}`;
    a.write({ 'evil.cairn': pointerText({ path: target, ...f }) });
    const before = a.snapshot();
    expectRefused(a.cairn(['checkout']), { exit: 2, mentions: ['evil.cairn', '.cairn/'] });
    expectUnchanged(before, a.snapshot());
    a.commit('evil');
    const v = a.victimClone();
    const vb = v.snapshot();
    expectRefused(v.cairn(['pull']), { exit: 2, mentions: ['evil.cairn'] });
    expectUnchanged(vb, v.snapshot());
  });

  it('refuses the repo root, absolute paths and .. in a pointer', () => {
    const a = hostileRepo();
    const f = seed(a, 'seed.txt', 'seed\n');
    for (const p of ['.', '..', '../outside/precious.txt', a.outside + '/precious.txt', 'a/../../x', '']) {
      a.write({ 'evil.cairn': pointerText({ path: p, ...f }) });
      const before = a.snapshot();
      expectRefused(a.cairn(['checkout']), { exit: 2, mentions: ['evil.cairn'] });
      expectRefused(a.cairn(['status']), { exit: 2, mentions: ['evil.cairn'] });
      expectUnchanged(before, a.snapshot());
    }
  });
});

describe('other unusable pointers', () => {
  it('refuses a pointer listing the same path twice (or overlapping paths), naming the line', () => {
    const a = hostileRepo();
    const f = seed(a, 'seed.txt', 'seed\n');
    const one = pointerText({ path: 'x', ...f });
    a.write({ 'evil.cairn': one + one.replace('outs:\n', '') });
    expectRefused(a.cairn(['checkout']), { exit: 2, mentions: ['evil.cairn:6', 'listed twice'] });
    a.write({ 'evil.cairn': one + pointerText({ path: 'x/y', ...f }).replace('outs:\n', '') });
    expectRefused(a.cairn(['status']), { exit: 2, mentions: ['evil.cairn:6', 'overlaps'] });
  });

  it('a pointer path crossing a file (ENOTDIR) is a clear error naming the path', () => {
    const a = hostileRepo();
    const f = seed(a, 'seed.txt', 'seed\n');
    a.write({ 'plain.txt': 'a file\n', 'evil.cairn': pointerText({ path: 'plain.txt/inner', ...f }) });
    const before = a.snapshot();
    expectRefused(a.cairn(['checkout']), { exit: 2, mentions: ['evil.cairn', 'plain.txt/inner', 'is a file'] });
    expectUnchanged(before, a.snapshot());
    expect(readFileSync(join(a.root, 'plain.txt'), 'utf8')).toBe('a file\n');
  });

  it('a name too long for the filesystem (ENAMETOOLONG) is a clear error naming the pointer', () => {
    const a = hostileRepo();
    const f = seed(a, 'seed.txt', 'seed\n');
    a.write({ 'evil.cairn': pointerText({ path: 'x'.repeat(300), ...f }) });
    expectRefused(a.cairn(['checkout']), { exit: 2, mentions: ['evil.cairn', 'longer than 255 bytes'] });
    a.write({ 'evil.cairn': pointerText({ path: Array(30).fill('d'.repeat(200)).join('/'), ...f }) });
    expectRefused(a.cairn(['checkout']), { exit: 2, mentions: ['evil.cairn', 'longer than'] });
  });

  it('a pointer whose size disagrees with the object is refused', () => {
    const a = hostileRepo();
    const f = seed(a, 'seed.txt', 'seed\n');
    a.write({ 'evil.cairn': pointerText({ path: 'copy.txt', id: f.id, size: f.size + 7 }) });
    const before = a.snapshot();
    expectRefused(a.cairn(['checkout', 'copy.txt']), { exit: 2, mentions: ['copy.txt', `records ${f.size + 7} bytes`] });
    expectUnchanged(before, a.snapshot());
    expect(existsSync(join(a.root, 'copy.txt'))).toBe(false);
  });
});

describe('hostile directory manifests (as a remote could serve them)', () => {
  /** Put a hand-made manifest into the repo's cache (as fetch would after rehashing it) and point a pointer at it. */
  async function plantManifest(h: HostileRepo, entries: { relpath: string; hash: string; size: number; isexec: boolean }[]): Promise<string> {
    const { Repo } = await import('../../src/repo/repo.js');
    const repo = await Repo.at(h.root);
    const bytes = Buffer.from(JSON.stringify(entries));
    return repo.cache.put(bytes, { dir: true });
  }

  it('a manifest entry under a nested .git/ is refused before anything is written', async () => {
    const a = hostileRepo();
    const f = seed(a, 'seed.txt', '#!/bin/sh\necho pwned\n');
    const id = await plantManifest(a, [
      { relpath: 'ok.txt', hash: f.id, size: f.size, isexec: false },
      { relpath: 'vendor/.git/hooks/pre-commit', hash: f.id, size: f.size, isexec: true },
    ]);
    a.write({ 'data.cairn': pointerText({ path: 'data', id, size: 2 * f.size, nfiles: 2 }) });
    const before = a.snapshot();
    expectRefused(a.cairn(['checkout']), { exit: 2, mentions: ['data/vendor/.git/hooks/pre-commit', '.git/'] });
    expectUnchanged(before, a.snapshot());
    expect(existsSync(join(a.root, 'data'))).toBe(false);
  });

  it('a manifest entry whose size disagrees with its object is refused (exit 5), nothing written', async () => {
    const a = hostileRepo();
    const f = seed(a, 'seed.txt', 'seed\n');
    const id = await plantManifest(a, [{ relpath: 'x.txt', hash: f.id, size: f.size + 100, isexec: false }]);
    a.write({ 'data.cairn': pointerText({ path: 'data', id, size: f.size + 100, nfiles: 1 }) });
    const before = a.snapshot();
    expectRefused(a.cairn(['checkout']), { exit: 5, mentions: ['data/x.txt', `records ${f.size + 100} bytes`] });
    expectUnchanged(before, a.snapshot());
    expect(existsSync(join(a.root, 'data'))).toBe(false);
  });
});
