import { describe, expect, it } from 'vitest';
import { parsePipeline } from '../../src/pipeline/load.js';
import { parseLock, serializeLock, type LockFile } from '../../src/repo/lockfile.js';
import { CairnError } from '../../src/core/errors.js';

const files: Record<string, string> = {
  'params.yaml': 'prepare:\n  split: 0.2\ntrain:\n  lr: 0.1\n  layers: [8, 4]\nmodels: [a, b]\n',
  'sub/vars.yaml': 'seed: 7\n',
  'pipe/params.yaml': 'prepare:\n  split: 0.2\n',
};
const readFile = (r: string) => files[r];
const parse = (text: string, file = 'cairn.yaml') => parsePipeline({ text, file, readFile });

function err(fn: () => unknown): CairnError {
  try {
    fn();
  } catch (e) {
    return e as CairnError;
  }
  throw new Error('expected an error');
}

describe('parsePipeline', () => {
  it('reads stages with deps, params, outs, metrics and plots, resolving paths', () => {
    const p = parse(
      `stages:\n  prep:\n    cmd: node prep.mjs \${prepare.split}\n    wdir: src\n    deps: [../data/raw.csv, prep.mjs]\n    params: [prepare.split, {other.yaml: [a.b]}, {whole.json: }]\n    outs: [../out/prep, {../out/keep: {persist: true}}]\n    metrics: [{../m.json: {cache: false}}]\n    plots: [{../p.csv: {x: step, y: loss, template: linear}}]\n`,
      'pipe/cairn.yaml',
    );
    const s = p.stages[0]!;
    expect(p.dir).toBe('pipe');
    expect(s.cmd).toEqual(['node prep.mjs 0.2']);
    expect(s.wdir).toBe('pipe/src');
    expect(s.deps).toEqual(['pipe/data/raw.csv', 'pipe/src/prep.mjs']);
    expect(s.params).toEqual([
      { file: 'pipe/src/params.yaml', keys: ['prepare.split'] },
      { file: 'pipe/src/other.yaml', keys: ['a.b'] },
      { file: 'pipe/src/whole.json', keys: null },
    ]);
    expect(s.outs.map((o) => [o.path, o.kind, o.cache, o.persist])).toEqual([
      ['pipe/out/prep', 'out', true, false],
      ['pipe/out/keep', 'out', true, true],
      ['pipe/m.json', 'metric', false, false],
      ['pipe/p.csv', 'plot', true, false],
    ]);
    expect(s.outs[3]!.plot).toEqual({ x: 'step', y: 'loss', template: 'linear' });
  });

  it('templates from params.yaml and vars; a whole ${x} keeps its type', () => {
    const p = parse(`vars:\n  - sub/vars.yaml\n  - {name: bob}\nstages:\n  t:\n    cmd: echo \${train.lr} \${train.layers[1]} \${seed} \${name}\n    frozen: \${flag}\nvars2: 1\n`.replace('vars2: 1\n', '').replace('${flag}', 'false'));
    expect(p.stages[0]!.cmd).toEqual(['echo 0.1 4 7 bob']);
  });

  it('expands foreach over lists and maps, and matrix as a cartesian product', () => {
    const p = parse(
      `stages:\n  f:\n    foreach: \${models}\n    do:\n      cmd: echo \${item}\n      outs:\n        - out/\${item}\n  g:\n    foreach: {x: 1, y: 2}\n    do:\n      cmd: echo \${key} \${item}\n  m:\n    matrix:\n      a: [1, 2]\n      b: [u, v]\n    cmd: echo \${item.a}\${item.b}\n`,
    );
    expect(p.stages.map((s) => s.name)).toEqual(['f@a', 'f@b', 'g@x', 'g@y', 'm@1-u', 'm@1-v', 'm@2-u', 'm@2-v']);
    expect(p.stages[1]!.outs[0]!.path).toBe('out/b');
    expect(p.stages[3]!.cmd).toEqual(['echo y 2']);
    expect(p.stages[7]!.cmd).toEqual(['echo 2v']);
  });

  it('merges vars as DVC: nested mappings merge across params.yaml and vars entries; a redefined key is an error naming both', () => {
    const fs: Record<string, string> = { ...files, 'extra.yaml': 'train:\n  epochs: 3\nsel: {a: 1}\nother: 2\n' };
    const p = parsePipeline({ text: 'vars:\n  - extra.yaml:sel,train\n  - train: {batch: 8}\n  - params.yaml\nstages:\n  t:\n    cmd: echo ${train.lr} ${train.epochs} ${train.batch} ${sel.a}\n', file: 'cairn.yaml', readFile: (r) => fs[r] });
    expect(p.stages[0]!.cmd).toEqual(['echo 0.1 3 8 1']);
    const redefine = err(() => parse('vars:\n  - {train: {lr: 0.2}}\nstages:\n  t:\n    cmd: x\n'));
    expect(redefine.message).toBe("cairn.yaml:2: vars[0]: cannot redefine 'train.lr' from 'vars[0]' as it already exists in 'params.yaml'");
    expect(redefine.exitCode).toBe(2);
    expect(err(() => parse('vars:\n  - {a: {b: 1}}\n  - {a: 2}\nstages:\n  t:\n    cmd: x\n')).message).toContain("cannot redefine 'a' from 'vars[1]' as it already exists in 'vars[0]'");
    expect(err(() => parse('vars:\n  - params.yaml:train\nstages:\n  t:\n    cmd: x\n')).message).toContain("cannot partially load 'params.yaml:train' as it's already loaded");
    expect(err(() => parse('vars:\n  - sub/vars.yaml:nope\nstages:\n  t:\n    cmd: x\n')).message).toContain("could not find 'nope' in 'sub/vars.yaml'");
  });

  it('stage-level vars: read relative to the wdir, merged into a copy of the pipeline vars, reserved item/key', () => {
    const p = parse('stages:\n  a:\n    wdir: sub\n    vars:\n      - vars.yaml\n      - {n: 2}\n    cmd: echo ${seed} ${n} ${train.lr}\n  b:\n    cmd: echo ${train.lr}\n');
    expect(p.stages.map((s) => s.cmd[0])).toEqual(['echo 7 2 0.1', 'echo 0.1']);
    // the first stage's vars do not leak into the second
    expect(err(() => parse('stages:\n  a:\n    vars: [{n: 2}]\n    cmd: x\n  b:\n    cmd: echo ${n}\n')).message).toMatch(/stages\.b\.cmd: \$\{n\} is not defined/);
    expect(err(() => parse('stages:\n  a:\n    vars: [{train: {lr: 1}}]\n    cmd: x\n')).message).toContain("cannot redefine 'train.lr' from 'a.vars[0]' as it already exists in 'params.yaml'");
    expect(err(() => parse('stages:\n  a:\n    foreach: [x]\n    do:\n      vars: [{item: 1}]\n      cmd: x\n')).message).toContain("attempted to modify reserved key 'item'");
    const m = parse('stages:\n  m:\n    matrix: {a: [1]}\n    vars: [{z: 3}]\n    cmd: echo ${item.a} ${z} ${key}\n');
    expect(m.stages[0]!.cmd).toEqual(['echo 1 3 1']);
  });

  it('names generated stages as DVC: ${...} in matrix values, <axis><index> for composite values, index for foreach lists holding any composite', () => {
    const p = parse('stages:\n  m:\n    matrix:\n      model: ${models}\n      cfg: [{n: 1}, [2]]\n      lr: ["${train.lr}"]\n    cmd: echo ${key} ${item.lr}\n  f:\n    foreach: [x, {v: 2}]\n    do:\n      cmd: echo f\n');
    expect(p.stages.map((s) => s.name)).toEqual(['m@a-cfg0-0.1', 'm@a-cfg1-0.1', 'm@b-cfg0-0.1', 'm@b-cfg1-0.1', 'f@0', 'f@1']);
    expect(p.stages[3]!.cmd).toEqual(['echo b-cfg1-0.1 0.1']);
  });

  it('names file, line and key for bad YAML, unknown keys, wrong types and undefined vars', () => {
    const bad = err(() => parse('stages:\n  a:\n    cmd: [unclosed\n'));
    expect(bad.code).toBe('CAIRN_BAD_PIPELINE');
    expect(bad.message).toMatch(/^cairn\.yaml:\d+: malformed/);
    const unknown = err(() => parse('stages:\n  a:\n    cmd: x\n    outz: [a]\n'));
    expect(unknown.message).toMatch(/^cairn\.yaml:4: stages\.a\.outz: unknown key/);
    expect(unknown.exitCode).toBe(2);
    const type = err(() => parse('stages:\n  a:\n    cmd: x\n    frozen: maybe\n'));
    expect(type.message).toMatch(/^cairn\.yaml:4: stages\.a\.frozen: expected true or false/);
    const undef = err(() => parse('stages:\n  a:\n    cmd: echo ${nope.x}\n'));
    expect(undef.message).toMatch(/^cairn\.yaml:3: stages\.a\.cmd: \$\{nope\.x\} is not defined/);
    const escape = err(() => parse('stages:\n  a:\n    cmd: x\n    deps: [../../etc/passwd]\n'));
    expect(escape.message).toMatch(/outside the repository/);
  });
});

