import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseLock } from '../../src/repo/lockfile.js';
import { cairn, cleanup, gen, git, tempDir, tempRepo } from '../helpers.js';

afterEach(cleanup);

function commit(dir: string, msg: string) {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', msg);
}

async function metricsRepo() {
  const dir = await tempRepo({
    'cairn.yaml': 'stages:\n  train:\n    cmd: node t.js\n    metrics:\n      - m.json:\n          cache: false\n',
    'm.json': JSON.stringify({ acc: 0.9, loss: 0.2, name: 'x|y' }),
  });
  commit(dir, 'one');
  gen(dir, { 'm.json': JSON.stringify({ acc: 0.85, loss: 0.3, name: 'x|y' }) });
  commit(dir, 'two');
  return dir;
}

describe('cairn metrics diff (CLI)', () => {
  it('--md prints a GFM table with a header, a delimiter row and one row per change', async () => {
    const dir = await metricsRepo();
    const r = cairn(dir, ['metrics', 'diff', 'HEAD~1', 'HEAD', '--md']);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('|'));
    expect(rows[0]).toBe('| Path | Metric | Old | New | Change | Change % |');
    expect(rows[1]).toMatch(/^\|(---\|){6}$/);
    expect(rows.slice(2)).toEqual(['| m.json | acc | 0.9 | 0.85 | -0.05 | -5.5556% |', '| m.json | loss | 0.2 | 0.3 | +0.1 | +50% |']);
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|').length).toBe(8);
  });

  it('--fail-on exits 4 naming the violated rule, 0 when no rule fires', async () => {
    const dir = await metricsRepo();
    const bad = cairn(dir, ['metrics', 'diff', 'HEAD~1', 'HEAD', '--fail-on', 'acc < -0.01', '--fail-on', 'loss > 60%']);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain('failed: acc < -0.01');
    expect(bad.stderr).not.toContain('loss > 60%');
    const ok = cairn(dir, ['metrics', 'diff', 'HEAD~1', 'HEAD', '--fail-on', 'acc < -0.1', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).violations).toEqual([]);
  });

  it('an unknown revision exits 2 and names it; a bad rule exits 2', async () => {
    const dir = await metricsRepo();
    const r = cairn(dir, ['metrics', 'diff', 'nope', 'HEAD']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown revision 'nope'");
    const b = cairn(dir, ['metrics', 'diff', '--fail-on', 'acc ~ 1']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('acc ~ 1');
  });

  it('metrics show --csv and params diff run through the CLI', async () => {
    const dir = await metricsRepo();
    const r = cairn(dir, ['metrics', 'show', '--rev', 'HEAD', '--csv']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toContain('HEAD,m.json,acc,0.85');
  });
});

describe('cairn install', () => {
  it('is idempotent, coexists with an existing hook, and uninstalls cleanly', async () => {
    const dir = await tempRepo();
    gen(dir, { '.git/hooks/pre-commit': { content: '#!/bin/sh\necho mine\n', mode: 0o755 } });
    expect(cairn(dir, ['install']).code).toBe(0);
    const once = readFileSync(join(dir, '.git/hooks/pre-commit'), 'utf8');
    expect(cairn(dir, ['install']).code).toBe(0);
    expect(readFileSync(join(dir, '.git/hooks/pre-commit'), 'utf8')).toBe(once);
    expect(once.startsWith('#!/bin/sh\necho mine\n')).toBe(true);
    expect(once.match(/>>> cairn hook/g)).toHaveLength(1);
    expect(statSync(join(dir, '.git/hooks/post-checkout')).mode & 0o111).toBeTruthy();
    expect(readFileSync(join(dir, '.gitattributes'), 'utf8')).toContain('cairn.lock merge=cairn');
    expect(readFileSync(join(dir, '.git/config'), 'utf8')).toContain('[merge "cairn"]');
    expect(cairn(dir, ['install', '--uninstall']).code).toBe(0);
    expect(readFileSync(join(dir, '.git/hooks/pre-commit'), 'utf8').trim()).toBe('#!/bin/sh\necho mine');
    expect(existsSync(join(dir, '.git/hooks/post-checkout'))).toBe(false);
    expect(existsSync(join(dir, '.gitattributes'))).toBe(false);
    expect(readFileSync(join(dir, '.git/config'), 'utf8')).not.toContain('merge "cairn"');
  });

  it('post-checkout restores tracked data after git checkout; pre-commit warns about modified data', async () => {
    const dir = await tempRepo({ 'data.txt': 'one\n' });
    expect(cairn(dir, ['add', 'data.txt']).code).toBe(0);
    commit(dir, 'v1');
    gen(dir, { 'data.txt': 'two\n' });
    expect(cairn(dir, ['add', 'data.txt']).code).toBe(0);
    commit(dir, 'v2');
    expect(cairn(dir, ['install']).code).toBe(0);
    git(dir, 'checkout', '-q', 'HEAD~1');
    expect(readFileSync(join(dir, 'data.txt'), 'utf8')).toBe('one\n');
    git(dir, 'checkout', '-q', 'main');
    expect(readFileSync(join(dir, 'data.txt'), 'utf8')).toBe('two\n');
    gen(dir, { 'data.txt': 'three\n', 'other.txt': 'x' });
    const hook = cairn(dir, ['install', '--run-hook', 'pre-commit']);
    expect(hook.code).toBe(0);
    expect(hook.stderr).toContain('data.txt changed');
  });
});

describe('pre-push hook', () => {
  it('pushes data to the cairn remote when git pushes', async () => {
    const store = tempDir('cairn-remote-');
    const bare = tempDir('cairn-bare-');
    git(bare, 'init', '-q', '--bare');
    const dir = await tempRepo({ 'd.txt': 'data\n' });
    const cfg = readFileSync(join(dir, '.cairn/config.yaml'), 'utf8').replace(/^core:\n/m, 'core:\n  remote: s\n');
    gen(dir, { '.cairn/config.yaml': `${cfg}\nremote:\n  s:\n    url: ${store}\n` });
    expect(cairn(dir, ['add', 'd.txt']).code).toBe(0);
    commit(dir, 'one');
    expect(cairn(dir, ['install']).code).toBe(0);
    git(dir, 'remote', 'add', 'origin', bare);
    git(dir, 'push', '-q', 'origin', 'main');
    const id = /id: (\w+)/.exec(readFileSync(join(dir, 'd.txt.cairn'), 'utf8'))![1]!;
    expect(existsSync(join(store, 'xxh64x2', id.slice(0, 2), id.slice(2)))).toBe(true);
  });
});

describe('cairn merge driver', () => {
  const lock = (stages: Record<string, string>) =>
    `schema: '1'\nstages:\n${Object.entries(stages)
      .sort()
      .map(([n, id]) => `  ${n}:\n    cmd: node ${n}.js\n    deps: []\n    params: {}\n    outs:\n      - path: ${n}.out\n        hash: xxh64x2\n        id: ${id}\n        size: 1\n`)
      .join('')}`;
  const ID = (c: string) => `f${c}`.repeat(16);

  it('merges lock changes to different stages from two branches, and flags a true conflict', async () => {
    const dir = await tempRepo({ 'cairn.lock': lock({ a: ID('0'), b: ID('0') }) });
    expect(cairn(dir, ['install']).code).toBe(0);
    commit(dir, 'base');
    git(dir, 'checkout', '-q', '-b', 'left');
    gen(dir, { 'cairn.lock': lock({ a: ID('1'), b: ID('0') }) });
    commit(dir, 'left changes a');
    git(dir, 'checkout', '-q', 'main');
    gen(dir, { 'cairn.lock': lock({ a: ID('0'), b: ID('2') }) });
    commit(dir, 'main changes b');
    git(dir, 'merge', '-q', '--no-edit', 'left');
    const merged = parseLock(readFileSync(join(dir, 'cairn.lock'), 'utf8'), 'cairn.lock');
    expect(Object.fromEntries(Object.entries(merged.stages).map(([n, s]) => [n, s.outs[0]!.id]))).toEqual({ a: ID('1'), b: ID('2') });

    git(dir, 'checkout', '-q', '-b', 'x');
    gen(dir, { 'cairn.lock': lock({ a: ID('3'), b: ID('2') }) });
    commit(dir, 'x changes a');
    git(dir, 'checkout', '-q', 'main');
    gen(dir, { 'cairn.lock': lock({ a: ID('4'), b: ID('2') }) });
    commit(dir, 'main changes a');
    let failed = false;
    try {
      git(dir, 'merge', '-q', '--no-edit', 'x');
    } catch {
      failed = true;
    }
    expect(failed).toBe(true);
    expect(git(dir, 'diff', '--name-only', '--diff-filter=U').trim()).toBe('cairn.lock');
  });
});
