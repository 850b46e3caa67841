import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, gen, git, tempRepo } from '../helpers.js';
import { metricsDiff, metricsShow } from '../../src/api/metrics.js';
import { paramsDiff, paramsShow } from '../../src/api/params.js';
import { gc } from '../../src/api/gc.js';
import { add } from '../../src/api/add.js';
import { Repo } from '../../src/repo/repo.js';
import { History } from '../../src/git/revision.js';
import { CairnError } from '../../src/core/errors.js';

afterEach(cleanup);

const PIPE = `stages:
  train:
    cmd: node train.js
    params: [train.lr, train.opt]
    metrics:
      - metrics.json:
          cache: false
`;

function commit(dir: string, msg: string) {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', msg);
}

async function history3() {
  const dir = await tempRepo({
    'cairn.yaml': PIPE,
    'params.yaml': 'train:\n  lr: 0.1\n  opt: sgd\n  epochs: 3\n',
    'metrics.json': JSON.stringify({ eval: { acc: 0.8, loss: 0.5 }, model: 'a', old_only: 1 }),
  });
  commit(dir, 'one');
  git(dir, 'tag', 'v1');
  gen(dir, {
    'metrics.json': JSON.stringify({ eval: { acc: 0.85, loss: 0.4 }, model: 'b', new_only: 2 }),
    'params.yaml': 'train:\n  lr: 0.05\n  opt: sgd\n  epochs: 9\n',
  });
  commit(dir, 'two');
  return dir;
}

describe('metrics diff', () => {
  it('gives exact old/new/abs/rel for nested keys, strings, added and removed keys', async () => {
    const dir = await history3();
    const r = await metricsDiff({ cwd: dir, a: 'HEAD~1', b: 'HEAD' });
    const by = Object.fromEntries(r.rows.map((x) => [x.key, x]));
    expect(by['eval.acc']).toMatchObject({ path: 'metrics.json', old: 0.8, new: 0.85, change: 'modified' });
    expect(by['eval.acc']!.abs).toBeCloseTo(0.05, 12);
    expect(by['eval.acc']!.rel).toBeCloseTo(0.0625, 12);
    expect(by['eval.loss']!.abs).toBeCloseTo(-0.1, 12);
    expect(by['eval.loss']!.rel).toBeCloseTo(-0.2, 12);
    expect(by['model']).toMatchObject({ old: 'a', new: 'b', change: 'modified' });
    expect(by['model']!.abs).toBeUndefined();
    expect(by['old_only']).toMatchObject({ old: 1, new: undefined, change: 'removed' });
    expect(by['new_only']).toMatchObject({ old: undefined, new: 2, change: 'added' });
    expect(r.errors).toEqual([]);
  });

  it('hides unchanged keys unless all; diffs against the workspace by default', async () => {
    const dir = await history3();
    gen(dir, { 'metrics.json': JSON.stringify({ eval: { acc: 0.9, loss: 0.4 }, model: 'b', new_only: 2 }) });
    const r = await metricsDiff({ cwd: dir });
    expect(r.a.rev).toBe('HEAD');
    expect(r.b.rev).toBe('workspace');
    expect(r.rows.map((x) => x.key)).toEqual(['eval.acc']);
    const all = await metricsDiff({ cwd: dir, all: true });
    expect(all.rows.find((x) => x.key === 'eval.loss')!.change).toBe('unchanged');
  });

  it('--fail-on fires only when the rule holds', async () => {
    const dir = await history3();
    const ok = await metricsDiff({ cwd: dir, a: 'v1', b: 'HEAD', failOn: ['eval.acc < -0.01', 'eval.loss > 5%'] });
    expect(ok.violations).toEqual([]);
    const bad = await metricsDiff({ cwd: dir, a: 'HEAD', b: 'v1', failOn: ['eval.acc < -0.01', 'metrics.json:eval.loss > 5%'] });
    expect(bad.violations.map((v) => v.rule)).toEqual(['eval.acc < -0.01', 'metrics.json:eval.loss > 5%']);
    expect(bad.violations[1]!.change).toBeCloseTo(25, 9);
    await expect(metricsDiff({ cwd: dir, a: 'v1', b: 'HEAD', failOn: ['nope < 0'] })).rejects.toMatchObject({ code: 'CAIRN_USAGE' });
    await expect(metricsDiff({ cwd: dir, failOn: ['acc <<< 1'] })).rejects.toMatchObject({ code: 'CAIRN_USAGE' });
  });

  it('reports a revision where the metrics file is absent in errors, not thrown', async () => {
    const dir = await history3();
    rmSync(join(dir, 'metrics.json'));
    commit(dir, 'three');
    const r = await metricsDiff({ cwd: dir, a: 'HEAD~1', b: 'HEAD' });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ rev: 'HEAD', path: 'metrics.json' });
    expect(r.errors[0]!.message).toContain('metrics.json');
    expect(r.rows.find((x) => x.key === 'eval.acc')!.change).toBe('removed');
  });

  it('reads a cached-out metrics file at an old revision through its lock id', async () => {
    const dir = await tempRepo({
      'cairn.yaml': 'stages:\n  train:\n    cmd: node t.js\n    metrics: [scores.yaml]\n',
      '.gitignore': '/scores.yaml\n',
    });
    const repo = await Repo.open(dir);
    const id1 = repo.cache.put(Buffer.from('score:\n  f1: 0.5\n'));
    const lock = (id: string) => `schema: '1'\nstages:\n  train:\n    cmd: node t.js\n    deps: []\n    params: {}\n    outs:\n      - path: scores.yaml\n        hash: xxh64x2\n        id: ${id}\n        size: 16\n`;
    gen(dir, { 'cairn.lock': lock(id1) });
    commit(dir, 'one');
    const id2 = repo.cache.put(Buffer.from('score:\n  f1: 0.7\n'));
    gen(dir, { 'cairn.lock': lock(id2), 'scores.yaml': 'score:\n  f1: 0.75\n' });
    commit(dir, 'two');
    const r = await metricsShow({ cwd: dir, revs: ['HEAD~1', 'HEAD', 'workspace'] });
    expect(r.errors).toEqual([]);
    expect(r.revisions.map((x) => x.files['scores.yaml']!['score.f1'])).toEqual([0.5, 0.7, 0.75]);
  });
});

