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
    return { id, name: s.name, file: s.file, cmd: s.cmd, deps: s.deps, outs: s.outs.map((o) => o.path), frozen: s.frozen };
  });
  const edges = stages.flatMap((s) => graph.up.get(s.id)!.filter((u) => keep.has(u)).map((u) => ({ from: u, to: s.id })));
  return { stages, edges };
}

/** Render a DagResult as Mermaid flowchart text. */
export function dagToMermaid(d: DagResult): string {
  const key = new Map(d.stages.map((s, i) => [s.id, `s${i}`]));
  const lines = ['flowchart TD'];
  for (const s of d.stages) lines.push(`  ${key.get(s.id)}["${s.id.replace(/"/g, '#quot;')}"]`);
  for (const e of d.edges) lines.push(`  ${key.get(e.from)} --> ${key.get(e.to)}`);
  return lines.join('\n');
}

export function dagToDot(d: DagResult): string {
  const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = ['strict digraph {'];
  for (const s of d.stages) lines.push(`  ${q(s.id)};`);
  for (const e of d.edges) lines.push(`  ${q(e.from)} -> ${q(e.to)};`);
  lines.push('}');
  return lines.join('\n');
}

/** A tree from the roots down; a stage with several parents appears under each ("(above)" after the first). */
export function dagToAscii(d: DagResult): string {
  const down = new Map<string, string[]>(d.stages.map((s) => [s.id, []]));
  const hasUp = new Set<string>();
  for (const e of d.edges) {
    down.get(e.from)!.push(e.to);
    hasUp.add(e.to);
  }
  const frozen = new Set(d.stages.filter((s) => s.frozen).map((s) => s.id));
  const printed = new Set<string>();
  const lines: string[] = [];
  const walk = (id: string, prefix: string, last: boolean, root: boolean) => {
    const label = `${id}${frozen.has(id) ? ' (frozen)' : ''}`;
    const again = printed.has(id);
    lines.push(root ? label : `${prefix}${last ? '└── ' : '├── '}${label}${again && down.get(id)!.length ? ' (above)' : ''}`);
    if (again) return;
    printed.add(id);
    const kids = down.get(id)!;
    const childPrefix = root ? '' : prefix + (last ? '    ' : '│   ');
    kids.forEach((k, i) => walk(k, childPrefix, i === kids.length - 1, false));
  };
  for (const s of d.stages) if (!hasUp.has(s.id)) walk(s.id, '', true, true);
  return lines.join('\n');
}
