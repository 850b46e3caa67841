import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { add } from '../../src/api/add.js';
import { checkout } from '../../src/api/checkout.js';
import { commit } from '../../src/api/commit.js';
import { config } from '../../src/api/config.js';
import { fsck } from '../../src/api/fsck.js';
import { gc } from '../../src/api/gc.js';
import { remove } from '../../src/api/remove.js';
import { status } from '../../src/api/status.js';
import { unprotect } from '../../src/api/unprotect.js';
import { hashBytes } from '../../src/core/hash.js';
import { age, cacheFiles, objectPath, read, rejects } from '../core-helpers.js';
import { cleanup, gen, git, tempDir, tempRepo } from '../helpers.js';

afterEach(cleanup);

describe('add → status → modify → checkout → commit', () => {
  it('round-trips a file and a directory', async () => {
    const repo = await tempRepo({ 'data/a.csv': 'a,b\n1,2\n', 'data/sub/b.txt': 'bee', 'model.bin': 'weights-v1' });
    const r = await add({ cwd: repo, targets: ['data', 'model.bin'] });
    expect(r.targets.map((t) => [t.path, t.kind, t.nfiles])).toEqual([
      ['data', 'dir', 2],
      ['model.bin', 'file', undefined],
    ]);
    expect(r.gitFiles).toEqual(['.gitignore', 'data.cairn', 'model.bin.cairn']);
    expect(read(join(repo, '.gitignore'))).toBe('/data\n/model.bin\n');
    expect(read(join(repo, 'model.bin.cairn'))).toContain(`id: ${await hashBytes('xxh64x2', 'weights-v1')}`);

    let s = await status({ cwd: repo });
    expect(s.clean).toBe(true);
    expect(s.targets.map((t) => t.state)).toEqual(['up-to-date', 'up-to-date']);

    writeFileSync(join(repo, 'data/a.csv'), 'a,b\n1,3\n');
    writeFileSync(join(repo, 'data/new.txt'), 'new');
    rmSync(join(repo, 'data/sub/b.txt'));
    writeFileSync(join(repo, 'model.bin'), 'weights-v2');
    s = await status({ cwd: repo });
    expect(s.clean).toBe(false);
    expect(s.targets[0]).toMatchObject({ path: 'data', state: 'modified', changes: { added: ['new.txt'], modified: ['a.csv'], deleted: ['sub/b.txt'] } });
    expect(s.targets[1]).toMatchObject({ path: 'model.bin', state: 'modified' });

    // edits not in the cache: refused, listing the files, nothing touched
    const e = await rejects(checkout({ cwd: repo }));
    expect(e.code).toBe('CAIRN_CHECKOUT_CONFLICT');
    expect(e.exitCode).toBe(1);
    expect(e.data.files).toEqual(['data/a.csv', 'model.bin']);
    expect(read(join(repo, 'model.bin'))).toBe('weights-v2');
    expect(existsSync(join(repo, 'data/sub/b.txt'))).toBe(false);

    // --force restores; new.txt (not in cache) goes too
    const c = await checkout({ cwd: repo, force: true });
    expect(c.targets.map((t) => t.status)).toEqual(['updated', 'updated']);
    expect(read(join(repo, 'data/a.csv'))).toBe('a,b\n1,2\n');
    expect(read(join(repo, 'data/sub/b.txt'))).toBe('bee');
    expect(existsSync(join(repo, 'data/new.txt'))).toBe(false);
    expect(read(join(repo, 'model.bin'))).toBe('weights-v1');
    expect((await status({ cwd: repo })).clean).toBe(true);

    // commit records a modification into cache and pointer
    writeFileSync(join(repo, 'model.bin'), 'weights-v3');
    const cm = await commit({ cwd: repo });
    expect(cm.targets.map((t) => [t.path, t.status])).toEqual([
      ['data', 'unchanged'],
      ['model.bin', 'committed'],
    ]);
    expect(cm.gitFiles).toEqual(['model.bin.cairn']);
    const v3 = await hashBytes('xxh64x2', 'weights-v3');
    expect(read(join(repo, 'model.bin.cairn'))).toContain(`id: ${v3}`);
    expect(existsSync(objectPath(repo, v3))).toBe(true);
    expect((await status({ cwd: repo })).clean).toBe(true);
  });

  it('checkout restores deleted data and removes files dropped from the manifest only when cached', async () => {
    const repo = await tempRepo({ 'd/keep.txt': 'k', 'd/x.txt': 'x' });
    await add({ cwd: repo, targets: ['d'] });
    rmSync(join(repo, 'd'), { recursive: true });
    expect((await status({ cwd: repo })).targets[0]!.state).toBe('deleted');
    await checkout({ cwd: repo });
    expect(read(join(repo, 'd/x.txt'))).toBe('x');
    // a cached extra file is removed, an uncached one is kept
    writeFileSync(join(repo, 'd/copy.txt'), 'x'); // same content as x.txt: in the cache
    writeFileSync(join(repo, 'd/mine.txt'), 'only here');
    const c = await checkout({ cwd: repo });
    expect(existsSync(join(repo, 'd/copy.txt'))).toBe(false);
    expect(read(join(repo, 'd/mine.txt'))).toBe('only here');
    expect(c.targets[0]!.kept).toEqual(['mine.txt']);
  });

  it('checkout keeps a single file exec bit and --relink rewrites matching files', async () => {
    const repo = await tempRepo({ 'run.sh': { content: '#!/bin/sh\necho 1\n', mode: 0o755 } });
    await add({ cwd: repo, targets: ['run.sh'] });
    writeFileSync(join(repo, 'run.sh'), '#!/bin/sh\necho 2\n');
    await checkout({ cwd: repo, force: true });
    expect(read(join(repo, 'run.sh'))).toBe('#!/bin/sh\necho 1\n');
    expect(statSync(join(repo, 'run.sh')).mode & 0o111).not.toBe(0);
    const ino = statSync(join(repo, 'run.sh')).ino;
    expect((await checkout({ cwd: repo })).targets[0]!.status).toBe('unchanged');
    const r = await checkout({ cwd: repo, relink: true });
    expect(r.targets[0]!.status).toBe('updated');
    expect(statSync(join(repo, 'run.sh')).ino).not.toBe(ino);
  });

  it('checkout refuses to replace a folder holding uncached files with a tracked file of that name', async () => {
    const repo = await tempRepo({ 'd/a.txt': 'a' });
    await add({ cwd: repo, targets: ['d'] });
    rmSync(join(repo, 'd/a.txt'));
    gen(repo, { 'd/a.txt/precious.txt': 'only copy' });
    const e = await rejects(checkout({ cwd: repo }));
    expect(e.code).toBe('CAIRN_CHECKOUT_CONFLICT');
    expect(e.data.files).toContain('d/a.txt/precious.txt');
    expect(read(join(repo, 'd/a.txt/precious.txt'))).toBe('only copy');
    await checkout({ cwd: repo, force: true });
    expect(read(join(repo, 'd/a.txt'))).toBe('a');
  });

  it('checkout of a target that is not tracked names the pointer it looked for', async () => {
    const repo = await tempRepo({ 'a.txt': 'a' });
    const e = await rejects(checkout({ cwd: repo, targets: ['a.txt'] }));
    expect(e.code).toBe('CAIRN_BAD_TARGET');
    expect(e.message).toContain('a.txt.cairn');
    expect(e.exitCode).toBe(2);
  });
});

