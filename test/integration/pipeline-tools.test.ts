import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dag } from '../../src/api/dag.js';
import { dagToAscii, dagToDot, dagToMermaid } from '../../src/render/graph.js';
import { status } from '../../src/api/status.js';

const pipelineStatus = async (o: { cwd: string }) => (await status({ ...o, data: false, pipeline: true })).pipeline!;
import { repro } from '../../src/api/repro.js';
import { stageAdd } from '../../src/api/stage.js';
import { Repo } from '../../src/repo/repo.js';
import { workspaceRefs } from '../../src/repo/revisions.js';
import { cleanup, ROOT, tempRepo } from '../helpers.js';

const STEP = join(ROOT, 'fixtures', 'pipeline', 'step.mjs');
afterEach(() => cleanup());

describe('stage add', () => {
  it('adds stages keeping comments and formatting, and refuses duplicates and overlaps', async () => {
    const original = '# my pipeline\nvars:\n  - {x: 1}   # inline vars\nstages:\n  # the first stage\n  a:\n    cmd: echo a > a.txt\n    outs: [a.txt]\n';
    const dir = await tempRepo({ 'cairn.yaml': original, 'params.yaml': 'train:\n  lr: 0.1\n' });
    const r = await stageAdd({ cwd: dir, name: 'b', cmd: `node ${STEP} b.txt a.txt`, deps: ['a.txt'], outs: ['b.txt'], params: ['train.lr'], metrics: ['m.json'] });
    expect(r.replaced).toBe(false);
    const text = readFileSync(join(dir, 'cairn.yaml'), 'utf8');
    expect(text.startsWith(original.replace(/\n$/, ''))).toBe(true);
    expect(text).toContain('  b:\n    cmd: node ');
    expect(text).toContain('m.json:\n          cache: false');
    await expect(stageAdd({ cwd: dir, name: 'b', cmd: 'x' })).rejects.toThrow(/stage 'b' already exists in cairn.yaml/);
    await expect(stageAdd({ cwd: dir, name: 'c', cmd: 'x', outs: ['a.txt'] })).rejects.toThrow(/stages 'a' and 'c' both write 'a.txt'/);
    expect(readFileSync(join(dir, 'cairn.yaml'), 'utf8')).toBe(text);
    const r2 = await stageAdd({ cwd: dir, name: 'a', cmd: 'echo A > a.txt', outs: ['a.txt'], force: true });
    expect(r2.replaced).toBe(true);
    const t2 = readFileSync(join(dir, 'cairn.yaml'), 'utf8');
    expect(t2).toContain('  # the first stage\n  a:\n    cmd: echo A > a.txt\n    outs:\n      - a.txt\n  b:\n');
    expect(t2.startsWith('# my pipeline\nvars:\n  - {x: 1}   # inline vars\n')).toBe(true);
  });
});

describe('dag, pipelineStatus, workspaceRefs', () => {
  it('renders the graph and reports per-stage changes with paths and keys', async () => {
    const yaml = `stages:\n  prep:\n    cmd: node ${STEP} p.txt in.txt --param prep.k\n    deps: [in.txt]\n    params: [prep.k]\n    outs: [p.txt]\n  fit:\n    cmd: node ${STEP} m.txt p.txt\n    deps: [p.txt]\n    outs: [m.txt]\n`;
    const dir = await tempRepo({ 'cairn.yaml': yaml, 'in.txt': 'hello', 'params.yaml': 'prep:\n  k: 1\n  other: 2\n' });
    const d = await dag({ cwd: dir });
    expect(d.edges).toEqual([{ from: 'prep', to: 'fit' }]);
    expect(dagToAscii(d)).toBe('prep\n└── fit');
    expect(dagToMermaid(d)).toContain('s0 --> s1');
    expect(dagToDot(d)).toContain('"prep" -> "fit";');
    let st = await pipelineStatus({ cwd: dir });
    expect(st.changed).toEqual(['prep', 'fit']);
    expect(st.stages[0]!.new).toBe(true);
    await repro({ cwd: dir });
    st = await pipelineStatus({ cwd: dir });
    expect(st.changed).toEqual([]);
    writeFileSync(join(dir, 'params.yaml'), 'prep:\n  k: 2\n  other: 3\n');
    writeFileSync(join(dir, 'in.txt'), 'changed');
    writeFileSync(join(dir, 'cairn.yaml'), yaml.replace('m.txt p.txt', 'm.txt  p.txt'));
    st = await pipelineStatus({ cwd: dir });
    expect(st.stages[0]).toMatchObject({ id: 'prep', changed: true, cmd: false, deps: [{ path: 'in.txt', change: 'modified' }], params: [{ file: 'params.yaml', key: 'prep.k', change: 'modified', old: 1, new: 2 }] });
    expect(st.stages[1]).toMatchObject({ id: 'fit', changed: true, cmd: true, deps: [], params: [] });
    const refs = workspaceRefs(await Repo.open(dir));
    expect(refs.map((r) => [r.path, r.source]).sort()).toEqual([['m.txt', 'cairn.lock:fit'], ['p.txt', 'cairn.lock:prep']]);
    expect(refs.map((r) => r.from)).toEqual(['lock', 'lock']);
  });

  it('pipelines in sub-folders resolve paths relative to their file and lock beside it', async () => {
    const dir = await tempRepo({ 'sub/in.txt': 'x' });
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub/cairn.yaml'), `stages:\n  s:\n    cmd: node ${STEP} out/o.txt in.txt\n    deps: [in.txt]\n    outs: [out/o.txt]\n`);
    const r = await repro({ cwd: dir });
    expect(r.stages.map((s) => s.id)).toEqual(['sub/cairn.yaml:s']);
    const lock = readFileSync(join(dir, 'sub/cairn.lock'), 'utf8');
    expect(lock).toContain('path: out/o.txt');
    expect(lock).toContain('path: in.txt');
    expect(readFileSync(join(dir, 'sub/out/o.txt'), 'utf8')).toBe('s:x\n');
  });
});
