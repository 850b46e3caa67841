// Lineage at one revision: how a path was produced (stage, cmd, params, each dep with its
// id), recursively, down to raw data pointers and plain git files. Pure over a Snapshot.
import { posix } from 'node:path';
import { flatParams, type RunValue } from '../../cache/runs.js';
import type { DataRef } from './record.js';
import type { Snapshot } from './snapshot.js';

export interface Producer {
  kind: 'output' | 'pointer';
  path: string;
  id: string;
  hash: string;
  size: number;
  nfiles?: number;
  /** output: the stage, its pipeline folder and lock file */
  stage?: string;
  lock?: string;
  cmd?: string[];
  deps?: { path: string; id: string; hash: string }[];
  params?: Record<string, RunValue>;
  /** pointer: the .cairn file */
  pointer?: string;
}

export interface LineageNode {
  path: string;
  id: string | null;
  hash: string | null;
  kind: 'output' | 'pointer' | 'git' | 'missing';
  stage?: string;
  lock?: string;
  cmd?: string[];
  params?: Record<string, RunValue>;
  pointer?: string;
  /** the id this stage's lock recorded for the dep differs from what its producer records now */
  stale?: boolean;
  deps?: LineageNode[];
}

const join = (dir: string, p: string) => (dir === '.' ? p : posix.join(dir, p));

/** Every path the revision's locks and pointers produce, by repo-relative path. */
export function producers(snap: Snapshot): Map<string, Producer> {
  const m = new Map<string, Producer>();
  for (const p of snap.pointers) {
    for (const o of p.pointer.outs) {
      const path = join(p.dir, o.path);
      m.set(path, { kind: 'pointer', path, id: o.id, hash: o.hash, size: o.size, ...(o.nfiles !== undefined ? { nfiles: o.nfiles } : {}), pointer: p.file });
    }
  }
  for (const l of snap.locks) {
    for (const [name, st] of Object.entries(l.lock.stages)) {
      const cmd = Array.isArray(st.cmd) ? st.cmd : [st.cmd];
      const deps = st.deps.map((d) => ({ path: join(l.dir, d.path), id: d.id, hash: d.hash }));
      const params = flatParams(Object.fromEntries(Object.entries(st.params).map(([f, v]) => [join(l.dir, f), v])));
      for (const o of st.outs) {
        const path = join(l.dir, o.path);
        m.set(path, { kind: 'output', path, id: o.id, hash: o.hash, size: o.size, ...(o.nfiles !== undefined ? { nfiles: o.nfiles } : {}), stage: name, lock: l.file, cmd, deps, params });
      }
    }
  }
  return m;
}

/** The producer of a path: exact, or the tracked directory that holds it. */
export function findProducer(map: Map<string, Producer>, path: string): Producer | undefined {
  const hit = map.get(path);
  if (hit) return hit;
  for (let p = posix.dirname(path); p !== '.' && p !== '/' && p !== ''; p = posix.dirname(p)) {
    const d = map.get(p);
    if (d && d.id.endsWith('.dir')) return d;
  }
  return undefined;
}

/** The lineage tree of a path (depth-limited; a cycle, which a valid lock cannot hold, is cut). */
export function lineageTree(map: Map<string, Producer>, path: string, idHint: string | null = null, seen: Set<string> = new Set(), depth = 0): LineageNode {
  const p = findProducer(map, path);
  if (!p) return { path, id: idHint, hash: null, kind: idHint ? 'git' : 'missing' };
  const inside = p.path !== path; // a file inside a tracked directory
  const node: LineageNode = { path, id: inside ? idHint : p.id, hash: p.hash, kind: p.kind };
  if (inside) node.stale = false;
  if (idHint && !inside && idHint !== p.id) node.stale = true;
  if (p.kind === 'pointer') {
    node.pointer = p.pointer;
    return node;
  }
  node.stage = p.stage;
  node.lock = p.lock;
  node.cmd = p.cmd;
  node.params = p.params;
  const key = `${p.lock}:${p.stage}`;
  if (seen.has(key) || depth > 64) return node;
  const next = new Set(seen).add(key);
  node.deps = (p.deps ?? []).map((d) => lineageTree(map, d.path, d.id, next, depth + 1));
  return node;
}