describe('targets', () => {
  it('status, checkout and commit act only on the named targets (paths relative to cwd, or the .cairn file)', async () => {
    const repo = await tempRepo({ 'sub/a.txt': 'a', 'b.txt': 'b' });
    await add({ cwd: repo, targets: ['sub/a.txt', 'b.txt'] });
    writeFileSync(join(repo, 'sub/a.txt'), 'A');
    rmSync(join(repo, 'b.txt'));
    const s = await status({ cwd: join(repo, 'sub'), targets: ['a.txt'] });
    expect(s.targets.map((t) => [t.path, t.state])).toEqual([['sub/a.txt', 'modified']]);
    const all = await status({ cwd: repo });
    expect(all.targets.map((t) => t.state)).toEqual(['deleted', 'modified']);
    await checkout({ cwd: repo, targets: ['b.txt.cairn'] });
    expect(read(join(repo, 'b.txt'))).toBe('b');
    expect(read(join(repo, 'sub/a.txt'))).toBe('A');
    rmSync(join(repo, 'b.txt'));
    const c = await commit({ cwd: repo });
    expect(c.targets.map((t) => [t.path, t.status])).toEqual([
      ['b.txt', 'deleted'],
      ['sub/a.txt', 'committed'],
    ]);
    expect(c.gitFiles).toEqual(['sub/a.txt.cairn']);
    const e = await rejects(status({ cwd: repo, targets: ['nope'] }));
    expect(e.code).toBe('CAIRN_BAD_TARGET');
    expect(e.hint).toContain('cairn add nope');
  });

  it('add --git-add stages the pointer and .gitignore', async () => {
    const repo = await tempRepo({ 'd/x.csv': '1' });
    const r = await add({ cwd: repo, targets: ['d/x.csv'], gitAdd: true });
    expect(r.staged).toBe(true);
    expect(git(repo, 'diff', '--cached', '--name-only').trim().split('\n').sort()).toEqual(['d/.gitignore', 'd/x.csv.cairn']);
    expect(read(join(repo, 'd/.gitignore'))).toBe('/x.csv\n');
  });

  it('config --list shows the merged keys', async () => {
    const repo = await tempRepo({});
    await config({ cwd: repo, key: 'cache.type', value: 'hardlink,copy', local: true });
    const r = await config({ cwd: repo, list: true });
    expect(r.values).toEqual({ 'core.hash': 'xxh64x2', 'cache.type': ['hardlink', 'copy'] });
  });
});

