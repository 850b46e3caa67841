// The stage graph as text: Mermaid, Graphviz DOT and an ASCII tree. Pure; the shape is
// structural (api/dag.ts's DagResult fits it).

export interface GraphView {
  /** topological order, upstream first */
  stages: { id: string; frozen?: boolean }[];
  /** from (upstream) → to (downstream) */
  edges: { from: string; to: string }[];
}

/** Mermaid flowchart text. */
export function dagToMermaid(d: GraphView): string {
  const key = new Map(d.stages.map((s, i) => [s.id, `s${i}`]));
  const lines = ['flowchart TD'];
  for (const s of d.stages) lines.push(`  ${key.get(s.id)}["${s.id.replace(/"/g, '#quot;')}"]`);
  for (const e of d.edges) lines.push(`  ${key.get(e.from)} --> ${key.get(e.to)}`);
  return lines.join('\n');
}

/** Graphviz DOT (strict digraph). */
export function dagToDot(d: GraphView): string {
  const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = ['strict digraph {'];
  for (const s of d.stages) lines.push(`  ${q(s.id)};`);
  for (const e of d.edges) lines.push(`  ${q(e.from)} -> ${q(e.to)};`);
  lines.push('}');
  return lines.join('\n');
}

/** A tree from the roots down; a stage with several parents appears under each ("(above)" after the first). */
export function dagToAscii(d: GraphView): string {
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
