// Pipeline behaviours pinned to what DVC 3.x does (checked against the real `dvc` 3.67):
// callback stages and the run-cache, outs removed before a restore, tracked data sources
// recorded by repro, `commit <stage>`, vars merging and stage-level vars, a missing params file
// in status. Each test spawns the built CLI in a real temp git repo.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, cleanup, gen, git, ROOT, tempDir } from '../helpers.js';

const STEP = join(ROOT, 'fixtures', 'pipeline', 'step.mjs');
const step = (args: string) => `node ${STEP} ${args}`;

function repoWith(files: Record<string, string>): string {
  const dir = tempDir();
  git(dir, 'init', '-q', '-b', 'main');
  gen(dir, files);
  const r = cairn(dir, ['init']);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

/** Stage names step.mjs logged since the last call (sorted). */
function ran(dir: string): string[] {
  const f = join(dir, 'run.log');
  if (!existsSync(f)) return [];
  const lines = readFileSync(f, 'utf8').trim().split('\n').filter(Boolean);
  rmSync(f);
  return lines.map((l) => l.split(' ')[0]!).sort();
}

const ok = (dir: string, args: string[]) => {
  const r = cairn(dir, args);
  expect(r.code, `cairn ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
};

interface JsonStage { id: string; status: string; alwaysChanged?: boolean; callback?: boolean; changed?: boolean; deps?: { path: string; change: string }[]; params?: { file: string; key: string; change: string }[] }

afterEach(() => cleanup());

describe('callback stages and the run-cache', () => {
  it('a stage with no deps and no outs runs on every repro and status shows it as always changed', () => {
    const dir = repoWith({ 'cairn.yaml': `stages:\n  notify:\n    cmd: ${step('-')}\n` });
    ok(dir, ['repro']);
    expect(ran(dir)).toEqual(['notify']);
    const again = ok(dir, ['repro']);
    expect(ran(dir)).toEqual(['notify']);
    expect(again.stdout).toContain('always changed (no deps and no outs)');
    const st = ok(dir, ['status']);
    expect(st.stdout).toContain('notify:\n\talways changed');
    const j = JSON.parse(ok(dir, ['status', '--json']).stdout) as { pipeline: { stages: JsonStage[] } };
    expect(j.pipeline.stages[0]).toMatchObject({ id: 'notify', changed: true, alwaysChanged: true, callback: true });
  });

  it('a stage with outs but no deps is never restored from the run-cache: a stale `date > out` is not brought back', () => {
    const dir = repoWith({ 'cairn.yaml': 'stages:\n  stamp:\n    cmd: date +%s%N > out.txt\n    outs: [out.txt]\n' });
    ok(dir, ['repro']);
    const first = readFileSync(join(dir, 'out.txt'), 'utf8');
    // unchanged: skipped, as in DVC (it has outs, so it is not a callback stage)
    expect(ok(dir, ['repro']).stdout).toContain("Stage 'stamp' didn't change, skipping");
    rmSync(join(dir, 'out.txt'));
    const r = ok(dir, ['repro', '--json']);
    expect(JSON.parse(r.stdout).stages[0].status).toBe('ran');
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).not.toBe(first);
    expect(existsSync(join(dir, '.cairn', 'cache', 'runs'))).toBe(false);
  });

  it('a stage with deps but no outs is run again when its deps return to a state seen before, never "restored"', () => {
    const dir = repoWith({ 'in.txt': 'a', 'cairn.yaml': `stages:\n  check:\n    cmd: ${step('- in.txt')}\n    deps: [in.txt]\n` });
    ok(dir, ['repro']);
    writeFileSync(join(dir, 'in.txt'), 'b');
    ok(dir, ['repro']);
    writeFileSync(join(dir, 'in.txt'), 'a');
    const r = JSON.parse(ok(dir, ['repro', '--json']).stdout);
    expect(r.stages[0].status).toBe('ran');
    expect(ran(dir)).toEqual(['check', 'check', 'check']);
  });
});

describe('outs removed before a restore', () => {
  it('a file added by hand to an out folder is removed when the stage is restored, and the stage comes up to date', () => {
    const dir = repoWith({ 'in.txt': 'x', 'cairn.yaml': `stages:\n  mk:\n    cmd: mkdir -p outd && cp in.txt outd/a.txt\n    deps: [in.txt]\n    outs: [outd]\n` });
    ok(dir, ['repro']);
    writeFileSync(join(dir, 'outd', 'extra.txt'), 'by hand');
    expect(ok(dir, ['status']).stdout).toMatch(/modified: outd/);
    const r = ok(dir, ['repro']);
    expect(r.stdout).toContain("Stage 'mk' restored from run-cache");
    expect(readdirSync(join(dir, 'outd'))).toEqual(['a.txt']);
    expect(ok(dir, ['status']).stdout).toContain('Everything is up to date.');
    expect(ok(dir, ['repro']).stdout).toContain("Stage 'mk' didn't change, skipping");
  });
});

describe('tracked data sources', () => {
  const PIPE = `stages:\n  use:\n    cmd: ${step('used.txt data.txt')}\n    deps: [data.txt]\n    outs: [used.txt]\n  other:\n    cmd: ${step('o2.txt o.txt')}\n    deps: [o.txt]\n    outs: [o2.txt]\n`;

  function withSource(): string {
    const dir = repoWith({ 'data.txt': 'v1\n', 'o.txt': 'o', 'cairn.yaml': PIPE });
    ok(dir, ['add', 'data.txt']);
    ok(dir, ['repro']);
    git(dir, 'add', '-A');
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'one');
    ran(dir);
    return dir;
  }

  it('repro records edited data a stage depends on in its pointer file (cache first), and names it for git', () => {
    const dir = withSource();
    const before = readFileSync(join(dir, 'data.txt.cairn'), 'utf8');
    writeFileSync(join(dir, 'data.txt'), 'v2\n');
    // --dry says so and writes nothing
    const dry = ok(dir, ['repro', '--dry']);
    expect(dry.stdout).toContain("would update data.txt.cairn  (data source 'data.txt' changed)");
    expect(readFileSync(join(dir, 'data.txt.cairn'), 'utf8')).toBe(before);
    const r = ok(dir, ['repro']);
    expect(r.stdout).toContain("Updated data source 'data.txt' (data.txt.cairn)");
    expect(r.stdout).toMatch(/git add .*data\.txt\.cairn/);
    expect(ran(dir)).toEqual(['use']);
    const after = readFileSync(join(dir, 'data.txt.cairn'), 'utf8');
    expect(after).not.toBe(before);
    // pointer, lock and workspace agree: nothing to do, nothing modified
    expect(ok(dir, ['status']).stdout).toContain('Everything is up to date.');
    // the new content is in the cache: delete it and check it out again
    rmSync(join(dir, 'data.txt'));
    ok(dir, ['checkout', 'data.txt']);
    expect(readFileSync(join(dir, 'data.txt'), 'utf8')).toBe('v2\n');
  });

  it('only the sources of the stages repro looks at: not for another target, not with --single-item, never a deletion', () => {
    const dir = withSource();
    const before = readFileSync(join(dir, 'data.txt.cairn'), 'utf8');
    writeFileSync(join(dir, 'data.txt'), 'v3\n');
    ok(dir, ['repro', 'other']);
    expect(readFileSync(join(dir, 'data.txt.cairn'), 'utf8')).toBe(before);
    ok(dir, ['repro', '-s', 'use']);
    expect(readFileSync(join(dir, 'data.txt.cairn'), 'utf8')).toBe(before);
    rmSync(join(dir, 'data.txt'));
    const r = cairn(dir, ['repro']);
    expect(r.code).toBe(2);
    expect(readFileSync(join(dir, 'data.txt.cairn'), 'utf8')).toBe(before);
  });
});

describe('commit <stage>', () => {
  it('writes the lock entry from the workspace without running the stage; fails naming a missing out', () => {
    const dir = repoWith({ 'in.txt': 'x', 'params.yaml': 'k: 1\n', 'cairn.yaml': `stages:\n  s:\n    cmd: ${step('o.txt in.txt')}\n    deps: [in.txt]\n    params: [k]\n    outs: [o.txt]\n` });
    const missing = cairn(dir, ['commit', 's']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("cannot commit stage 's': its out 'o.txt' does not exist");
    expect(existsSync(join(dir, 'cairn.lock'))).toBe(false);
    writeFileSync(join(dir, 'o.txt'), 'made by hand');
    const r = ok(dir, ['commit', 's']);
    expect(r.stdout).toContain('committed stage s');
    expect(r.stdout).toMatch(/git add \.gitignore cairn\.lock/);
    expect(ran(dir)).toEqual([]);
    const lock = readFileSync(join(dir, 'cairn.lock'), 'utf8');
    expect(lock).toContain('  s:\n');
    expect(lock).toContain('k: 1');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toContain('/o.txt');
    expect(ok(dir, ['status']).stdout).toContain('Everything is up to date.');
    expect(ok(dir, ['repro']).stdout).toContain("Stage 's' didn't change, skipping");
    // again: nothing changed; -f is accepted (dvc commit -f)
    expect(ok(dir, ['commit', '-f', 's']).stdout).toContain('Nothing to commit');
    // an out path names its stage, as in DVC
    writeFileSync(join(dir, 'o.txt'), 'edited');
    expect(ok(dir, ['commit', 'o.txt']).stdout).toContain('committed stage s');
    // the run-cache learned the committed run: delete the out and repro restores it
    rmSync(join(dir, 'o.txt'));
    expect(ok(dir, ['repro']).stdout).toContain("Stage 's' restored from run-cache");
    expect(readFileSync(join(dir, 'o.txt'), 'utf8')).toBe('edited');
    expect(ran(dir)).toEqual([]);
  });
});

describe('status <stage>', () => {
  it('reports only the named stages (by name, or by one of their outs), tracked data beside them, and still refuses an unknown target', () => {
    const dir = repoWith({ 'in.txt': 'x', 'raw.csv': 'r', 'cairn.yaml': `stages:\n  a:\n    cmd: ${step('a.txt in.txt')}\n    deps: [in.txt]\n    outs: [a.txt]\n  b:\n    cmd: ${step('b.txt a.txt')}\n    deps: [a.txt]\n    outs: [b.txt]\n` });
    ok(dir, ['add', 'raw.csv']);
    const never = JSON.parse(ok(dir, ['status', '--json', 'b']).stdout) as { targets: unknown[]; pipeline: { stages: JsonStage[]; changed: string[] } };
    expect(never.pipeline.stages.map((x) => x.id)).toEqual(['b']);
    expect(never.pipeline.changed).toEqual(['b']);
    expect(never.targets).toEqual([]);
    ok(dir, ['repro']);
    ran(dir);
    writeFileSync(join(dir, 'in.txt'), 'y');
    const a = JSON.parse(ok(dir, ['status', '--json', 'a.txt', 'raw.csv']).stdout) as { targets: { path: string; state: string }[]; pipeline: { stages: JsonStage[]; changed: string[] } };
    expect(a.pipeline.stages.map((x) => x.id)).toEqual(['a']);
    expect(a.pipeline.changed).toEqual(['a']);
    expect(a.targets.map((t) => [t.path, t.state])).toEqual([['raw.csv', 'up-to-date']]);
    // b's own lock comparison holds (its dep a.txt is as recorded): only a is reported changed
    expect((JSON.parse(ok(dir, ['status', '--json', 'b']).stdout) as { pipeline: { changed: string[] } }).pipeline.changed).toEqual([]);
    const bad = cairn(dir, ['status', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'nope' is not tracked by cairn");
  });
});

describe('vars', () => {
  it('merges nested mappings from params.yaml and several vars entries, takes stage-level vars, and ${...} in matrix values', () => {
    const dir = repoWith({
      'params.yaml': 'train:\n  lr: 0.1\nmodels: [rf, cart]\n',
      'extra.yaml': 'train:\n  epochs: 3\nsel:\n  a: 7\nother: 1\n',
      'src/local.yaml': 'depth: 4\n',
      'cairn.yaml': [
        'vars:',
        '  - extra.yaml:train',
        '  - train:',
        '      batch: 8',
        'stages:',
        '  s:',
        '    wdir: src',
        '    vars:',
        '      - local.yaml',
        '      - name: bob',
        `    cmd: echo \${train.lr} \${train.epochs} \${train.batch} \${depth} \${name} > ../s.txt`,
        '    outs: [../s.txt]',
        '  m:',
        '    matrix:',
        '      model: ${models}',
        '      cfg: [{n: 1}, {n: 2}]',
        '    vars:',
        '      - suffix: txt',
        `    cmd: echo \${item.model} \${item.cfg.n} \${key} > out/\${key}.\${suffix}`,
        '    outs:',
        '      - out/${key}.${suffix}',
        '',
      ].join('\n'),
    });
    const r = ok(dir, ['repro', '--json']);
    expect(JSON.parse(r.stdout).stages.map((s: JsonStage) => s.id)).toEqual(['s', 'm@rf-cfg0', 'm@rf-cfg1', 'm@cart-cfg0', 'm@cart-cfg1']);
    expect(readFileSync(join(dir, 's.txt'), 'utf8')).toBe('0.1 3 8 4 bob\n');
    expect(readFileSync(join(dir, 'out', 'cart-cfg1.txt'), 'utf8')).toBe('cart 2 cart-cfg1\n');
  });

  it('a key defined twice is an error naming both sources, as in DVC; foreach keys are reserved', () => {
    const dir = repoWith({ 'params.yaml': 'train:\n  lr: 0.1\n', 'cairn.yaml': 'vars:\n  - train: {lr: 0.2}\nstages:\n  s:\n    cmd: echo ${train.lr}\n' });
    const r = cairn(dir, ['status']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cairn.yaml:2: vars[0]: cannot redefine 'train.lr' from 'vars[0]' as it already exists in 'params.yaml'");
    writeFileSync(join(dir, 'cairn.yaml'), 'stages:\n  s:\n    foreach: [a]\n    do:\n      vars:\n        - item: 3\n      cmd: echo ${item}\n');
    const r2 = cairn(dir, ['status']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain("attempted to modify reserved key 'item'");
  });
});

describe('a missing params file in status', () => {
  it('shows a whole-file params dep whose file is gone as deleted, and a gone key as a deleted param; status does not fail', () => {
    const dir = repoWith({
      'params.yaml': 'lr: 0.1\nk: 2\n',
      'other.yaml': 'x: 1\n',
      'cairn.yaml': `stages:\n  s:\n    cmd: ${step('o.txt')}\n    params: [lr, k, {other.yaml: }]\n    outs: [o.txt]\n  t:\n    cmd: ${step('t.txt')}\n    deps: [in.txt]\n    outs: [t.txt]\n`,
      'in.txt': 'i',
    });
    ok(dir, ['repro']);
    rmSync(join(dir, 'other.yaml'));
    writeFileSync(join(dir, 'params.yaml'), 'lr: 0.1\n');
    const r = cairn(dir, ['status']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('s:\n\tchanged deps:\n\t\tdeleted: other.yaml\n\tchanged params:\n\t\tdeleted: params.yaml: k\n');
    expect(r.stdout).not.toContain('other.yaml: x');
    const j = JSON.parse(ok(dir, ['status', '--json']).stdout) as { pipeline: { stages: JsonStage[] } };
    const s = j.pipeline.stages.find((x) => x.id === 's')!;
    expect(s.deps).toEqual([{ path: 'other.yaml', change: 'deleted' }]);
    expect(s.params).toEqual([{ file: 'params.yaml', key: 'k', change: 'deleted', old: 2 }]);
    expect(j.pipeline.stages.find((x) => x.id === 't')!.changed).toBe(false);
    // repro still refuses to record a stage without its params, naming the file
    const rp = cairn(dir, ['repro']);
    expect(rp.code).toBe(2);
    expect(rp.stderr).toContain("param 'k' of stage 's' is not in 'params.yaml'");
  });
});