describe('directory contents', () => {
  it('records nested files and exec bits, skips empty dirs, follows file symlinks, skips dir symlinks', async () => {
    const repo = await tempRepo({ 'd/a/b/c.txt': 'deep', 'd/run.sh': { content: '#!/bin/sh\n', mode: 0o755 }, 'outside.txt': 'linked' });
    mkdirSync(join(repo, 'd/empty/also-empty'), { recursive: true });
    symlinkSync(join(repo, 'outside.txt'), join(repo, 'd/link.txt'));
    symlinkSync(join(repo, 'd/a'), join(repo, 'd/dirlink'));
    symlinkSync(join(repo, 'nowhere'), join(repo, 'd/dangling'));
    const r = await add({ cwd: repo, targets: ['d'] });
    const t = r.targets[0]!;
    expect(t.nfiles).toBe(3);
    expect(t.skipped.sort()).toEqual(['dangling', 'dirlink']);
    const manifest = JSON.parse(readFileSync(objectPath(repo, t.id), 'utf8')) as { relpath: string; isexec: boolean }[];
    expect(manifest.map((e) => [e.relpath, e.isexec])).toEqual([
      ['a/b/c.txt', false],
      ['link.txt', false],
      ['run.sh', true],
    ]);
    // checkout into a fresh tree recreates the exec bit and stores the link as a regular file
    rmSync(join(repo, 'd'), { recursive: true });
    await checkout({ cwd: repo });
    expect(statSync(join(repo, 'd/run.sh')).mode & 0o111).not.toBe(0);
    expect(lstatSync(join(repo, 'd/link.txt')).isFile()).toBe(true);
    expect(read(join(repo, 'd/link.txt'))).toBe('linked');
    expect(existsSync(join(repo, 'd/empty'))).toBe(false);
    // an exec-bit change alone is a modification
    chmodSync(join(repo, 'd/a/b/c.txt'), 0o755);
    const s = await status({ cwd: repo });
    expect(s.targets[0]!.changes?.modified).toEqual(['a/b/c.txt']);
  });

  it('honours .cairnignore inside a tracked directory', async () => {
    const repo = await tempRepo({ 'd/keep.csv': '1', 'd/skip.tmp': '2', 'd/.cairnignore': '*.tmp\n' });
    const r = await add({ cwd: repo, targets: ['d'] });
    expect(r.targets[0]!.nfiles).toBe(1);
  });
});

