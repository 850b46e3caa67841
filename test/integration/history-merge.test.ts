import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, git, tempDir, tempRepo, gen } from '../helpers.js';
import { mergeDriver } from '../../src/api/merge-driver.js';
import { metricsShow } from '../../src/api/metrics.js';
import { Repo } from '../../src/repo/repo.js';
import { serializeManifest, parseManifest } from '../../src/core/manifest.js';
import { parsePointer, serializePointer } from '../../src/repo/pointer.js';

afterEach(cleanup);

describe('merge driver on directory pointers', () => {
  it('merges manifests where the sides touched different files, writes the manifest to the cache, flags same-file edits', async () => {
    const dir = await tempRepo();
    const repo = await Repo.open(dir);
    const f = (s: string) => ({ hash: repo.cache.put(Buffer.from(s)), size: s.length, isexec: false });
    const man = (e: Record<string, string>) => Object.entries(e).sort().map(([relpath, c]) => ({ relpath, ...f(c) }));
    const ptr = (e: Record<string, string>) => {
      const id = repo.cache.put(serializeManifest(man(e)), { dir: true });
      return serializePointer({ outs: [{ path: 'data', hash: repo.algo, id, size: 1, nfiles: Object.keys(e).length }] });
    };
    const files = (o: string, a: string, b: string) => {
      const t = tempDir();
      for (const [n, v] of Object.entries({ o, a, b })) writeFileSync(join(t, n), v);
      return { cwd: dir, base: join(t, 'o'), ours: join(t, 'a'), theirs: join(t, 'b'), path: 'data.cairn' };
    };
    const ok = files(ptr({ x: '1', y: '1' }), ptr({ x: '2', y: '1' }), ptr({ x: '1', y: '1', z: '3' }));
    const r = await mergeDriver(ok);
    expect(r).toEqual({ path: 'data.cairn', merged: true, conflicts: [] });
    const merged = parsePointer(readFileSync(ok.ours, 'utf8'), 'data.cairn').outs[0]!;
    expect(merged.nfiles).toBe(3);
    const entries = parseManifest(repo.cache.get(merged.id), repo.algo, 'merged');
    expect(entries.map((e) => [e.relpath, repo.cache.get(e.hash).toString()])).toEqual([['x', '2'], ['y', '1'], ['z', '3']]);

    const bad = files(ptr({ x: '1' }), ptr({ x: '2' }), ptr({ x: '3' }));
    const before = readFileSync(bad.ours, 'utf8');
    const c = await mergeDriver(bad);
    expect(c).toEqual({ path: 'data.cairn', merged: false, conflicts: ['data/x'] });
    expect(readFileSync(bad.ours, 'utf8')).toBe(before);
  });

  it('a malformed lock side names the file (exit 2)', async () => {
    const dir = await tempRepo();
    const t = tempDir();
    for (const n of ['o', 'a', 'b']) writeFileSync(join(t, n), n === 'b' ? 'stages: [' : "schema: '1'\nstages: {}\n");
    await expect(mergeDriver({ cwd: dir, base: join(t, 'o'), ours: join(t, 'a'), theirs: join(t, 'b'), path: 'cairn.lock' })).rejects.toMatchObject({
      code: 'CAIRN_BAD_LOCK',
      message: expect.stringContaining('cairn.lock (theirs)'),
    });
  });
});

describe('shallow clone', () => {
  it('reads metrics at HEAD in a depth-1 clone and names HEAD~1 as unreachable', async () => {
    const src = await tempRepo({ 'cairn.yaml': 'stages:\n  t:\n    cmd: x\n    metrics:\n      - m.json:\n          cache: false\n', 'm.json': '{"a":1}' });
    git(src, 'add', '-A');
    git(src, 'commit', '-q', '-m', 'one');
    gen(src, { 'm.json': '{"a":2}' });
    git(src, 'commit', '-q', '-am', 'two');
    const clone = join(tempDir(), 'c');
    git(src, 'clone', '-q', '--depth', '1', `file://${src}`, clone);
    gen(clone, { '.cairn/config.yaml': '' });
    const r = await metricsShow({ cwd: clone, revs: ['HEAD'] });
    expect(r.revisions[0]!.files['m.json']).toEqual({ a: 2 });
    await expect(metricsShow({ cwd: clone, revs: ['HEAD~1'] })).rejects.toMatchObject({ code: 'CAIRN_BAD_REVISION', message: expect.stringContaining('HEAD~1') });
  });
});
