// History commands as DVC users know them (issue 10, item 5 and two metrics items of item 4),
// each through the real CLI in a real temp git repo: params lists as one value, --targets
// on params/metrics diff, the wide `metrics show` table over several revisions, top-level
// `metrics:`/`plots:` in cairn.yaml, a metrics file holding one number, and every gc scope
// keeping what the workspace refers to.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { objectKey } from '../../src/core/ids.js';
import { cairn, cleanup, gen, git, tempDir, tempRepo } from '../helpers.js';

afterEach(cleanup);

function commit(dir: string, msg: string): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', msg);
}

function ok(dir: string, args: string[]): string {
  const r = cairn(dir, args);
  expect(r.code, `cairn ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

const json = (dir: string, args: string[]) => JSON.parse(ok(dir, [...args, '--json']));
const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');

describe('params diff', () => {
  it('shows a list-valued param as one value (one row, the whole lists old and new)', async () => {
    const dir = await tempRepo({
      'cairn.yaml': 'stages:\n  train:\n    cmd: echo ok > model.txt\n    params: [train]\n    outs: [model.txt]\n',
      'params.yaml': 'train:\n  layers: [8, 4]\n  lr: 0.1\n',
    });
    commit(dir, 'one');
    gen(dir, { 'params.yaml': 'train:\n  layers: [8, 4, 2]\n  lr: 0.1\n' });
    const d = json(dir, ['params', 'diff']);
    expect(d.rows.map((r: { key: string; old: unknown; new: unknown }) => [r.key, r.old, r.new])).toEqual([['train.layers', [8, 4], [8, 4, 2]]]);
    const text = lines(ok(dir, ['params', 'diff']));
    expect(text).toHaveLength(2); // header and the one row
    expect(text[1]).toMatch(/^params\.yaml\s+train\.layers\s+\[8,4\]\s+\[8,4,2\]/);
  });

  it('--targets limits the diff to those files; a file no stage tracks is compared whole', async () => {
    const dir = await tempRepo({
      'cairn.yaml': 'stages:\n  train:\n    cmd: echo ok > model.txt\n    params:\n      - lr\n      - other.yaml:\n          - depth\n    outs: [model.txt]\n',
      'params.yaml': 'lr: 0.1\n',
      'other.yaml': 'depth: 3\nwidth: 1\n',
      'extra.yaml': 'seed: 1\n',
    });
    commit(dir, 'one');
    gen(dir, { 'params.yaml': 'lr: 0.2\n', 'other.yaml': 'depth: 4\nwidth: 2\n', 'extra.yaml': 'seed: 2\n' });
    const rows = (args: string[]) => json(dir, ['params', 'diff', ...args]).rows.map((r: { path: string; key: string }) => `${r.path}:${r.key}`);
    expect(rows([])).toEqual(['other.yaml:depth', 'params.yaml:lr']);
    expect(rows(['--targets', 'other.yaml'])).toEqual(['other.yaml:depth']);
    expect(rows(['--targets', 'extra.yaml', 'params.yaml'])).toEqual(['extra.yaml:seed', 'params.yaml:lr']);
    // from a subfolder, targets are relative to it
    gen(dir, { 'sub/.keep': '' });
    const sub = JSON.parse(ok(join(dir, 'sub'), ['params', 'diff', '--targets', '../other.yaml', '--json']));
    expect(sub.rows.map((r: { key: string }) => r.key)).toEqual(['depth']);
  });
});

describe('metrics diff --targets', () => {
  it('compares only the named metrics files', async () => {
    const dir = await tempRepo({
      'cairn.yaml': 'stages:\n  eval:\n    cmd: node e.js\n    metrics:\n      - a.json:\n          cache: false\n      - b.json:\n          cache: false\n',
      'a.json': '{"acc": 0.9}',
      'b.json': '{"loss": 0.3}',
    });
    commit(dir, 'one');
    gen(dir, { 'a.json': '{"acc": 0.95}', 'b.json': '{"loss": 0.2}' });
    const paths = (args: string[]) => json(dir, ['metrics', 'diff', ...args]).rows.map((r: { path: string }) => r.path);
    expect(paths([])).toEqual(['a.json', 'b.json']);
    expect(paths(['--targets', 'b.json'])).toEqual(['b.json']);
  });
});

describe('metrics show over several revisions', () => {
  async function twoRevisions() {
    const dir = await tempRepo({
      'cairn.yaml': 'stages:\n  eval:\n    cmd: node e.js\n    metrics:\n      - m.json:\n          cache: false\n',
      'm.json': '{"acc": 0.9, "loss": 0.3}',
    });
    commit(dir, 'one');
    git(dir, 'tag', 'v1');
    git(dir, 'checkout', '-q', '-b', 'exp');
    gen(dir, { 'm.json': '{"acc": 0.95, "loss": 0.2, "f1": 0.7}' });
    commit(dir, 'two');
    return dir;
  }

  it("prints DVC's wide table: a row per revision, a column per metric; --all keeps the long form", async () => {
    const dir = await twoRevisions();
    const wide = lines(ok(dir, ['metrics', 'show', '--rev', 'v1', '--rev', 'exp']));
    expect(wide.map((l) => l.split(/\s+/))).toEqual([
      ['Revision', 'Path', 'acc', 'loss', 'f1'],
      ['v1', 'm.json', '0.9', '0.3', '-'],
      ['exp', 'm.json', '0.95', '0.2', '0.7'],
    ]);
    const long = lines(ok(dir, ['metrics', 'show', '--rev', 'v1', '--rev', 'exp', '--all']));
    expect(long[0]!.split(/\s+/)).toEqual(['Revision', 'Path', 'Metric', 'Value']);
    expect(long).toHaveLength(1 + 2 + 3);
    // one revision: the long form, as before
    expect(lines(ok(dir, ['metrics', 'show']))[0]!.split(/\s+/)).toEqual(['Revision', 'Path', 'Metric', 'Value']);
    // -a (every branch) and -T (every tag), as in DVC; CSV has the same columns
    const csv = lines(ok(dir, ['metrics', 'show', '-a', '-T', '--csv']));
    expect(csv[0]).toBe('Revision,Path,acc,loss,f1');
    expect(csv.slice(1).map((l) => l.split(',')[0]).sort()).toEqual(['exp', 'main', 'v1']);
  });
});

describe('top-level metrics: and plots: in cairn.yaml (DVC 3)', () => {
  it('metrics show/diff read top-level metrics files, plots show reads top-level plots with their props', async () => {
    const dir = await tempRepo({
      'cairn.yaml': 'metrics:\n  - summary.json\nplots:\n  - loss.csv:\n      x: step\n      y: loss\n  - raw.csv\n',
      'summary.json': '{"auc": 0.8}',
      'loss.csv': 'step,loss\n1,0.5\n2,0.4\n',
      'raw.csv': 'a,b\n1,2\n',
    });
    commit(dir, 'one');
    gen(dir, { 'summary.json': '{"auc": 0.85}' });
    expect(json(dir, ['metrics', 'show']).revisions[0].files).toEqual({ 'summary.json': { auc: 0.85 } });
    const d = json(dir, ['metrics', 'diff']);
    expect(d.rows.map((r: { path: string; key: string; old: number; new: number }) => [r.path, r.key, r.old, r.new])).toEqual([['summary.json', 'auc', 0.8, 0.85]]);
    const p = json(dir, ['plots', 'show']);
    expect(p.plots.map((x: { path: string }) => x.path)).toEqual(['loss.csv', 'raw.csv']);
    const loss = p.plots.find((x: { path: string }) => x.path === 'loss.csv');
    expect(JSON.stringify(loss.spec)).toContain('"step"');
  });

  it('a bad top-level entry is reported naming the file, line and key (as a stage-level one is)', async () => {
    const dir = await tempRepo({ 'cairn.yaml': 'metrics:\n  - {a.json: {x: 1}}\n' });
    const r = cairn(dir, ['metrics', 'show']);
    expect(r.stderr).toMatch(/cairn\.yaml:2: metrics\[0\]: must be a path/);
    expect(cairn(dir, ['dag']).code).toBe(2);
  });
});

describe('a metrics file holding a single number', () => {
  it('is shown under an empty key, and diffs like any metric', async () => {
    const dir = await tempRepo({ 'cairn.yaml': 'metrics:\n  - acc.json\n', 'acc.json': '0.9\n' });
    commit(dir, 'one');
    gen(dir, { 'acc.json': '0.93\n' });
    expect(json(dir, ['metrics', 'show']).revisions[0].files).toEqual({ 'acc.json': { '': 0.93 } });
    const text = lines(ok(dir, ['metrics', 'show']));
    expect(text[1]!.split(/\s+/)).toEqual(['workspace', 'acc.json', '0.93']); // the metric column is empty
    const d = json(dir, ['metrics', 'diff']);
    expect(d.rows.map((r: { key: string; old: number; new: number }) => [r.key, r.old, r.new])).toEqual([['', 0.9, 0.93]]);
  });
});

describe('every gc scope keeps the workspace', () => {
  /**
   * One commit (tagged, on main) names data v1; the workspace then holds v3 (added, not
   * committed) and a stage output written by an uncommitted repro. v2 was added in between
   * and is referred to by nothing: each scope must remove it and keep the rest.
   */
  async function scene() {
    const store = tempDir('cairn-remote-');
    const dir = await tempRepo({ 'd.txt': 'v1\n', 'cairn.yaml': 'stages:\n  make:\n    cmd: tr a-z A-Z < d.txt > out.txt\n    deps: [d.txt]\n    outs: [out.txt]\n' });
    ok(dir, ['remote', 'add', '-d', 's', store]);
    ok(dir, ['add', 'd.txt']);
    commit(dir, 'one');
    git(dir, 'tag', 'v1');
    gen(dir, { 'd.txt': 'v2\n' });
    ok(dir, ['add', 'd.txt']);
    const v2 = idOf(dir, 'd.txt.cairn');
    ok(dir, ['push']);
    gen(dir, { 'd.txt': 'v3\n' });
    ok(dir, ['add', 'd.txt']);
    ok(dir, ['repro']);
    ok(dir, ['push']);
    const ws = [idOf(dir, 'd.txt.cairn'), lockOutId(dir)];
    return { dir, store, v2, ws };
  }

  function idOf(dir: string, pointer: string): string {
    const m = /(?:^|\n)\s*-?\s*id:\s*(\S+)/.exec(readFileSync(join(dir, pointer), 'utf8'));
    return m![1]!;
  }

  function lockOutId(dir: string): string {
    const lock = readFileSync(join(dir, 'cairn.lock'), 'utf8');
    const outs = lock.slice(lock.indexOf('outs:'));
    return /id:\s*(\S+)/.exec(outs)![1]!;
  }

  const cached = (dir: string, id: string) => existsSync(join(dir, '.cairn', 'cache', objectKey('xxh64x2', id)));
  const SCOPES = [['--all-branches'], ['--all-tags'], ['--all-commits'], ['--rev', 'HEAD'], ['--rev', 'v1']].map((s) => [s.join(' '), s] as const);

  it.each(SCOPES)('gc %s, then gc --cloud with the same scope', async (_name, scope) => {
    const { dir, store, v2, ws } = await scene();
    const onRemote = (id: string) => existsSync(join(store, objectKey('xxh64x2', id)));
    for (const id of [...ws, v2]) expect(cached(dir, id) && onRemote(id), id).toBe(true);

    const r = json(dir, ['gc', ...scope]);
    expect(r.removed.map((x: { id: string }) => x.id)).toContain(v2);
    for (const id of ws) expect(cached(dir, id), `workspace object ${id} kept by gc ${scope.join(' ')}`).toBe(true);

    const c = json(dir, ['gc', '--cloud', ...scope]);
    expect(c.removed).toContain(v2);
    for (const id of ws) expect(onRemote(id), `workspace object ${id} kept on the remote by gc --cloud ${scope.join(' ')}`).toBe(true);

    // and the workspace is still whole: deleted files come back from the cache
    rmSync(join(dir, 'd.txt'));
    rmSync(join(dir, 'out.txt'));
    ok(dir, ['checkout']);
    expect(readFileSync(join(dir, 'd.txt'), 'utf8')).toBe('v3\n');
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('V3\n');
  });
});