describe('re-add and the stat cache', () => {
  it('re-adding unchanged data reads no file: content swapped behind an identical stat still reports the old id', async () => {
    const repo = await tempRepo({ 'f.bin': 'AAAA', 'd/x.bin': 'XXXX' });
    age(join(repo, 'f.bin'));
    age(join(repo, 'd/x.bin'));
    const first = await add({ cwd: repo, targets: ['f.bin', 'd'] });
    const ids = first.targets.map((t) => t.id);
    // rewrite in place (same inode, same size), then put the mtime back
    for (const f of ['f.bin', 'd/x.bin']) {
      const p = join(repo, f);
      const st = statSync(p);
      writeFileSync(p, 'BBBB');
      utimesSync(p, st.atime, st.mtime);
    }
    const again = await add({ cwd: repo, targets: ['f.bin', 'd'] });
    expect(again.targets.map((t) => t.id)).toEqual(ids); // had it read the files, the ids would differ
    expect(again.targets.map((t) => t.hashed)).toEqual([0, 0]);
    expect(again.targets.map((t) => t.changed)).toEqual([false, false]);
    // a real change (size differs) is seen
    writeFileSync(join(repo, 'f.bin'), 'CCCCC');
    const third = await add({ cwd: repo, targets: ['f.bin'] });
    expect(third.targets[0]!.id).toBe(await hashBytes('xxh64x2', 'CCCCC'));
    expect(third.targets[0]!.changed).toBe(true);
  });
});

describe('stat cache damage', () => {
  it('torn or deleted snapshots only cost a rehash', async () => {
    const repo = await tempRepo({ 'd/a.txt': 'a', 'f.txt': 'f' });
    await add({ cwd: repo, targets: ['d', 'f.txt'] });
    const { readdirSync } = await import('node:fs');
    const state = join(repo, '.cairn/state/targets');
    for (const pre of readdirSync(state)) for (const f of readdirSync(join(state, pre))) writeFileSync(join(state, pre, f), '{"v":2,"rel":[');
    let s = await status({ cwd: repo });
    expect(s.clean).toBe(true);
    rmSync(join(repo, '.cairn/state'), { recursive: true });
    writeFileSync(join(repo, 'f.txt'), 'g');
    s = await status({ cwd: repo });
    expect(s.targets.map((t) => t.state)).toEqual(['up-to-date', 'modified']);
  });
});

