// planCheckout on a tiny temp workspace: what it plans, and that planning writes nothing
// (the stat-cache snapshots it learns come back in plan.snapshots).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, gen, tempDir } from '../helpers.js';
import { hasherFactory, type HasherFactory } from '../../src/core/hash.js';
import { Containment } from '../../src/io/contained.js';
import { LocalCache } from '../../src/cache/odb.js';
import { StateStore } from '../../src/cache/state.js';
import { hashTarget, saveTarget } from '../../src/cache/build.js';
import { planCheckout } from '../../src/cache/checkout-plan.js';
import { recordSnapshots } from '../../src/cache/materialize.js';
import type { Workspace } from '../../src/cache/workspace.js';

let factory: HasherFactory;
beforeAll(async () => {
  factory = await hasherFactory('sha256');
});
afterEach(cleanup);

function workspace(files: Parameters<typeof gen>[1]): Workspace {
  const root = tempDir('cairn-plan-');
  gen(root, files);
  const meta = join(root, '.cairn');
  mkdirSync(join(meta, 'tmp'), { recursive: true });
  return {
    root,
    guard: new Containment(root),
    cache: new LocalCache({ dir: join(meta, 'cache'), tmpDir: join(meta, 'tmp'), algo: 'sha256', factory }),
    state: new StateStore(join(meta, 'state')),
    algo: 'sha256',
    factory,
    linkTypes: ['copy'],
  };
}

/** hash and save a target, as `cairn add` does; returns its id */
function add(ws: Workspace, rel: string): string {
  const th = hashTarget(ws, rel);
  saveTarget(ws, th);
  return th.id;
}

