// Run records: every stage repro executes appends one complete JSON line to .cairn/runs/.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, cleanup, gen, git, ROOT, tempDir } from '../helpers.js';

const STEP = join(ROOT, 'fixtures', 'pipeline', 'step.mjs');
const step = (args: string) => `node ${STEP} ${args}`;

// two independent stages that overlap under --jobs 2, then one that needs both
const PIPE = `stages:
  left:
    cmd: ${step('left.txt in.txt --param lr --sleep 300')}
    deps: [in.txt]
    params: [lr]
    outs: [left.txt]
  right:
    cmd: ${step('right.txt in.txt --sleep 300')}
    deps: [in.txt]
    outs: [right.txt]
  join:
    cmd: ${step('score.json left.txt right.txt')} && node score.cjs
    deps: [left.txt, right.txt]
    metrics: [score.json]
`;

function repoWith(files: Record<string, string>): string {
  const dir = tempDir();
  git(dir, 'init', '-q', '-b', 'main');
  gen(dir, files);
  expect(cairn(dir, ['init']).code).toBe(0);
  return dir;
}

const lines = (dir: string) => readFileSync(join(dir, '.cairn', 'runs', 'runs.jsonl'), 'utf8').split('\n').filter(Boolean);

afterEach(() => cleanup());

describe('cairn runs', () => {
  it('repro --jobs 2 appends one complete record per executed stage, never interleaved', () => {
    const dir = repoWith({ 'cairn.yaml': PIPE, 'in.txt': 'x', 'params.yaml': 'lr: 0.1\n', 'score.cjs': "require('fs').writeFileSync('score.json', JSON.stringify({acc: 0.5, nested: {f1: 0.25}}))" });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'pipeline');
    const head = git(dir, 'rev-parse', 'HEAD').trim();
    const r = cairn(dir, ['repro', '--jobs', '2']);
    expect(r.code, r.stderr).toBe(0);
    const ls = lines(dir);
    expect(ls).toHaveLength(3);
    const recs = ls.map((l) => JSON.parse(l)); // every line is a whole JSON document
    expect(recs.map((x) => x.stage).sort()).toEqual(['join', 'left', 'right']);
    // left and right ran at the same time (the records overlap in time)
    const [a, b] = ['left', 'right'].map((s) => recs.find((x) => x.stage === s));
    const t = (x: { started: string; duration_s: number }) => [Date.parse(x.started), Date.parse(x.started) + x.duration_s * 1000];
    expect(t(a)[0]! < t(b)[1]! && t(b)[0]! < t(a)[1]!).toBe(true);
    for (const x of recs) {
      expect(x).toMatchObject({ status: 'ran', commit: head, dirty: false, exit_code: 0 });
      expect(x.id).toMatch(/^[0-9a-f]{16}$/);
      expect(x.duration_s).toBeGreaterThan(0);
      expect(x.outs.length).toBe(1);
    }
    expect(a.params).toEqual({ lr: 0.1 });
    expect(a.deps).toEqual([{ path: 'in.txt', id: expect.stringMatching(/^[0-9a-f]{32}$/) }]);
    const j = recs.find((x) => x.stage === 'join');
    expect(j.metrics).toEqual({ acc: 0.5, 'nested.f1': 0.25 });
    expect(j.deps.map((d: { path: string }) => d.path)).toEqual(['left.txt', 'right.txt']);
    expect(j.deps.find((d: { path: string }) => d.path === 'left.txt').id).toBe(a.outs[0].id);

    // list --json, --stage filter, show, compare
    const list = JSON.parse(cairn(dir, ['runs', 'list', '--json']).stdout);
    expect(list.map((x: { id: string }) => x.id).sort()).toEqual(recs.map((x) => x.id).sort());
    for (const x of list) for (const k of ['id', 'stage', 'started', 'duration_s', 'status', 'commit']) expect(x).toHaveProperty(k);
    expect(JSON.parse(cairn(dir, ['runs', 'list', '--stage', 'left', '--json']).stdout).map((x: { stage: string }) => x.stage)).toEqual(['left']);
    const show = cairn(dir, ['runs', 'show', a.id.slice(0, 6), '--json']);
    expect(JSON.parse(show.stdout)).toEqual(a);

    // a second run of left with a changed param, on a dirty tree
    writeFileSync(join(dir, 'params.yaml'), 'lr: 0.2\n');
    expect(cairn(dir, ['repro', 'left']).code).toBe(0);
    const a2 = JSON.parse(lines(dir).at(-1)!);
    expect(a2).toMatchObject({ stage: 'left', dirty: true, params: { lr: 0.2 } });
    const cmp = JSON.parse(cairn(dir, ['runs', 'compare', a.id, a2.id, '--json']).stdout);
    expect(cmp.rows.find((x: { key: string }) => x.key === 'lr')).toEqual({ kind: 'param', key: 'lr', values: [0.1, 0.2], differs: true });
    expect(cmp.rows.find((x: { key: string }) => x.key === 'duration_s').values).toEqual([a.duration_s, a2.duration_s]);
    const md = cairn(dir, ['runs', 'compare', a.id, a2.id, '--md']);
    expect(md.stdout).toMatch(/\| param \| lr \| 0\.1 \| 0\.2 \|/);
    expect(cairn(dir, ['runs', 'show', 'ffff']).code).toBe(1);
    expect(cairn(dir, ['runs', 'compare', a.id]).code).toBe(2);
  });

  it('a failed stage is recorded with its exit code; a torn or forged line is skipped with a warning', () => {
    const dir = repoWith({ 'cairn.yaml': `stages:\n  boom:\n    cmd: ${step('o.txt --fail 3')}\n    outs: [o.txt]\n` });
    expect(cairn(dir, ['repro']).code).toBe(1);
    const [rec] = lines(dir).map((l) => JSON.parse(l));
    expect(rec).toMatchObject({ stage: 'boom', status: 'failed', exit_code: 3, commit: null, dirty: null, outs: [] });
    const forged = { ...rec, exit_code: 0, status: 'ran' };
    writeFileSync(join(dir, '.cairn', 'runs', 'runs.jsonl'), lines(dir).join('\n') + '\n' + JSON.stringify(forged) + '\n{"id": "tor');
    const r = cairn(dir, ['runs', 'list', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([rec]);
    expect(r.stderr).toContain('runs/runs.jsonl:2: not a valid run record');
    expect(r.stderr).toContain('runs/runs.jsonl:3: not a valid run record');
  });

  it('records travel with push/pull --run-cache, each checked against its id', () => {
    const dir = repoWith({ 'cairn.yaml': `stages:\n  s:\n    cmd: ${step('o.txt in.txt')}\n    deps: [in.txt]\n    outs: [o.txt]\n`, 'in.txt': 'y' });
    expect(cairn(dir, ['repro']).code).toBe(0);
    const remote = tempDir('cairn-remote-');
    expect(cairn(dir, ['remote', 'add', '-d', 'store', remote]).code).toBe(0);
    const p = cairn(dir, ['push', '--run-cache', '--json']);
    expect(p.code, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout).runRecords).toEqual({ transferred: 1, skipped: 0, failed: 0 });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'x');
    const clone = join(tempDir(), 'clone');
    git(dir, 'clone', '-q', dir, clone);
    const f = cairn(clone, ['pull', '--run-cache', '--json']);
    expect(f.code, f.stderr).toBe(0);
    expect(JSON.parse(cairn(clone, ['runs', 'list', '--json']).stdout)).toEqual(JSON.parse(cairn(dir, ['runs', 'list', '--json']).stdout));
    // pulling again adds nothing
    expect(cairn(clone, ['pull', '--run-cache']).code).toBe(0);
    expect(lines(clone)).toHaveLength(1);
  });
});