describe('bad input', () => {
  it('malformed pointer YAML names the file and line (exit 2)', async () => {
    const repo = await tempRepo({ 'x.cairn': 'outs:\n  - path: x\n    hash: [unclosed\n' });
    const e = await rejects(status({ cwd: repo }));
    expect(e.code).toBe('CAIRN_BAD_POINTER');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/x\.cairn:\d+/);
    expect(e.data.line).toBeGreaterThan(0);
  });

  it('a pointer with an invalid id names the file', async () => {
    const repo = await tempRepo({ 'x.cairn': 'outs:\n  - path: x\n    hash: xxh64x2\n    id: nothex\n    size: 1\n' });
    const e = await rejects(status({ cwd: repo }));
    expect(e.code).toBe('CAIRN_BAD_POINTER');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('x.cairn:4: outs[0].id');
  });

  it('a pointer with a hostile path or a bad size names file and line', async () => {
    let repo = await tempRepo({ 'x.cairn': `outs:\n  - path: ../../etc/passwd\n    hash: xxh64x2\n    id: ${'a'.repeat(32)}\n    size: 1\n` });
    let e = await rejects(status({ cwd: repo }));
    expect(e.message).toMatch(/^x\.cairn:2: outs\[0\]\.path/);
    repo = await tempRepo({ 'x.cairn': `outs:\n  - path: x\n    hash: xxh64x2\n    id: ${'a'.repeat(32)}\n    size: -1\n` });
    e = await rejects(status({ cwd: repo }));
    expect(e.message).toMatch(/^x\.cairn:5: outs\[0\]\.size/);
  });

  it('a pointer whose id is missing from the cache: status says so', async () => {
    const repo = await tempRepo({ 'f.txt': 'hello' });
    const r = await add({ cwd: repo, targets: ['f.txt'] });
    rmSync(objectPath(repo, r.targets[0]!.id), { force: true });
    const s = await status({ cwd: repo });
    expect(s.targets[0]).toMatchObject({ path: 'f.txt', state: 'missing-from-cache', inCache: false });
    rmSync(join(repo, 'f.txt'));
    const e = await rejects(checkout({ cwd: repo }));
    expect(e.code).toBe('CAIRN_MISSING_FROM_CACHE');
    expect(e.message).toContain('f.txt.cairn');
    const c = await checkout({ cwd: repo, allowMissing: true });
    expect(c.missing.map((m) => m.path)).toEqual(['f.txt']);
  });

  it('a corrupt cache object stops checkout with an integrity error and touches nothing', async () => {
    const repo = await tempRepo({ 'd/a.txt': 'aaa', 'd/b.txt': 'bbb' });
    await add({ cwd: repo, targets: ['d'] });
    rmSync(join(repo, 'd'), { recursive: true });
    const bad = objectPath(repo, await hashBytes('xxh64x2', 'bbb'));
    chmodSync(bad, 0o644);
    writeFileSync(bad, 'BBB');
    const e = await rejects(checkout({ cwd: repo }));
    expect(e.code).toBe('CAIRN_INTEGRITY');
    expect(e.exitCode).toBe(5);
    expect(e.message).toContain('d/b.txt');
    expect(existsSync(join(repo, 'd'))).toBe(false); // a.txt was not written either
  });

  it('a hostile manifest (../ relpath) is refused before anything is written (exit 5)', async () => {
    const repo = await tempRepo({ 'ok.txt': 'ok' });
    const r = await add({ cwd: repo, targets: ['ok.txt'] });
    const bytes = `[{"relpath":"../escaped.txt","hash":"${r.targets[0]!.id}","size":2,"isexec":false}]`;
    const id = (await hashBytes('xxh64x2', bytes)) + '.dir';
    const p = objectPath(repo, id);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, bytes, { mode: 0o444 });
    utimesSync(p, 1_000_000_000, 1_000_000_000);
    writeFileSync(join(repo, 'evil.cairn'), `outs:\n  - path: evil\n    hash: xxh64x2\n    id: ${id}\n    size: 2\n    nfiles: 1\n`);
    const e = await rejects(checkout({ cwd: repo }));
    expect(e.code).toBe('CAIRN_BAD_MANIFEST');
    expect(e.exitCode).toBe(5);
    expect(e.message).toContain('evil');
    expect(existsSync(join(repo, '..', 'escaped.txt'))).toBe(false);
    expect(existsSync(join(repo, 'evil'))).toBe(false);
  });

  it('a corrupt directory manifest stops checkout with exit 5 naming the target', async () => {
    const repo = await tempRepo({ 'd/a.txt': 'a' });
    const r = await add({ cwd: repo, targets: ['d'] });
    rmSync(join(repo, 'd'), { recursive: true });
    const p = objectPath(repo, r.targets[0]!.id);
    chmodSync(p, 0o644);
    writeFileSync(p, '[]');
    const e = await rejects(checkout({ cwd: repo }));
    expect(e.code).toBe('CAIRN_INTEGRITY');
    expect(e.message).toContain(r.targets[0]!.id);
    expect(e.message).toContain('(d)');
    expect(existsSync(join(repo, 'd'))).toBe(false);
  });

  describe('add refusals', () => {
    it('outside the repo, inside .cairn/ and .git/, the root itself', async () => {
      const repo = await tempRepo({ 'a.txt': 'a' });
      const outside = tempDir();
      gen(outside, { 'o.txt': 'o' });
      for (const [t, re] of [
        [join(outside, 'o.txt'), /outside the repository/],
        ['.cairn/config.yaml', /inside \.cairn\//],
        ['.git/HEAD', /inside \.git\//],
        ['.', /root itself/],
      ] as const) {
        const e = await rejects(add({ cwd: repo, targets: [t] }));
        expect(e.code).toBe('CAIRN_BAD_TARGET');
        expect(e.exitCode).toBe(2);
        expect(e.message).toMatch(re);
      }
    });

    it('overlapping a tracked target, in both directions', async () => {
      const repo = await tempRepo({ 'd/a.txt': 'a', 'e/f/g.txt': 'g' });
      await add({ cwd: repo, targets: ['d', 'e/f/g.txt'] });
      let e = await rejects(add({ cwd: repo, targets: ['d/a.txt'] }));
      expect(e.code).toBe('CAIRN_BAD_TARGET');
      expect(e.message).toContain('d.cairn');
      expect(e.hint).toContain('cairn remove d');
      e = await rejects(add({ cwd: repo, targets: ['e'] }));
      expect(e.message).toContain("overlaps 'e/f/g.txt'");
    });

    it('already tracked by git', async () => {
      const repo = await tempRepo({ 'g/data.csv': '1,2' });
      git(repo, 'add', 'g/data.csv');
      const e = await rejects(add({ cwd: repo, targets: ['g'] }));
      expect(e.code).toBe('CAIRN_BAD_TARGET');
      expect(e.message).toContain('g/data.csv');
      expect(e.hint).toContain('git rm -r --cached g');
    });

    it('a target that does not exist', async () => {
      const repo = await tempRepo({});
      const e = await rejects(add({ cwd: repo, targets: ['nope.bin'] }));
      expect(e.code).toBe('CAIRN_NOT_FOUND');
      expect(e.message).toContain('nope.bin');
    });
  });
});

