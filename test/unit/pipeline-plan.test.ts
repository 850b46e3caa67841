import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/pipeline/graph.js';
import { parsePipeline } from '../../src/pipeline/load.js';
import { planRepro, resolveTargets } from '../../src/pipeline/plan.js';
import type { StageChanges } from '../../src/pipeline/stage-state.js';

const yaml = `stages:
  a: {cmd: x, deps: [in], outs: [a]}
  b: {cmd: x, deps: [a], outs: [b]}
  c: {cmd: x, deps: [a/part], outs: [c]}
  d: {cmd: x, deps: [b, c], outs: [d], frozen: false}
  e: {cmd: x, outs: [e]}
`;
const graph = buildGraph([parsePipeline({ text: yaml, file: 'cairn.yaml', readFile: () => undefined })]);
const clean: StageChanges = { changed: false, new: false, cmd: false, alwaysChanged: false, deps: [], params: [], outs: [] };
const changed = (ids: string[]) => (id: string): StageChanges => (ids.includes(id) ? { ...clean, changed: true, cmd: true } : clean);
const actions = (steps: ReturnType<typeof planRepro>) => Object.fromEntries(steps.map((s) => [s.id, s.action]));

describe('planRepro (pure)', () => {
  it('edges follow deps inside outs; order is topological', () => {
    expect(graph.up.get('c')).toEqual(['a']);
    expect(graph.order).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
  it('a changed stage runs and its downstream may run; the rest is skipped', () => {
    expect(actions(planRepro({ graph, changesOf: changed(['b']) }))).toEqual({ a: 'skip', b: 'run', c: 'skip', e: 'skip', d: 'maybe' });
  });
  it('targets pull in upstream; --single-item does not; --downstream pulls in downstream', () => {
    expect(planRepro({ graph, targets: ['d'], changesOf: changed([]) }).map((s) => s.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(planRepro({ graph, targets: ['d'], singleItem: true, changesOf: changed([]) }).map((s) => s.id)).toEqual(['d']);
    expect(planRepro({ graph, targets: ['b'], downstream: true, changesOf: changed([]) }).map((s) => s.id)).toEqual(['b', 'd']);
  });
  it('--force runs every selected stage', () => {
    expect(actions(planRepro({ graph, targets: ['c'], force: true, changesOf: changed([]) }))).toEqual({ a: 'run', c: 'run' });
  });
  it('unknown targets name themselves', () => {
    expect(() => resolveTargets(graph, ['zz'])).toThrow(/no stage named 'zz'/);
  });
});
