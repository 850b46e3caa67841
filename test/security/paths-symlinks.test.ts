// Symlinks on the way: no write, delete or rename follows a symlink out of the repo or into
// .git/ or .cairn/, for any parent folder of the target. Tracking a symlinked folder is
// refused (as DVC); a symlink to a file inside a tracked folder is recorded by its content
// (as DVC) and checkout writes a regular file in its place, never through it.
import { lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, expectOk, expectRefused, expectUnchanged, hostileRepo, pointerText, readPointerFields, type HostileRepo } from './harness.js';

afterAll(cleanup);

function seedFile(h: HostileRepo, name: string, content: string): { id: string; size: number } {
  h.write({ [name]: content });
  expectOk(h.cairn(['add', name]));
  expectOk(h.cairn(['push']));
  return readPointerFields(join(h.root, `${name}.cairn`));
}

describe('symlinked parents (clone + pull, checkout)', () => {
  it('a committed symlink cfg -> outside plus a pointer cfg/authorized_keys writes nothing outside on pull', () => {
    const a = hostileRepo();
    const f = seedFile(a, 'key.txt', 'ssh-ed25519 AAAA attacker@evil\n');
    a.link('cfg', join(a.outside, 'ssh'));
    a.write({ 'cfg.keys.cairn': pointerText({ path: 'cfg/authorized_keys', ...f }) });
    a.commit('evil');
    const v = a.victimClone();
    expect(lstatSync(join(v.root, 'cfg')).isSymbolicLink()).toBe(true);
    const before = v.snapshot();
    expectRefused(v.cairn(['pull']), { exit: 2, mentions: ['cfg.keys.cairn', 'cfg/authorized_keys', 'outside the repository'] });
    expectUnchanged(before, v.snapshot());
    expect(readFileSync(join(a.outside, 'ssh/authorized_keys'), 'utf8')).toBe('ssh-ed25519 AAAA victim@host\n');
    // a target typed by hand is refused the same way
    expectRefused(v.cairn(['checkout', 'cfg/authorized_keys']), { exit: 2, mentions: ['outside the repository'] });
    expectUnchanged(before, v.snapshot());
  });

  it('a symlinked parent into .git/ is refused', () => {
    const a = hostileRepo();
    const f = seedFile(a, 'hook.sh', '#!/bin/sh\necho pwned\n');
    a.link('h', '.git/hooks');
    a.write({ 'h.cairn': pointerText({ path: 'h/pre-commit', ...f }) });
    a.commit('evil');
    const v = a.victimClone();
    const before = v.snapshot();
    expectRefused(v.cairn(['pull']), { exit: 2, mentions: ['h.cairn', "'h'", '.git'] });
    expectUnchanged(before, v.snapshot());
  });

  it('a chain of symlinks that ends outside is refused; one that stays inside is followed', () => {
    const a = hostileRepo();
    const f = seedFile(a, 'seed.txt', 'seed\n');
    a.link('l1', 'l2');
    a.link('l2', a.outside);
    a.write({ 'x.cairn': pointerText({ path: 'l1/precious.txt', ...f }) });
    const before = a.snapshot();
    expectRefused(a.cairn(['checkout', '--force']), { exit: 2, mentions: ['x.cairn', 'outside the repository'] });
    expectUnchanged(before, a.snapshot());
    rmSync(join(a.root, 'x.cairn'));
    // inside the repo: data -> store/v2 is an ordinary folder as far as containment goes
    mkdirSync(join(a.root, 'store/v2'), { recursive: true });
    a.link('data', 'store/v2');
    a.write({ 'y.cairn': pointerText({ path: 'data/seed-copy.txt', ...f }) });
    expectOk(a.cairn(['checkout']));
    expect(readFileSync(join(a.root, 'store/v2/seed-copy.txt'), 'utf8')).toBe('seed\n');
  });

  it('a tracked folder replaced by a symlink: checkout and checkout --force touch nothing where it points', () => {
    const a = hostileRepo();
    a.write({ 'data/a.txt': 'a\n', 'data/b.txt': 'b\n' });
    expectOk(a.cairn(['add', 'data']));
    rmSync(join(a.root, 'data'), { recursive: true });
    a.link('data', join(a.outside, 'dir'));
    const before = a.snapshot();
    for (const args of [['checkout'], ['checkout', '--force'], ['checkout', '--relink', '--force'], ['commit'], ['status']]) {
      const r = a.cairn(args);
      if (args[0] === 'status') expect(r.stdout + r.stderr).not.toContain('outside a');
      else expectRefused(r, { exit: 2, mentions: ['data.cairn', "'data'", 'symlink to a folder'] });
      expectUnchanged(before, a.snapshot());
    }
    expect(readFileSync(join(a.outside, 'dir/a.txt'), 'utf8')).toBe('outside a\n');
    // the way out the hint names: remove the link, check out again
    rmSync(join(a.root, 'data'));
    expectOk(a.cairn(['checkout']));
    expect(readFileSync(join(a.root, 'data/a.txt'), 'utf8')).toBe('a\n');
  });

  it('add link/x (link -> outside) writes no pointer and no .gitignore outside', () => {
    const a = hostileRepo();
    a.link('link', join(a.outside, 'dir'));
    const before = a.snapshot();
    expectRefused(a.cairn(['add', 'link/a.txt']), { exit: 2, mentions: ['link/a.txt', 'outside the repository'] });
    expectRefused(a.cairn(['add', 'link/sub']), { exit: 2, mentions: ['link/sub'] });
    expectUnchanged(before, a.snapshot());
  });

  it('tracking a symlinked folder is refused (as DVC)', () => {
    const a = hostileRepo();
    mkdirSync(join(a.root, 'real'));
    writeFileSync(join(a.root, 'real/x.txt'), 'x\n');
    a.link('alias', 'real');
    a.link('out', join(a.outside, 'dir'));
    const before = a.snapshot();
    expectRefused(a.cairn(['add', 'alias']), { exit: 2, mentions: ["'alias'", 'symlink to a folder'] });
    expectRefused(a.cairn(['add', 'out']), { exit: 2, mentions: ["'out'", 'symlink to a folder'] });
    expectUnchanged(before, a.snapshot());
  });

  it('repro with outs: [link/x] deletes nothing outside before the stage runs', () => {
    const a = hostileRepo();
    a.link('link', a.outside);
    a.write({ 'cairn.yaml': 'stages:\n  s:\n    cmd: echo hi > marker.txt\n    outs:\n      - link/precious.txt\n' });
    const before = a.snapshot();
    expectRefused(a.cairn(['repro']), { exit: 2, mentions: ['cairn.yaml', 'link/precious.txt', 'outside the repository'] });
    expectUnchanged(before, a.snapshot());
    expect(readFileSync(join(a.outside, 'precious.txt'), 'utf8')).toBe('do not touch\n');
    expect(() => lstatSync(join(a.root, 'marker.txt'))).toThrow(); // the stage did not run
  });

  it('repro with an out that is a symlink to an outside folder removes nothing there', () => {
    const a = hostileRepo();
    a.link('model', join(a.outside, 'dir'));
    a.write({ 'cairn.yaml': 'stages:\n  s:\n    cmd: echo hi\n    outs:\n      - model\n' });
    const before = a.snapshot();
    expectRefused(a.cairn(['repro']), { exit: 2, mentions: ['cairn.yaml', "'model'", 'symlink to a folder'] });
    expectUnchanged(before, a.snapshot());
  });

  it('a lock out under a symlinked parent is refused by checkout, naming cairn.lock', () => {
    const a = hostileRepo();
    const f = seedFile(a, 'seed.txt', 'seed\n');
    a.link('link', a.outside);
    a.write({ 'cairn.lock': `schema: '1'\nstages:\n  s:\n    cmd: x\n    outs:\n      - path: link/precious.txt\n        hash: xxh64x2\n        id: ${f.id}\n        size: ${f.size}\n` });
    const before = a.snapshot();
    expectRefused(a.cairn(['checkout', '--force']), { exit: 2, mentions: ['cairn.lock', 'link/precious.txt'] });
    expectUnchanged(before, a.snapshot());
  });
});

