// cairn.yaml and cairn.lock paths that name the repo itself, .git/ or .cairn/: refused with
// exit 2 naming the file and line before anything is deleted (repro removes outs before a
// stage runs; checkout restores lock outs).
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, expectOk, expectRefused, expectUnchanged, hostileRepo, readPointerFields, type HostileRepo } from './harness.js';

afterAll(cleanup);

const stage = (key: string, value: string, extra = '') => `stages:\n  s:\n    cmd: echo hi > marker.txt\n${extra}    ${key}:\n      - ${value}\n`;

describe('cairn.yaml paths (repro)', () => {
  // one repo for the refusals: each one is checked to leave it as it was
  let shared: HostileRepo | undefined;
  const repo = () => (shared ??= hostileRepo());

  it.each(['.', '.git', '.cairn', '.cairn/cache', '.git/hooks', '.cairn/cache/xxh64x2', 'sub/../.git', './.git/objects', '.Git'])('refuses outs: [%s], deleting nothing', (out) => {
    const a = repo();
    a.write({ 'keep.txt': 'mine\n', 'cairn.yaml': stage('outs', JSON.stringify(out)) });
    const before = a.snapshot();
    expectRefused(a.cairn(['repro']), { exit: 2, mentions: ['cairn.yaml:5', 'stages.s.outs[0]'] });
    expectUnchanged(before, a.snapshot());
    expect(existsSync(join(a.root, 'keep.txt'))).toBe(true);
    expect(existsSync(join(a.root, 'marker.txt'))).toBe(false);
  });

  it.each([
    ['metrics', '.git/metrics.json'],
    ['plots', '.cairn/plot.csv'],
    ['deps', '.git/config'],
    ['deps', '.'],
  ])('refuses %s: [%s]', (key, value) => {
    const a = repo();
    a.write({ 'cairn.yaml': stage(key, JSON.stringify(value)) });
    const before = a.snapshot();
    expectRefused(a.cairn(['repro']), { exit: 2, mentions: ['cairn.yaml:5', `stages.s.${key}[0]`] });
    expectRefused(a.cairn(['status']), { exit: 2, mentions: ['cairn.yaml:5'] });
    expectUnchanged(before, a.snapshot());
  });

  it('refuses wdir inside .git/ and params files inside .cairn/', () => {
    const a = repo();
    a.write({ 'cairn.yaml': 'stages:\n  s:\n    cmd: echo hi\n    wdir: .git\n' });
    expectRefused(a.cairn(['repro']), { exit: 2, mentions: ['cairn.yaml:4', 'wdir'] });
    a.write({ 'cairn.yaml': 'stages:\n  s:\n    cmd: echo hi\n    params:\n      - .cairn/config.yaml:\n          - core\n' });
    expectRefused(a.cairn(['repro']), { exit: 2, mentions: ['cairn.yaml:5', 'params'] });
  });

  it('refuses an out that holds its own cairn.yaml (sub/cairn.yaml with outs: [.])', () => {
    const a = hostileRepo();
    a.write({ 'sub/cairn.yaml': stage('outs', '.'), 'sub/keep.txt': 'mine\n' });
    const before = a.snapshot();
    expectRefused(a.cairn(['repro']), { exit: 2, mentions: ['sub/cairn.yaml', 'contains this pipeline file'] });
    expectUnchanged(before, a.snapshot());
    expect(existsSync(join(a.root, 'sub/keep.txt'))).toBe(true);
  });

  it('a stage in a subfolder may still use ../ paths inside the repo, and its lock reads back', () => {
    const a = hostileRepo();
    a.write({ 'data.txt': 'in\n', 'sub/cairn.yaml': 'stages:\n  s:\n    cmd: cat ../data.txt > ../out.txt\n    deps:\n      - ../data.txt\n    outs:\n      - ../out.txt\n' });
    expectOk(a.cairn(['repro']));
    expect(existsSync(join(a.root, 'out.txt'))).toBe(true);
    const again = expectOk(a.cairn(['repro']));
    expect(again.stdout).toMatch(/skipped|up to date|unchanged/i);
    expectOk(a.cairn(['checkout']));
  });
});

describe('cairn.lock paths (checkout)', () => {
  const lock = (path: string, f: { id: string; size: number }) =>
    `schema: '1'\nstages:\n  s:\n    cmd: x\n    outs:\n      - path: ${JSON.stringify(path)}\n        hash: xxh64x2\n        id: ${f.id}\n        size: ${f.size}\n`;

  let shared: { a: HostileRepo; f: { id: string; size: number } } | undefined;
  const seeded = () => {
    if (!shared) {
      const a = hostileRepo();
      a.write({ 'seed.txt': 'seed\n', 'keep.txt': 'mine\n' });
      expectOk(a.cairn(['add', 'seed.txt']));
      expectOk(a.cairn(['push']));
      shared = { a, f: readPointerFields(join(a.root, 'seed.txt.cairn')) };
    }
    return shared;
  };

  it.each(['.', '.git', '.cairn/cache', '.git/hooks/pre-commit', '..', '../outside'])('refuses a lock out %s, naming cairn.lock:6', (p) => {
    const { a, f } = seeded();
    a.write({ 'cairn.lock': lock(p, f) });
    const before = a.snapshot();
    for (const args of [['checkout'], ['checkout', '--force'], ['push'], ['fetch']]) {
      expectRefused(a.cairn(args), { exit: 2, mentions: ['cairn.lock:6', 'stages.s.outs[0].path'] });
      expectUnchanged(before, a.snapshot());
    }
    expect(existsSync(join(a.root, 'keep.txt'))).toBe(true);
  });

  it('refuses a lock in a subfolder whose ../.. climbs out of the repo', () => {
    const { a, f } = seeded();
    rmSync(join(a.root, 'cairn.lock'), { force: true });
    a.write({ 'sub/cairn.lock': lock('../../outside/precious.txt', f) });
    const before = a.snapshot();
    expectRefused(a.cairn(['checkout', '--force']), { exit: 2, mentions: ['sub/cairn.lock:6', 'outside the repository'] });
    expectUnchanged(before, a.snapshot());
  });
});
