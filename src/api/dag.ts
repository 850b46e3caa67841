// cairn dag: the stage graph as plain data (the CLI renders ASCII, Mermaid, DOT or JSON).
import { loadGraph } from '../pipeline/project.js';
import { reach } from '../pipeline/graph.js';
import { resolveTargets } from '../pipeline/plan.js';
import { Repo } from '../repo/repo.js';

export interface DagOptions {
  cwd: string;
  /** only these stages and their upstream (default: everything) */
  targets?: string[];
}

export interface DagStage {
  id: string;
  name: string;
  file: string;
  cmd: string[];
  deps: string[];
  /** s3:// and https:// deps (not stage edges) */
  external?: string[];
  outs: string[];
  frozen: boolean;
}

export interface DagResult {
  /** topological order, upstream first */
  stages: DagStage[];
  /** from (upstream) → to (downstream) */
  edges: { from: string; to: string }[];
}

export async function dag(opts: DagOptions): Promise<DagResult> {
  const repo = await Repo.open(opts.cwd);
  const { graph } = loadGraph(repo, { checkDeps: false });
  let keep = new Set(graph.order);
  if (opts.targets?.length) {
    const t = resolveTargets(graph, opts.targets);
    keep = new Set([...t, ...reach(graph.up, t)]);
  }
  const stages = graph.order.filter((id) => keep.has(id)).map((id) => {
    const s = graph.byId.get(id)!.stage;
    return { id, name: s.name, file: s.file, cmd: s.cmd, deps: s.deps, ...(s.external?.length ? { external: s.external } : {}), outs: s.outs.map((o) => o.path), frozen: s.frozen };
  });
  const edges = stages.flatMap((s) => graph.up.get(s.id)!.filter((u) => keep.has(u)).map((u) => ({ from: u, to: s.id })));
  return { stages, edges };
}