describe('gc, fsck', () => {
  it('gc --workspace removes only unreferenced objects; --dry removes nothing; a scope is required', async () => {
    const repo = await tempRepo({ 'd/a.txt': 'a1', 'd/b.txt': 'b1', 'f.txt': 'f1' });
    await add({ cwd: repo, targets: ['d', 'f.txt'] });
    writeFileSync(join(repo, 'f.txt'), 'f2');
    writeFileSync(join(repo, 'd/a.txt'), 'a2');
    await commit({ cwd: repo });
    const before = cacheFiles(repo);
    expect(before).toHaveLength(7); // a1 b1 f1 dir1 + a2 f2 dir2
    const dry = await gc({ cwd: repo, workspace: true, dry: true });
    expect(dry.removed).toHaveLength(3);
    expect(cacheFiles(repo)).toEqual(before);
    const r = await gc({ cwd: repo, workspace: true });
    expect(r.removed.map((x) => x.id).sort()).toEqual(dry.removed.map((x) => x.id).sort());
    const gone = new Set(await Promise.all(['a1', 'f1'].map((c) => hashBytes('xxh64x2', c))));
    for (const x of r.removed.filter((x) => !x.id.endsWith('.dir'))) expect(gone.has(x.id)).toBe(true);
    expect(cacheFiles(repo)).toHaveLength(4);
    // everything still checks out
    rmSync(join(repo, 'd'), { recursive: true });
    rmSync(join(repo, 'f.txt'));
    await checkout({ cwd: repo });
    expect(read(join(repo, 'd/b.txt'))).toBe('b1');
    const e = await rejects(gc({ cwd: repo }));
    expect(e.code).toBe('CAIRN_USAGE');
    expect(e.hint).toContain('--workspace');
  });

  it('gc keeps run-cache entries whose outs are all kept and prunes the rest', async () => {
    const repo = await tempRepo({ 'f.txt': 'f1' });
    const r = await add({ cwd: repo, targets: ['f.txt'] });
    const runs = join(repo, '.cairn/cache/runs');
    const entry = (id: string) => `cmd: x\ndeps: []\nparams: {}\nouts:\n  - {path: f.txt, hash: xxh64x2, id: ${id}, size: 2}\n`;
    gen(runs, { ['aa/' + 'a'.repeat(62)]: entry(r.targets[0]!.id), ['bb/' + 'b'.repeat(62)]: entry('0'.repeat(32)) });
    const res = await gc({ cwd: repo, workspace: true });
    expect(res.runsRemoved).toEqual(['b'.repeat(64)]);
    expect(existsSync(join(runs, 'aa', 'a'.repeat(62)))).toBe(true);
    expect(existsSync(join(runs, 'bb', 'b'.repeat(62)))).toBe(false);
  });

  it('fsck finds and quarantines a corrupt object', async () => {
    const repo = await tempRepo({ 'd/a.txt': 'aaa', 'd/b.txt': 'bbb' });
    await add({ cwd: repo, targets: ['d'] });
    expect((await fsck({ cwd: repo })).ok).toBe(true);
    const id = await hashBytes('xxh64x2', 'aaa');
    const p = objectPath(repo, id);
    chmodSync(p, 0o644);
    writeFileSync(p, 'zzz');
    const r = await fsck({ cwd: repo });
    expect(r.ok).toBe(false);
    expect(r.checked).toBe(3);
    expect(r.corrupt.map((c) => c.id)).toEqual([id]);
    expect(existsSync(p)).toBe(false);
    expect(existsSync(r.corrupt[0]!.quarantined!)).toBe(true);
  });
});