/** every snapshot file under the state dir */
function stateFiles(ws: Workspace): string[] {
  const dir = ws.state.dir;
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

describe('planCheckout', () => {
  it('plans writing a missing file, with no conflict', () => {
    const ws = workspace({ 'a.txt': 'alpha' });
    const id = add(ws, 'a.txt');
    rmSync(join(ws.root, 'a.txt'));
    const plan = planCheckout(ws, { path: 'a.txt', id, size: 5 });
    expect(plan.kind).toBe('file');
    expect(plan.write).toEqual([{ rel: '', id, size: 5, isexec: false }]);
    expect(plan.conflicts).toEqual([]);
    expect(plan.clean).toBe(false);
  });

  it('plans writing every file of a missing folder', () => {
    const ws = workspace({ 'd/a': 'A', 'd/sub/b': 'B' });
    const id = add(ws, 'd');
    rmSync(join(ws.root, 'd'), { recursive: true });
    const plan = planCheckout(ws, { path: 'd', id });
    expect(plan.kind).toBe('dir');
    expect(plan.write.map((w) => w.rel)).toEqual(['a', 'sub/b']);
    expect(plan.clean).toBe(false);
  });

  it('an unchanged target is clean', () => {
    const ws = workspace({ 'd/a': 'A', 'd/b': 'B', 'f': 'F' });
    const dirId = add(ws, 'd');
    const fileId = add(ws, 'f');
    for (const [path, id] of [['d', dirId], ['f', fileId]] as const) {
      const plan = planCheckout(ws, { path, id });
      expect(plan.clean).toBe(true);
      expect(plan.write).toEqual([]);
      expect(plan.remove).toEqual([]);
      expect(plan.conflicts).toEqual([]);
    }
  });

  it('a modified file whose content is not in the cache is a conflict (without force)', () => {
    const ws = workspace({ 'a.txt': 'alpha', 'd/x': 'X' });
    const id = add(ws, 'a.txt');
    const dirId = add(ws, 'd');
    writeFileSync(join(ws.root, 'a.txt'), 'changed, not cached');
    writeFileSync(join(ws.root, 'd/x'), 'changed, not cached');
    const plan = planCheckout(ws, { path: 'a.txt', id });
    expect(plan.conflicts).toEqual(['']);
    expect(plan.write.map((w) => w.id)).toEqual([id]);
    const dplan = planCheckout(ws, { path: 'd', id: dirId });
    expect(dplan.conflicts).toEqual(['x']);
    expect(dplan.write.map((w) => w.rel)).toEqual(['x']);
  });

  it('a modified file whose content is cached is overwritten without a conflict', () => {
    const ws = workspace({ 'a.txt': 'alpha' });
    const id = add(ws, 'a.txt');
    writeFileSync(join(ws.root, 'a.txt'), 'beta');
    add(ws, 'a.txt'); // 'beta' now in the cache too
    const plan = planCheckout(ws, { path: 'a.txt', id });
    expect(plan.conflicts).toEqual([]);
    expect(plan.write.map((w) => w.id)).toEqual([id]);
  });

  it('an extra file in a tracked folder: removed when cached, kept when not', () => {
    const ws = workspace({ 'd/a': 'A' });
    const id = add(ws, 'd');
    writeFileSync(join(ws.root, 'd/uncached'), 'only here');
    writeFileSync(join(ws.root, 'd/copy-of-a'), 'A');
    const plan = planCheckout(ws, { path: 'd', id });
    expect(plan.write).toEqual([]);
    expect(plan.remove).toEqual(['copy-of-a']);
    expect(plan.kept).toEqual(['uncached']);
    expect(plan.conflicts).toEqual([]);
    expect(plan.clean).toBe(false);
  });

  it('an exec bit that differs from the manifest is rewritten', () => {
    const ws = workspace({ 'd/run.sh': { content: '#!/bin/sh\n', mode: 0o755 }, 'd/data': 'x' });
    const id = add(ws, 'd');
    chmodSync(join(ws.root, 'd/run.sh'), 0o644);
    const plan = planCheckout(ws, { path: 'd', id });
    expect(plan.write).toEqual([expect.objectContaining({ rel: 'run.sh', isexec: true })]);
    expect(plan.conflicts).toEqual([]);
  });

  it('with force, a modified uncached file is still listed as a conflict and extra files all go', () => {
    const ws = workspace({ 'a.txt': 'alpha', 'd/a': 'A' });
    const id = add(ws, 'a.txt');
    const dirId = add(ws, 'd');
    writeFileSync(join(ws.root, 'a.txt'), 'changed, not cached');
    writeFileSync(join(ws.root, 'd/uncached'), 'only here');
    const plan = planCheckout(ws, { path: 'a.txt', id }, { force: true });
    expect(plan.conflicts).toEqual(['']); // the caller skips the refusal under --force
    expect(plan.write.map((w) => w.id)).toEqual([id]);
    const dplan = planCheckout(ws, { path: 'd', id: dirId }, { force: true });
    expect(dplan.kept).toEqual([]);
    expect(dplan.remove).toEqual(['uncached']);
    expect(dplan.clean).toBe(false);
  });

  it('keepExec keeps the exec bit of a single workspace file (a pointer does not record it)', () => {
    const ws = workspace({ 'run.sh': { content: '#!/bin/sh\n', mode: 0o755 } });
    const id = add(ws, 'run.sh');
    writeFileSync(join(ws.root, 'run.sh'), 'changed');
    add(ws, 'run.sh');
    expect(planCheckout(ws, { path: 'run.sh', id }).write[0]!.isexec).toBe(false);
    expect(planCheckout(ws, { path: 'run.sh', id }, { keepExec: true }).write[0]!.isexec).toBe(true);
  });

  it("a recorded isexec wins over keepExec, and a lost bit alone makes the plan write", () => {
    const ws = workspace({ 'run.sh': { content: '#!/bin/sh\n', mode: 0o755 } });
    const id = add(ws, 'run.sh');
    expect(planCheckout(ws, { path: 'run.sh', id, isexec: true }, { keepExec: true }).clean).toBe(true);
    chmodSync(join(ws.root, 'run.sh'), 0o644);
    const plan = planCheckout(ws, { path: 'run.sh', id, isexec: true }, { keepExec: true });
    expect(plan.clean).toBe(false);
    expect(plan.conflicts).toEqual([]); // same bytes, cached: nothing is lost
    expect(plan.write).toEqual([{ rel: '', id, size: -1, isexec: true }]);
    // not recorded: the workspace's bit stays, nothing to do
    expect(planCheckout(ws, { path: 'run.sh', id }, { keepExec: true }).clean).toBe(true);
  });

  it('an absent tracked folder is created, even with an empty manifest', () => {
    const ws = workspace({});
    mkdirSync(join(ws.root, 'empty'));
    const id = add(ws, 'empty');
    rmSync(join(ws.root, 'empty'), { recursive: true });
    const plan = planCheckout(ws, { path: 'empty', id });
    expect(plan.create).toBe(true);
    expect(plan.write).toEqual([]);
    expect(plan.clean).toBe(false);
    expect(existsSync(join(ws.root, 'empty'))).toBe(false); // planning wrote nothing
  });

  it('only: plans just one path inside a folder, and refuses one its manifest lacks', () => {
    const ws = workspace({ 'd/sub/a': 'A', 'd/sub/b': 'B', 'd/top': 'T' });
    const id = add(ws, 'd');
    rmSync(join(ws.root, 'd/sub/a'));
    rmSync(join(ws.root, 'd/sub/b'));
    writeFileSync(join(ws.root, 'd/top'), 'edited, uncached');
    gen(ws.root, { 'd/extra': 'uncached extra' });
    const plan = planCheckout(ws, { path: 'd', id }, { only: 'sub/a', keptConflicts: true });
    expect(plan.only).toBe('sub/a');
    expect(plan.write.map((w) => w.rel)).toEqual(['sub/a']);
    expect(plan.conflicts).toEqual([]); // d/top's edit is outside the part
    expect(plan.kept).toEqual([]); // and so is d/extra
    expect(planCheckout(ws, { path: 'd', id }, { only: 'sub' }).write.map((w) => w.rel)).toEqual(['sub/a', 'sub/b']);
    expect(() => planCheckout(ws, { path: 'd', id }, { only: 'nope' })).toThrow(/'d\/nope' is not part of 'd'/);
  });

  it('keptConflicts: an uncached file under a folder a manifest file replaces is a conflict', () => {
    const ws = workspace({ 'd/x': 'X' });
    const id = add(ws, 'd');
    rmSync(join(ws.root, 'd/x'));
    gen(ws.root, { 'd/x/inner': 'only here' });
    const plan = planCheckout(ws, { path: 'd', id }, { keptConflicts: true });
    expect(plan.write.map((w) => w.rel)).toEqual(['x']);
    expect(plan.kept).toEqual(['x/inner']);
    expect(plan.conflicts).toEqual(['x/inner']);
    expect(planCheckout(ws, { path: 'd', id }).conflicts).toEqual([]);
  });

  it('writes nothing itself: the snapshots it learned are returned, and recorded by the caller', () => {
    const ws = workspace({ 'd/a': 'A', 'd/b': 'B' });
    const id = add(ws, 'd');
    // a change the stat cache does not know yet, so planning has to hash and learns a snapshot
    writeFileSync(join(ws.root, 'd/b'), 'B2');
    add(ws, 'd');
    rmSync(ws.state.dir, { recursive: true });
    const plan = planCheckout(ws, { path: 'd', id });
    expect(stateFiles(ws)).toEqual([]);
    expect(plan.snapshots.map((s) => s.snap.path)).toEqual(['d']);
    recordSnapshots(ws, plan);
    expect(stateFiles(ws).length).toBeGreaterThan(0);
    expect(ws.state.load('d', 'sha256').rows.size).toBe(2);
  });
});
