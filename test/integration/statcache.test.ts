// The stat cache and the many-file paths: what they skip must never hide a change.
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, rmSync, statSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Repo } from '../../src/repo/repo.js';
import { hashTarget, saveTarget } from '../../src/cache/build.js';
import { processFiles, workerStats } from '../../src/cache/hash-files.js';
import { statMany, statAt, statWorkerStats } from '../../src/io/stat-many.js';
import { cleanup, gen, tempRepo } from '../helpers.js';

afterEach(cleanup);

/** make every file and folder under dir look old, so the stat cache trusts them */
function age(dir: string, seconds = 60): void {
  const t = Date.now() / 1000 - seconds;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      utimesSync(p, t, t);
    }
    utimesSync(d, t, t);
  };
  walk(dir);
}

describe('stat cache', () => {
  it('re-hashing an unchanged directory reads no file', async () => {
    const root = await tempRepo({ 'data/a.txt': 'a', 'data/sub/b.txt': 'b' });
    age(join(root, 'data'));
    const ws = (await Repo.open(root)).workspace();
    const first = hashTarget(ws, 'data', { store: true });
    expect(first.hashed).toBe(2);
    saveTarget(ws, first);
    const again = hashTarget(ws, 'data');
    expect(again.hashed).toBe(0);
    expect(again.id).toBe(first.id);
    const third = hashTarget(ws, 'data'); // the walk itself is skipped now (stamps)
    expect(third.hashed).toBe(0);
    expect(third.id).toBe(first.id);
    expect(third.manifest!.map((e) => e.relpath)).toEqual(['a.txt', 'sub/b.txt']);
  });

  it('a same-size change right after hashing is still seen (racy clean)', async () => {
    const root = await tempRepo({ 'data/a.txt': 'aaaa' });
    const ws = (await Repo.open(root)).workspace();
    const first = hashTarget(ws, 'data');
    const st = statSync(join(root, 'data/a.txt'));
    writeFileSync(join(root, 'data/a.txt'), 'bbbb');
    // put mtime back exactly: only the racy rule can catch this now
    utimesSync(join(root, 'data/a.txt'), st.atime, st.mtime);
    const second = hashTarget(ws, 'data');
    expect(second.id).not.toBe(first.id);
  });

  it('files added, removed or newly ignored are seen although folders were trusted', async () => {
    const root = await tempRepo({ 'data/x/a.txt': 'a', 'data/x/b.txt': 'b', 'data/y/c.txt': 'c' });
    age(join(root, 'data'));
    const ws = (await Repo.open(root)).workspace();
    const base = hashTarget(ws, 'data');
    hashTarget(ws, 'data'); // records trusted stamps
    gen(join(root, 'data'), { 'x/deep/new.txt': 'n' });
    const added = hashTarget(ws, 'data');
    expect(added.manifest!.map((e) => e.relpath)).toContain('x/deep/new.txt');
    rmSync(join(root, 'data/x/deep'), { recursive: true });
    age(join(root, 'data'));
    hashTarget(ws, 'data');
    expect(hashTarget(ws, 'data').id).toBe(base.id);
    writeFileSync(join(root, '.cairnignore'), 'data/y/\n');
    const ignored = hashTarget(ws, 'data');
    expect(ignored.manifest!.map((e) => e.relpath)).toEqual(['x/a.txt', 'x/b.txt']);
  });

  it('the two-thread paths give the same results as one thread', async () => {
    const root = await tempRepo();
    const dir = join(root, 'many');
    mkdirSync(dir);
    const paths: string[] = [];
    for (let i = 0; i < 4500; i++) {
      const p = join(dir, `f${i}`);
      writeFileSync(p, `content ${i % 4000}`);
      paths.push(p);
    }
    const repo = await Repo.open(root);
    const before = { ...workerStats };
    const par = processFiles(paths, { job: 'hash', factory: repo.factory, algo: repo.algo });
    // the worker really took its half (not redone on this thread after a failure)
    expect(workerStats).toEqual({ used: before.used + 1, redone: before.redone });
    process.env.CAIRN_THREADS = '1';
    try {
      const seq = processFiles(paths, { job: 'hash', factory: repo.factory, algo: repo.algo });
      expect(par).toEqual(seq);
    } finally {
      delete process.env.CAIRN_THREADS;
    }
    const stored = processFiles(paths, { job: 'store', factory: repo.factory, algo: repo.algo, cache: repo.cache });
    expect(workerStats.used).toBe(before.used + 2);
    expect(stored.map((d) => d.id)).toEqual(par.map((d) => d.id));
    for (const d of stored) expect(repo.cache.has(d.id)).toBe(true);
    // 4,000 distinct contents; no temp files left anywhere in the cache
    expect(new Set(stored.map((d) => d.id)).size).toBe(4000);
    expect([...repo.cache.list()].length).toBe(4000);

    const many = [...paths, ...paths, ...paths, ...paths, ...paths, join(dir, 'missing')];
    const statsBefore = { ...statWorkerStats };
    const st = statMany(many); // above the parallel threshold
    expect(statWorkerStats).toEqual({ used: statsBefore.used + 1, redone: statsBefore.redone });
    expect(statAt(st, 0)!.size).toBe(statSync(paths[0]!).size);
    expect(statAt(st, many.length - 2)!.ino).toBe(statSync(paths[paths.length - 1]!).ino);
    expect(statAt(st, many.length - 1)).toBeUndefined();
  });
});

describe('materialising files', () => {
  it('checkout after the folder was removed behind the process works (remembered folders are re-made)', async () => {
    const { checkout } = await import('../../src/api/checkout.js');
    const { add } = await import('../../src/api/add.js');
    const root = await tempRepo({ 'data/sub/a.txt': 'a', 'data/sub/b.txt': 'b' });
    await add({ cwd: root, targets: ['data'] });
    for (let i = 0; i < 3; i++) {
      rmSync(join(root, 'data'), { recursive: true });
      const r = await checkout({ cwd: root });
      expect(r.written).toBe(2);
    }
  });
});