describe('symlinks inside a tracked folder', () => {
  it('a symlink to a file is recorded by content; checkout writes a regular file in its place, never through it', () => {
    const a = hostileRepo();
    a.write({ 'data/a.txt': 'a\n' });
    symlinkSync(join(a.outside, 'precious.txt'), join(a.root, 'data/linked.txt'));
    const r = expectOk(a.cairn(['add', 'data']));
    expect(r.stdout).toContain('data');
    // the manifest recorded the content behind the link
    rmSync(join(a.root, 'data'), { recursive: true });
    expectOk(a.cairn(['checkout']));
    expect(lstatSync(join(a.root, 'data/linked.txt')).isFile()).toBe(true);
    expect(readFileSync(join(a.root, 'data/linked.txt'), 'utf8')).toBe('do not touch\n');
    // a link put back where a tracked file belongs is replaced, its target untouched
    rmSync(join(a.root, 'data/a.txt'));
    symlinkSync(join(a.outside, 'dir/a.txt'), join(a.root, 'data/a.txt'));
    const before = a.snapshot();
    expectOk(a.cairn(['checkout', '--force']));
    expectUnchanged(before, a.snapshot());
    expect(lstatSync(join(a.root, 'data/a.txt')).isFile()).toBe(true);
    expect(readFileSync(join(a.root, 'data/a.txt'), 'utf8')).toBe('a\n');
  });

  it('a symlinked sub-folder inside a tracked folder is not followed; checkout does not write through it', () => {
    const a = hostileRepo();
    a.write({ 'data/sub/x.txt': 'x\n', 'data/y.txt': 'y\n' });
    expectOk(a.cairn(['add', 'data']));
    rmSync(join(a.root, 'data/sub'), { recursive: true });
    symlinkSync(join(a.outside, 'dir'), join(a.root, 'data/sub'));
    const before = a.snapshot();
    expectOk(a.cairn(['checkout', '--force']));
    expectUnchanged(before, a.snapshot());
    expect(lstatSync(join(a.root, 'data/sub')).isDirectory()).toBe(true);
    expect(readFileSync(join(a.root, 'data/sub/x.txt'), 'utf8')).toBe('x\n');
  });

  it('a symlink loop inside a tracked folder is a clear error naming it (ELOOP), not a crash', () => {
    const a = hostileRepo();
    a.write({ 'data/a.txt': 'a\n' });
    symlinkSync('loop', join(a.root, 'data/loop'));
    const before = a.snapshot();
    expectRefused(a.cairn(['add', 'data']), { exit: 2, mentions: ['data/loop', 'symlink loop'] });
    expectUnchanged(before, a.snapshot());
  });
});
