// Pure: the pipeline graph → one task per stage (foreach/matrix already expanded), with the
// upstream edges of `cairn dag`, for an engine that runs tasks on machines with no shared
// disk. Refuses what such workers cannot share: a `cache: false` out that a downstream stage
// needs (it never reaches the remote) and a `persist` out (its state lives in one workspace).
import { CairnError } from '../../core/errors.js';
import { overlaps } from '../../core/paths.js';
import type { Graph } from '../../pipeline/graph.js';

export interface ExportTask {
  /** the stage id as `cairn repro` takes it */
  stage: string;
  /** engine-safe id (Airflow task id, GitHub job id): `@` → `__`, other odd characters → `_` */
  id: string;
  /** ids of the tasks it waits for */
  upstream: string[];
}

export interface ExportPlan {
  name: string;
  repoUrl: string;
  commit: string;
  /** topological order, upstream first */
  tasks: ExportTask[];
}

/** `train@a` → `train__a`; characters engines reject (`/`, `:`) become `_`. */
export function taskId(stage: string): string {
  return stage.replace(/@/g, '__').replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** Why a stage cannot run on a worker of its own, or undefined. */
export function distributionProblems(graph: Graph): { stage: string; message: string }[] {
  const out: { stage: string; message: string }[] = [];
  for (const id of graph.order) {
    const st = graph.byId.get(id)!.stage;
    for (const o of st.outs) {
      if (o.persist) out.push({ stage: id, message: `stage '${id}' has a persist out '${o.path}': its state lives in one workspace and cannot move between workers` });
    }
    for (const d of graph.down.get(id)!) {
      const ds = graph.byId.get(d)!.stage;
      for (const o of st.outs) {
        if (!o.cache && ds.deps.some((p) => overlaps(p, o.path))) {
          out.push({ stage: id, message: `stage '${id}' has an out '${o.path}' with cache: false that stage '${d}' needs: it never reaches the remote, so another worker cannot get it` });
        }
      }
    }
  }
  return out;
}

export function planExport(graph: Graph, o: { name: string; repoUrl: string; commit: string }): ExportPlan {
  const problems = distributionProblems(graph);
  if (problems.length) {
    throw new CairnError('CAIRN_BAD_PIPELINE', `cannot distribute the pipeline: ${problems.map((p) => p.message).join('; ')}`, {
      hint: 'cache the out (drop `cache: false`) or drop `persist: true`, then export again',
      data: { stages: [...new Set(problems.map((p) => p.stage))], problems },
    });
  }
  const ids = new Map(graph.order.map((s) => [s, taskId(s)]));
  const seen = new Map<string, string>();
  for (const [s, t] of ids) {
    const other = seen.get(t);
    if (other) throw new CairnError('CAIRN_BAD_PIPELINE', `stages '${other}' and '${s}' both become task id '${t}'`, { hint: 'rename one of them', data: { stages: [other, s] } });
    seen.set(t, s);
  }
  return {
    ...o,
    tasks: graph.order.map((s) => ({ stage: s, id: ids.get(s)!, upstream: graph.up.get(s)!.map((u) => ids.get(u)!) })),
  };
}

/**
 * What every task runs, in bash: a fresh temp folder, a clone at the exported commit, the
 * stage with its upstream restored from the remote, then its outs and run-cache entry pushed.
 * The repo URL, commit and stage come from the environment (CAIRN_REPO_URL, CAIRN_COMMIT,
 * CAIRN_STAGE), so nothing is spliced into shell text.
 */
export const TASK_SCRIPT = `set -euo pipefail
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone --quiet "$CAIRN_REPO_URL" "$work/repo"
cd "$work/repo"
git -c advice.detachedHead=false checkout --quiet "$CAIRN_COMMIT"
cairn repro --single-item "$CAIRN_STAGE" --pull
cairn push --run-cache
`;

/** Text that engines would interpret (Jinja in Airflow, {{...}} in Argo and GitHub). */
export function templateProblem(s: string): string | undefined {
  return /\{\{|\{%|\{#|\$\{\{/.test(s) ? 'contains template markers ({{, {%, {#)' : /[\n\r\0]/.test(s) ? 'contains a line break' : undefined;
}