describe('revisions', () => {
  it('resolves short sha, tag, HEAD~1, main^ and branches to the same commits git names', async () => {
    const dir = await history3();
    git(dir, 'branch', 'feature', 'HEAD~1');
    const h = await History.open(dir);
    const head = git(dir, 'rev-parse', 'HEAD').trim();
    const prev = git(dir, 'rev-parse', 'HEAD~1').trim();
    expect(await h.resolve('HEAD')).toBe(head);
    expect(await h.resolve(head.slice(0, 7))).toBe(head);
    expect(await h.resolve(head)).toBe(head);
    expect(await h.resolve('v1')).toBe(prev);
    expect(await h.resolve('HEAD~1')).toBe(prev);
    expect(await h.resolve('main^')).toBe(prev);
    expect(await h.resolve('feature')).toBe(prev);
    git(dir, 'tag', '-a', 'v2', '-m', 'annotated');
    expect(await h.resolve('v2')).toBe(head);
  });

  it('an unknown revision is CAIRN_BAD_REVISION (exit 2) naming it', async () => {
    const dir = await history3();
    const e = await metricsShow({ cwd: dir, revs: ['nosuchbranch'] }).catch((x) => x);
    expect(e).toBeInstanceOf(CairnError);
    expect(e.code).toBe('CAIRN_BAD_REVISION');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('nosuchbranch');
    await expect(metricsShow({ cwd: dir, revs: ['HEAD~5'] })).rejects.toMatchObject({ code: 'CAIRN_BAD_REVISION' });
  });

  it('metrics show reads all branches and tags', async () => {
    const dir = await history3();
    git(dir, 'branch', 'old', 'v1');
    const r = await metricsShow({ cwd: dir, allBranches: true, allTags: true });
    expect(r.revisions.map((x) => [x.rev, x.files['metrics.json']!['eval.acc']])).toEqual([
      ['main', 0.85],
      ['old', 0.8],
      ['v1', 0.8],
    ]);
  });
});

describe('params', () => {
  it('diffs only the tracked params between commits and shows the workspace', async () => {
    const dir = await history3();
    const r = await paramsDiff({ cwd: dir, a: 'HEAD~1', b: 'HEAD' });
    expect(r.rows.map((x) => [x.path, x.key, x.old, x.new])).toEqual([['params.yaml', 'train.lr', 0.1, 0.05]]);
    const s = await paramsShow({ cwd: dir });
    expect(s.revisions[0]!.files['params.yaml']).toEqual({ 'train.lr': 0.05, 'train.opt': 'sgd' });
  });
});

describe('gc history scopes', () => {
  it('--all-commits keeps an object only an old commit refers to; --workspace deletes it; --dry deletes nothing', async () => {
    const dir = await tempRepo({ 'data.csv': 'a,b\n1,2\n' });
    await add({ cwd: dir, targets: ['data.csv'] });
    commit(dir, 'v1 data');
    const repo = await Repo.open(dir);
    const oldId = [...repo.cache.list()][0]!;
    gen(dir, { 'data.csv': 'a,b\n3,4\n' });
    await add({ cwd: dir, targets: ['data.csv'] });
    commit(dir, 'v2 data');
    const kept = await gc({ cwd: dir, allCommits: true });
    expect(kept.removed).toEqual([]);
    expect(repo.cache.has(oldId)).toBe(true);
    const dry = await gc({ cwd: dir, workspace: true, dry: true });
    expect(dry.removed.map((x) => x.id)).toEqual([oldId]);
    expect(dry.removed[0]!.size).toBe(8);
    expect(repo.cache.has(oldId)).toBe(true);
    const revKept = await gc({ cwd: dir, workspace: true, revs: ['HEAD~1'] });
    expect(revKept.removed).toEqual([]);
    const gone = await gc({ cwd: dir, workspace: true });
    expect(gone.removed.map((x) => x.id)).toEqual([oldId]);
    expect(repo.cache.has(oldId)).toBe(false);
  });
});

describe('bad input', () => {
  it('a malformed metrics file or cairn.yaml at one revision lands in errors naming the file', async () => {
    const dir = await history3();
    gen(dir, { 'metrics.json': '{"eval": ' });
    const r = await metricsDiff({ cwd: dir });
    expect(r.errors).toEqual([{ rev: 'workspace', path: 'metrics.json', message: expect.stringContaining('metrics.json: not valid JSON') }]);
    gen(dir, { 'cairn.yaml': 'stages:\n  train: [\n' });
    const s = await metricsShow({ cwd: dir });
    expect(s.errors[0]!.path).toBe('cairn.yaml');
    expect(s.errors[0]!.message).toContain('cairn.yaml');
  });
});