/** Every upstream dep below the root, once each, in walk order: the data a model came from. */
export function upstream(node: LineageNode): DataRef[] {
  const out: DataRef[] = [];
  const seen = new Set<string>();
  const walk = (n: LineageNode) => {
    for (const d of n.deps ?? []) {
      const k = `${d.path}\0${d.id}`;
      if (!seen.has(k) && d.id) {
        seen.add(k);
        out.push({ path: d.path, id: d.id, kind: d.kind === 'pointer' ? 'pointer' : d.kind === 'output' ? 'output' : 'git' });
      }
      walk(d);
    }
  };
  walk(node);
  return out;
}

/** Indented text: one line per node. */
export function lineageText(node: LineageNode): string {
  const lines: string[] = [];
  const walk = (n: LineageNode, indent: string, last: boolean, top: boolean) => {
    const what =
      n.kind === 'output'
        ? `stage ${n.stage} (${n.lock})`
        : n.kind === 'pointer'
          ? `raw data (${n.pointer})`
          : n.kind === 'git'
            ? 'file in git'
            : 'not tracked';
    const head = top ? '' : `${indent}${last ? '└─ ' : '├─ '}`;
    lines.push(`${head}${n.path}  ${n.id ?? '-'}  [${what}]${n.stale ? '  (stale: its producer has changed since)' : ''}`);
    const sub = top ? '' : `${indent}${last ? '   ' : '│  '}`;
    if (n.cmd) for (const c of n.cmd) lines.push(`${sub}   cmd: ${c}`);
    if (n.params && Object.keys(n.params).length) lines.push(`${sub}   params: ${Object.entries(n.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}`);
    const deps = n.deps ?? [];
    deps.forEach((d, i) => walk(d, sub, i === deps.length - 1, false));
  };
  walk(node, '', true, true);
  return lines.join('\n');
}

/** A Mermaid flowchart, raw data at the top, the target at the bottom. */
export function lineageMermaid(node: LineageNode): string {
  const ids = new Map<string, string>();
  const lines = ['flowchart TD'];
  const edges = new Set<string>();
  const idOf = (n: LineageNode): string => {
    const k = `${n.path}\0${n.id}`;
    let id = ids.get(k);
    if (!id) {
      id = `n${ids.size}`;
      ids.set(k, id);
      const label = `${n.path}<br/>${(n.id ?? '-').slice(0, 12)}${n.stage ? `<br/>stage ${n.stage}` : n.kind === 'pointer' ? '<br/>raw data' : ''}`.replace(/"/g, '#quot;');
      lines.push(n.kind === 'pointer' ? `  ${id}[("${label}")]` : n.kind === 'output' ? `  ${id}["${label}"]` : `  ${id}>"${label}"]`);
    }
    return id;
  };
  const walk = (n: LineageNode) => {
    const me = idOf(n);
    for (const d of n.deps ?? []) {
      const e = `  ${idOf(d)} --> ${me}`;
      if (!edges.has(e)) {
        edges.add(e);
        lines.push(e);
      }
      walk(d);
    }
  };
  walk(node);
  return lines.join('\n');
}

/** Markdown: a table of every node (path, id, how it was made). */
export function lineageMarkdown(node: LineageNode): string {
  const rows: string[] = ['| Path | Id | Produced by | Params |', '| --- | --- | --- | --- |'];
  const seen = new Set<string>();
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const walk = (n: LineageNode) => {
    const k = `${n.path}\0${n.id}`;
    if (seen.has(k)) return;
    seen.add(k);
    const by = n.kind === 'output' ? `stage \`${n.stage}\`: \`${esc((n.cmd ?? []).join(' && '))}\`` : n.kind === 'pointer' ? `raw data (\`${n.pointer}\`)` : n.kind === 'git' ? 'file in git' : 'not tracked';
    const params = Object.entries(n.params ?? {}).map(([p, v]) => `${p}=${JSON.stringify(v)}`).join(', ');
    rows.push(`| \`${esc(n.path)}\` | \`${n.id ?? '-'}\` | ${by} | ${esc(params)} |`);
    for (const d of n.deps ?? []) walk(d);
  };
  walk(node);
  return rows.join('\n');
}
