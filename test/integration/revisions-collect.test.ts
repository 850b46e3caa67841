// collectRefs and collectKept against real git repos: the one function that decides what gc
// keeps and what push/fetch --all-* move. The workspace is always in scope; history is read
// through isomorphic-git; a shallow clone stops at its boundary; a linked worktree, whose
// history cannot be read, is an error, never an empty history.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { add } from '../../src/api/add.js';
import { History } from '../../src/git/revision.js';
import { collectKept, collectRefs } from '../../src/repo/revisions.js';
import { Repo } from '../../src/repo/repo.js';
import { cleanup, gen, git, tempDir, tempRepo } from '../helpers.js';

afterEach(cleanup);

async function history3(): Promise<{ dir: string; ids: Record<string, string> }> {
  const dir = await tempRepo({ '.gitignore': '' });
  const ids: Record<string, string> = {};
  const track = async (name: string, content: string) => {
    gen(dir, { [name]: content });
    const r = await add({ cwd: dir, targets: [name] });
    ids[name] = r.targets[0]!.id;
  };
  await track('v1.txt', 'one\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'v1');
  git(dir, 'tag', 'v1');
  rmSync(join(dir, 'v1.txt.cairn'));
  await track('v2.txt', 'two\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'v2');
  git(dir, 'checkout', '-qb', 'side');
  rmSync(join(dir, 'v2.txt.cairn'));
  await track('side.txt', 'side\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'side');
  git(dir, 'checkout', '-q', 'main');
  await track('wip.txt', 'uncommitted\n');
  return { dir, ids };
}

const paths = (refs: { path: string }[]) => [...new Set(refs.map((r) => r.path))].sort();

describe('collectRefs', () => {
  it('each scope adds its commits to the workspace', async () => {
    const { dir } = await history3();
    const repo = await Repo.open(dir);
    const history = await History.open(dir);
    expect(paths((await collectRefs(repo)).refs)).toEqual(['v2.txt', 'wip.txt']);
    expect(paths((await collectRefs(repo, { history, allTags: true })).refs)).toEqual(['v1.txt', 'v2.txt', 'wip.txt']);
    expect(paths((await collectRefs(repo, { history, allBranches: true })).refs)).toEqual(['side.txt', 'v2.txt', 'wip.txt']);
    expect(paths((await collectRefs(repo, { history, allCommits: true })).refs)).toEqual(['side.txt', 'v1.txt', 'v2.txt', 'wip.txt']);
    const r = await collectRefs(repo, { history, revs: ['HEAD~1', 'v1'] });
    expect(r.commits.length).toBe(1); // HEAD~1 and v1 are the same commit
    expect(paths(r.refs)).toEqual(['v1.txt', 'v2.txt', 'wip.txt']);
  });

  it('history scopes without the history are a usage error, not an empty set', async () => {
    const { dir } = await history3();
    await expect(collectRefs(await Repo.open(dir), { allCommits: true })).rejects.toMatchObject({ code: 'CAIRN_USAGE' });
  });

  it('a shallow clone walks as far as its history goes, without error', async () => {
    const { dir } = await history3();
    const base = tempDir();
    git(base, 'clone', '-q', '--depth', '1', '--no-local', `file://${dir}`, 'shallow');
    const sh = join(base, 'shallow');
    // the clone has the committed .cairn/config.yaml; its cache is empty, which is fine here
    const repo = await Repo.open(sh);
    const r = await collectRefs(repo, { history: await History.open(sh), allCommits: true });
    expect(r.commits.length).toBe(1);
    expect(paths(r.refs)).toEqual(['v2.txt']);
  });

  it('a linked git worktree: History.open refuses (its history cannot be read)', async () => {
    const { dir } = await history3();
    const wt = join(tempDir(), 'wt');
    git(dir, 'worktree', 'add', '-q', wt, 'side');
    await expect(History.open(wt)).rejects.toThrow(/linked git worktree/);
  });
});

describe('collectKept (what gc keeps)', () => {
  it('expands kept directories, keeps the workspace in every scope', async () => {
    const { dir, ids } = await history3();
    gen(dir, { 'ds/a.txt': 'a\n', 'ds/b.txt': 'b\n' });
    const ds = (await add({ cwd: dir, targets: ['ds'] })).targets[0]!.id;
    const repo = await Repo.open(dir);
    const keep = await collectKept(repo, { history: await History.open(dir), allTags: true });
    expect(keep.ids.has(ids['v1.txt']!)).toBe(true);
    expect(keep.ids.has(ids['wip.txt']!)).toBe(true);
    expect(keep.ids.has(ids['side.txt']!)).toBe(false);
    expect(keep.ids.has(ds)).toBe(true);
    expect(keep.ids.size).toBe(3 + 1 + 2); // v1, v2, wip; ds manifest + its two files
  });

  it('a kept directory whose manifest is gone throws, naming it', async () => {
    const { dir } = await history3();
    gen(dir, { 'ds/a.txt': 'a\n' });
    const ds = (await add({ cwd: dir, targets: ['ds'] })).targets[0]!.id;
    const repo = await Repo.open(dir);
    repo.cache.remove(ds);
    await expect(collectKept(repo)).rejects.toMatchObject({ code: 'CAIRN_MISSING_FROM_CACHE', data: { id: ds, path: 'ds', file: 'ds.cairn' } });
  });
});
