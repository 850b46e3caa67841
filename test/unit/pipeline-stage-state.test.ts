// Stage comparison is pure: a stage, its lock entry and the current state in, the changes out.
import { describe, expect, it } from 'vitest';
import { parsePipeline, type Stage } from '../../src/pipeline/load.js';
import { compareStage, describeChanges, isCallback, lockPath, paramState, paramValues } from '../../src/pipeline/stage-state.js';
import { runCacheable } from '../../src/pipeline/record.js';
import type { LockEntry, LockStage } from '../../src/repo/lockfile.js';
import { CairnError } from '../../src/core/errors.js';

const files: Record<string, string> = { 'sub/params.yaml': 'train:\n  lr: 0.1\n  layers: [8, 4]\n  opt: {name: sgd}\nseed: 1\n' };
const read = (r: string) => files[r];
function stageOf(yaml: string, file = 'sub/cairn.yaml'): Stage {
  return parsePipeline({ text: yaml, file, readFile: read }).stages[0]!;
}
const stage = stageOf('stages:\n  s:\n    cmd: run it\n    deps: [in.csv]\n    params: [train]\n    outs: [model.bin]\n');
const entry = (path: string, id: string): LockEntry => ({ path, hash: 'xxh64x2', id, size: 1 });
const cur = { deps: [entry('in.csv', 'a'.repeat(32))], params: paramValues(stage, read), outs: [entry('model.bin', 'b'.repeat(32))] };
const lock: LockStage = { cmd: 'run it', deps: [entry('in.csv', 'a'.repeat(32))], params: JSON.parse(JSON.stringify(cur.params)), outs: [entry('model.bin', 'b'.repeat(32))] };

describe('pipeline/stage-state (pure comparison)', () => {
  it('lock paths are relative to the pipeline file; params are read lock-relative, lists whole', () => {
    expect(lockPath(stage, 'sub/in.csv')).toBe('in.csv');
    expect(cur.params).toEqual({ 'params.yaml': { 'train.lr': 0.1, 'train.layers': [8, 4], 'train.opt.name': 'sgd' } });
  });

  it('an unchanged stage is unchanged', () => {
    const ch = compareStage(stage, lock, cur);
    expect(ch).toEqual({ changed: false, new: false, cmd: false, alwaysChanged: false, callback: false, deps: [], params: [], outs: [] });
    expect(describeChanges(ch)).toEqual([]);
  });

  it('no lock entry: new, every path added', () => {
    const ch = compareStage(stage, undefined, cur);
    expect(ch.changed && ch.new).toBe(true);
    expect(ch.deps).toEqual([{ path: 'sub/in.csv', change: 'added' }]);
    expect(describeChanges(ch)).toEqual(['never run', "dep 'sub/in.csv' added"]);
  });

  it('reports cmd, modified / missing / deleted paths and param changes by key', () => {
    const edited: LockStage = {
      ...lock,
      cmd: ['run', 'it'],
      deps: [entry('in.csv', 'c'.repeat(32)), entry('gone.csv', 'd'.repeat(32))],
      params: { 'params.yaml': { 'train.lr': 0.2, 'train.layers': [8, 4], 'train.dropped': 1 } },
    };
    const ch = compareStage(stage, edited, { ...cur, outs: [undefined] });
    expect(ch.cmd).toBe(true);
    expect(ch.deps).toEqual([
      { path: 'sub/in.csv', change: 'modified' },
      { path: 'sub/gone.csv', change: 'deleted' },
    ]);
    expect(ch.outs).toEqual([{ path: 'sub/model.bin', change: 'missing' }]);
    expect(ch.params).toEqual([
      { file: 'params.yaml', key: 'train.dropped', change: 'deleted', old: 1 },
      { file: 'params.yaml', key: 'train.lr', change: 'modified', old: 0.2, new: 0.1 },
      { file: 'params.yaml', key: 'train.opt.name', change: 'added', new: 'sgd' },
    ]);
    expect(describeChanges(ch)).toContain("param 'train.lr' (params.yaml) modified");
  });

  it('a list param changes as one value', () => {
    const ch = compareStage(stage, { ...lock, params: { 'params.yaml': { ...lock.params['params.yaml'], 'train.layers': [8, 5] } } }, cur);
    expect(ch.params).toEqual([{ file: 'params.yaml', key: 'train.layers', change: 'modified', old: [8, 5], new: [8, 4] }]);
  });

  it('always_changed is a change by itself', () => {
    const s = stageOf('stages:\n  s:\n    cmd: run it\n    always_changed: true\n');
    expect(compareStage(s, { cmd: 'run it', deps: [], params: {}, outs: [] }, { deps: [], params: {}, outs: [] })).toMatchObject({ changed: true, alwaysChanged: true });
  });

  it('a missing param key names the key, the file and the stage (exit 2)', () => {
    const s = stageOf('stages:\n  s:\n    cmd: x\n    params: [train.nope]\n');
    expect(() => paramValues(s, read)).toThrow(CairnError);
    expect(() => paramValues(s, read)).toThrow("param 'train.nope' of stage 's' is not in 'sub/params.yaml'");
  });

  it('a stage with no deps and no outs is a callback stage: always changed, never run-cached (DVC is_callback)', () => {
    const cb = stageOf('stages:\n  s:\n    cmd: notify\n');
    expect(isCallback(cb)).toBe(true);
    const ch = compareStage(cb, { cmd: 'notify', deps: [], params: {}, outs: [] }, { deps: [], params: {}, outs: [] });
    expect(ch).toMatchObject({ changed: true, alwaysChanged: true, callback: true });
    expect(describeChanges(ch)).toEqual(['always changed (no deps and no outs)']);
    // outs but no deps: not a callback (DVC skips it when unchanged), but no run-cache either
    const stamp = stageOf('stages:\n  s:\n    cmd: date > out\n    outs: [out]\n');
    expect(isCallback(stamp)).toBe(false);
    expect(runCacheable(stamp)).toBe(false);
    // a params dep is a dep
    const p = stageOf('stages:\n  s:\n    cmd: x\n    params: [seed]\n    outs: [o]\n');
    expect(isCallback(p)).toBe(false);
    expect(runCacheable(p)).toBe(true);
    expect(runCacheable(p, false)).toBe(false);
    expect(runCacheable(stageOf('stages:\n  s:\n    cmd: x\n    deps: [i]\n'))).toBe(false);
  });

  it('a missing params file is a deleted dep and a missing key a deleted param (status), never both for one file', () => {
    const s = stageOf('stages:\n  s:\n    cmd: x\n    params: [seed, train.nope, {gone.yaml: }]\n');
    const ps = paramState(s, read);
    expect(ps.missing).toEqual([{ file: 'sub/params.yaml', key: 'train.nope' }, { file: 'sub/gone.yaml' }]);
    const locked: LockStage = { cmd: 'x', deps: [], params: { 'params.yaml': { seed: 1, 'train.nope': 3 }, 'gone.yaml': { a: 1 } }, outs: [] };
    const ch = compareStage(s, locked, { deps: [], params: ps.values, outs: [], missingParams: ps.missing });
    expect(ch.deps).toEqual([{ path: 'sub/gone.yaml', change: 'deleted' }]);
    expect(ch.params).toEqual([{ file: 'params.yaml', key: 'train.nope', change: 'deleted', old: 3 }]);
    expect(ch.changed).toBe(true);
    expect(() => paramValues(s, read)).toThrow("param 'train.nope' of stage 's' is not in 'sub/params.yaml'");
  });
});
