// The stage graph: an edge A → B wherever a dep of B equals, is inside, or contains an out
// of A. Errors (exit 2) for cycles, overlapping outs, outs tracked by pointer files and deps
// that nothing produces and that do not exist.
import { CairnError } from '../core/errors.js';
import { overlaps } from '../core/paths.js';
import type { Pipeline, Stage } from './load.js';

export interface StageNode {
  /** unique address: the stage name for the root cairn.yaml, else '<file>:<name>' */
  id: string;
  stage: Stage;
}

export interface Graph {
  nodes: StageNode[];
  byId: Map<string, StageNode>;
  /** id → ids of stages it depends on (upstream) */
  up: Map<string, string[]>;
  /** id → ids of stages depending on it (downstream) */
  down: Map<string, string[]>;
  /** topological order of ids (upstream first, ties by file then definition order) */
  order: string[];
}

export function stageId(s: Stage): string {
  return s.file === 'cairn.yaml' ? s.name : `${s.file}:${s.name}`;
}

export interface GraphChecks {
  /** repo-relative paths tracked by pointer files */
  tracked?: { path: string; pointerFile: string }[];
  /** does a repo-relative path exist in the workspace? (for deps nothing produces) */
  exists?: (repoRel: string) => boolean;
}

export function buildGraph(pipelines: Pipeline[], checks: GraphChecks = {}): Graph {
  const nodes: StageNode[] = pipelines.flatMap((p) => p.stages.map((stage) => ({ id: stageId(stage), stage })));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  // outs: one list, checked pairwise for overlap (sorted so neighbours share prefixes)
  const outs = nodes.flatMap((n) => n.stage.outs.map((o) => ({ path: o.path, node: n }))).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (let i = 0; i < outs.length; i++) {
    for (let j = i + 1; j < outs.length; j++) {
      const a = outs[i]!;
      const b = outs[j]!;
      if (!(b.path === a.path || b.path.startsWith(a.path + '/'))) break;
      throw new CairnError('CAIRN_BAD_PIPELINE', `stages '${a.node.id}' and '${b.node.id}' both write ${a.path === b.path ? `'${a.path}'` : `overlapping outs '${a.path}' and '${b.path}'`} (${a.node.stage.file}${a.node.stage.file !== b.node.stage.file ? `, ${b.node.stage.file}` : ''})`, {
        hint: 'give each out exactly one producing stage',
        data: { stages: [a.node.id, b.node.id], paths: [a.path, b.path] },
      });
    }
  }
  for (const t of checks.tracked ?? []) {
    for (const o of outs) {
      if (overlaps(o.path, t.path)) {
        throw new CairnError('CAIRN_BAD_PIPELINE', `out '${o.path}' of stage '${o.node.id}' is also tracked by ${t.pointerFile}`, {
          hint: `a path is either a stage output or tracked with cairn add: \`cairn remove ${t.path}\` to let the stage own it`,
          data: { stage: o.node.id, path: o.path, pointerFile: t.pointerFile },
        });
      }
    }
  }
  const up = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  const down = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const n of nodes) {
    for (const d of n.stage.deps) {
      let produced = false;
      for (const o of outs) {
        if (!overlaps(d, o.path)) continue;
        produced = true;
        if (o.node.id === n.id) continue;
        if (!up.get(n.id)!.includes(o.node.id)) {
          up.get(n.id)!.push(o.node.id);
          down.get(o.node.id)!.push(n.id);
        }
      }
      if (!produced && checks.exists && !checks.exists(d)) {
        throw new CairnError('CAIRN_BAD_PIPELINE', `dep '${d}' of stage '${n.id}' (${n.stage.file}) does not exist and no stage produces it`, {
          hint: `create it, track it with \`cairn add ${d}\` and \`cairn checkout\`, or add a stage with it in its outs`,
          data: { stage: n.id, path: d },
        });
      }
    }
  }
  // Kahn's algorithm in definition order; leftovers are on a cycle
  const indeg = new Map(nodes.map((n) => [n.id, up.get(n.id)!.length]));
  const order: string[] = [];
  const ready = nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  const pos = new Map(nodes.map((n, i) => [n.id, i]));
  while (ready.length) {
    ready.sort((a, b) => pos.get(a)! - pos.get(b)!);
    const id = ready.shift()!;
    order.push(id);
    for (const d of down.get(id)!) {
      indeg.set(d, indeg.get(d)! - 1);
      if (indeg.get(d) === 0) ready.push(d);
    }
  }
  if (order.length !== nodes.length) {
    const left = new Set(nodes.map((n) => n.id).filter((id) => !order.includes(id)));
    // walk upstream inside the leftovers until a node repeats: that is a cycle
    let cur = [...left][0]!;
    const seen: string[] = [];
    while (!seen.includes(cur)) {
      seen.push(cur);
      cur = up.get(cur)!.find((u) => left.has(u))!;
    }
    const cycle = seen.slice(seen.indexOf(cur)).reverse();
    throw new CairnError('CAIRN_BAD_PIPELINE', `cycle between stages: ${[...cycle, cycle[0]].join(' -> ')}`, {
      hint: 'a stage cannot depend, directly or not, on its own outs: split or rename the outs that close the loop',
      data: { cycle },
    });
  }
  return { nodes, byId, up, down, order };
}

/** ids reachable from `start` following `edges` (excluding start unless reached again). */
export function reach(edges: Map<string, string[]>, start: string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length) {
    const id = stack.pop()!;
    for (const n of edges.get(id) ?? []) if (!seen.has(n)) {
      seen.add(n);
      stack.push(n);
    }
  }
  return seen;
}
