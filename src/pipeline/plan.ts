// Pure repro planning: which selected stages run, may run (an upstream runs first and the
// executor re-checks), are skipped or frozen. No file system, no processes.
import { CairnError } from '../core/errors.js';
import { reach, type Graph } from './graph.js';
import type { StageChanges } from './stage-state.js';
import { describeChanges } from './stage-state.js';

export type PlanAction = 'run' | 'maybe' | 'skip' | 'frozen';

export interface PlanStep {
  id: string;
  action: PlanAction;
  forced: boolean;
  reasons: string[];
  /** selected upstream stage ids (the executor waits for them) */
  after: string[];
}

export interface PlanInput {
  graph: Graph;
  /** stage ids (see resolveTargets); empty or absent = every stage */
  targets?: string[];
  force?: boolean;
  singleItem?: boolean;
  downstream?: boolean;
  changesOf: (id: string) => StageChanges;
}

/**
 * Stage ids for user targets: a stage name, `file:name`, a foreach/matrix group name
 * (every `name@...`), or a cairn.yaml path / its folder (every stage in it).
 */
export function resolveTargets(graph: Graph, targets: string[]): string[] {
  const out: string[] = [];
  for (const t0 of targets) {
    const t = t0.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/$/, '');
    let hits = graph.nodes.filter((n) => n.id === t);
    if (!hits.length) hits = graph.nodes.filter((n) => n.stage.name === t);
    if (!hits.length) hits = graph.nodes.filter((n) => n.id.startsWith(t + '@') || n.stage.name.startsWith(t + '@'));
    if (!hits.length) hits = graph.nodes.filter((n) => n.stage.file === t || n.stage.dir === t || n.stage.file === `${t}/cairn.yaml`);
    if (!hits.length) {
      throw new CairnError('CAIRN_BAD_TARGET', `no stage named '${t0}' in any cairn.yaml`, {
        hint: 'list the stages with `cairn dag`',
        data: { target: t0, stages: graph.order },
      });
    }
    const names = new Set(hits.map((h) => h.stage.name));
    if (hits.length > 1 && names.size === 1 && new Set(hits.map((h) => h.stage.file)).size > 1) {
      throw new CairnError('CAIRN_BAD_TARGET', `stage name '${t0}' is ambiguous: ${hits.map((h) => h.id).join(', ')}`, {
        hint: 'name it as <path/to/cairn.yaml>:<stage>',
      });
    }
    for (const h of hits) if (!out.includes(h.id)) out.push(h.id);
  }
  return out;
}

export function planRepro(input: PlanInput): PlanStep[] {
  const { graph } = input;
  const targets = input.targets ?? [];
  let selected: Set<string>;
  if (!targets.length) selected = new Set(graph.order);
  else if (input.singleItem) selected = new Set(targets);
  else if (input.downstream) selected = new Set([...targets, ...reach(graph.down, targets)]);
  else selected = new Set([...targets, ...reach(graph.up, targets)]);
  // --force reruns every selected stage (frozen ones stay frozen)
  const forcedSet = input.force ? selected : new Set<string>();
  const steps: PlanStep[] = [];
  const action = new Map<string, PlanAction>();
  for (const id of graph.order) {
    if (!selected.has(id)) continue;
    const node = graph.byId.get(id)!;
    const after = graph.up.get(id)!.filter((u) => selected.has(u));
    let a: PlanAction;
    let reasons: string[] = [];
    const forced = forcedSet.has(id) && !node.stage.frozen;
    if (node.stage.frozen) a = 'frozen';
    else if (forced) {
      a = 'run';
      reasons = ['forced'];
    } else {
      const ch = input.changesOf(id);
      reasons = describeChanges(ch);
      if (ch.changed) a = 'run';
      else if (after.some((u) => action.get(u) === 'run' || action.get(u) === 'maybe')) {
        a = 'maybe';
        reasons = [`upstream ${after.filter((u) => action.get(u) === 'run' || action.get(u) === 'maybe').map((u) => `'${u}'`).join(', ')} may change its deps`];
      } else a = 'skip';
    }
    action.set(id, a);
    steps.push({ id, action: a, forced, reasons, after });
  }
  return steps;
}