describe('remove, unprotect, config', () => {
  it('remove deletes pointer and .gitignore entry, keeps the data as plain writable files', async () => {
    const repo = await tempRepo({ 'd/a.txt': 'a', 'm.bin': 'm' });
    await config({ cwd: repo, key: 'cache.type', value: 'hardlink,copy' });
    await add({ cwd: repo, targets: ['d', 'm.bin'] });
    expect(statSync(join(repo, 'm.bin')).nlink).toBe(2);
    const r = await remove({ cwd: repo, targets: ['m.bin.cairn', 'd'] });
    expect(r.targets.map((t) => [t.path, t.pointerDeleted])).toEqual([
      ['m.bin', true],
      ['d', true],
    ]);
    expect(existsSync(join(repo, 'm.bin.cairn'))).toBe(false);
    // it held only cairn's two entries: left empty, it goes (as DVC)
    expect(existsSync(join(repo, '.gitignore'))).toBe(false);
    expect(r.gitFiles).toContain('.gitignore');
    const st = statSync(join(repo, 'm.bin'));
    expect(st.nlink).toBe(1);
    expect(st.mode & 0o200).not.toBe(0);
    writeFileSync(join(repo, 'm.bin'), 'edited'); // does not reach the cache
    expect((await fsck({ cwd: repo })).ok).toBe(true);
    const e = await rejects(remove({ cwd: repo, targets: ['m.bin'] }));
    expect(e.code).toBe('CAIRN_BAD_TARGET');
  });

  it('unprotect swaps symlinks for private copies', async () => {
    const repo = await tempRepo({ 'd/a.txt': 'a', 'd/b.txt': 'b' });
    await config({ cwd: repo, key: 'cache.type', value: 'symlink' });
    await add({ cwd: repo, targets: ['d'] });
    expect(lstatSync(join(repo, 'd/a.txt')).isSymbolicLink()).toBe(true);
    const r = await unprotect({ cwd: repo, targets: ['d/a.txt'] });
    expect(r.targets).toEqual([{ path: 'd', copied: 1 }]);
    expect(lstatSync(join(repo, 'd/a.txt')).isFile()).toBe(true);
    expect(lstatSync(join(repo, 'd/b.txt')).isSymbolicLink()).toBe(true);
    writeFileSync(join(repo, 'd/a.txt'), 'A');
    expect((await fsck({ cwd: repo })).ok).toBe(true);
    expect((await status({ cwd: repo })).targets[0]!.changes?.modified).toEqual(['a.txt']);
  });

  it('config gets, sets, unsets and checks known keys', async () => {
    const repo = await tempRepo({});
    expect((await config({ cwd: repo, key: 'core.hash' })).value).toBe('xxh64x2');
    await config({ cwd: repo, key: 'core.lock_timeout', value: '5' });
    expect((await config({ cwd: repo, key: 'core.lock_timeout' })).value).toBe(5);
    await config({ cwd: repo, key: 'remote.s3.region', value: 'eu-west-1', local: true });
    expect(read(join(repo, '.cairn/config.local.yaml'))).toContain('region: eu-west-1');
    await config({ cwd: repo, key: 'core.lock_timeout', unset: true });
    expect((await config({ cwd: repo, key: 'core.lock_timeout' })).value).toBeUndefined();
    for (const [k, v] of [
      ['core.hash', 'crc32'],
      ['cache.type', 'teleport'],
      ['core.lock_timeout', 'soon'],
    ]) {
      const e = await rejects(config({ cwd: repo, key: k, value: v }));
      expect(e.exitCode).toBe(2);
      expect(e.message).toContain(v);
    }
    expect((await rejects(config({ cwd: repo, key: 'nodots', value: '1' }))).code).toBe('CAIRN_USAGE');
  });

  it.each(['sha256', 'md5'] as const)('a %s repo records ids of that algorithm', async (algo) => {
    const repo = await tempRepo({ 'f.txt': 'abc', 'd/x': 'abc' });
    await config({ cwd: repo, key: 'core.hash', value: algo });
    const r = await add({ cwd: repo, targets: ['f.txt', 'd'] });
    expect(r.targets[0]!.id).toBe(await hashBytes(algo, 'abc'));
    expect(read(join(repo, 'f.txt.cairn'))).toContain(`hash: ${algo}`);
    expect(existsSync(objectPath(repo, r.targets[0]!.id, algo))).toBe(true);
    expect((await status({ cwd: repo })).clean).toBe(true);
    rmSync(join(repo, 'd'), { recursive: true });
    await checkout({ cwd: repo });
    expect(read(join(repo, 'd/x'))).toBe('abc');
  });
});

describe('lock', () => {
  it('a held lock makes add wait, then fail naming the holder pid', async () => {
    const repo = await tempRepo({ 'f.txt': 'f' });
    await config({ cwd: repo, key: 'core.lock_timeout', value: '0.3' });
    // a live process that is not us
    const { spawn } = await import('node:child_process');
    const sleeper = spawn('sleep', ['30']);
    try {
      writeFileSync(join(repo, '.cairn/tmp/lock'), `${sleeper.pid}\nadd\n`);
      const e = await rejects(add({ cwd: repo, targets: ['f.txt'] }));
      expect(e.code).toBe('CAIRN_LOCKED');
      expect(e.message).toContain(`pid ${sleeper.pid}`);
    } finally {
      sleeper.kill('SIGKILL');
    }
    // the holder is dead now: its lock is taken over
    await new Promise((r) => sleeper.once('exit', r));
    const r = await add({ cwd: repo, targets: ['f.txt'] });
    expect(r.targets[0]!.changed).toBe(true);
    expect(existsSync(join(repo, '.cairn/tmp/lock'))).toBe(false);
  });
});