describe('lock file', () => {
  const id = '0123456789abcdef0123456789abcdef';
  const lock: LockFile = {
    stages: {
      b: { cmd: 'echo b', deps: [{ path: 'z', hash: 'xxh64x2', id, size: 1 }, { path: 'a', hash: 'xxh64x2', id: id + '.dir', size: 2, nfiles: 1 }], params: { 'params.yaml': { z: 1, a: 'x' } }, outs: [] },
      a: { cmd: ['x', 'y'], deps: [], params: {}, outs: [{ path: 'o', hash: 'xxh64x2', id, size: 3 }] },
    },
  };
  it('serialises deterministically and round-trips', () => {
    const text = serializeLock(lock);
    expect(text).toBe(serializeLock(parseLock(text, 'cairn.lock')));
    expect(text.indexOf('  a:')).toBeLessThan(text.indexOf('  b:'));
    expect(text.startsWith("schema: '1'\n")).toBe(true);
    expect(parseLock(text, 'cairn.lock').stages.b!.deps.map((d) => d.path)).toEqual(['a', 'z']);
  });
  it('rejects bad ids and hostile paths naming the file and line', () => {
    const lock = (p: string) => `schema: '1'\nstages:\n  a:\n    cmd: x\n    outs:\n      - path: ${p}\n        hash: xxh64x2\n        id: ${id}\n        size: 1\n`;
    // entry paths are relative to the lock's folder: climbing out of sub/ is fine, out of the repo is not
    expect(parseLock(lock('../etc'), 'sub/cairn.lock', { dir: 'sub' }).stages.a!.outs[0]!.path).toBe('../etc');
    const e = err(() => parseLock(lock('../../etc'), 'sub/cairn.lock', { dir: 'sub' }));
    expect(e.code).toBe('CAIRN_BAD_PATH');
    expect(e.message).toMatch(/^sub\/cairn\.lock:6: stages\.a\.outs\[0\]\.path/);
    for (const bad of ['.', '.git/hooks', '.cairn/cache/xxh64x2/ab', 'a/../.git']) {
      expect(err(() => parseLock(lock(JSON.stringify(bad)), 'cairn.lock', { dir: '.' })).code, bad).toBe('CAIRN_BAD_PATH');
    }
    const e2 = err(() => parseLock(`stages:\n  a:\n    cmd: x\n    deps:\n      - {path: a, hash: xxh64x2, id: nothex, size: 1}\n`, 'cairn.lock'));
    expect(e2.message).toMatch(/cairn\.lock:5: .*id/);
  });
});
