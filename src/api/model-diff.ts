// cairn model diff A B: what changed between two versions: data ids (with paths), params,
// metrics, and the model itself.
import { CairnError } from '../core/errors.js';
import type { Value } from '../mlops/registry/record.js';
import { loadFor, resolveEntry, trusted } from '../mlops/registry/registry.js';
import { Repo } from '../repo/repo.js';

export interface ModelDiffOptions {
  cwd: string;
  a: string;
  b: string;
  /** include unchanged rows */
  all?: boolean;
}

export type Change = 'modified' | 'added' | 'deleted' | 'unchanged';

export interface ModelDiffResult {
  a: { name: string; version: string; commit: string; id: string };
  b: { name: string; version: string; commit: string; id: string };
  model: { path: string; a: string; b: string; change: Change };
  data: { path: string; a: string | null; b: string | null; change: Change }[];
  params: { key: string; a: Value | null; b: Value | null; change: Change }[];
  metrics: { key: string; a: Value | null; b: Value | null; change: Change; delta: number | null }[];
}

function diffMaps<T>(a: Record<string, T>, b: Record<string, T>, all: boolean): { key: string; a: T | null; b: T | null; change: Change }[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const rows = keys.map((key) => {
    const x = key in a ? a[key]! : null;
    const y = key in b ? b[key]! : null;
    const change: Change = !(key in a) ? 'added' : !(key in b) ? 'deleted' : JSON.stringify(x) === JSON.stringify(y) ? 'unchanged' : 'modified';
    return { key, a: x, b: y, change };
  });
  return all ? rows : rows.filter((r) => r.change !== 'unchanged');
}

export async function modelDiff(opts: ModelDiffOptions): Promise<ModelDiffResult> {
  const repo = await Repo.open(opts.cwd);
  const reg = loadFor(repo, opts.a, opts.b);
  const get = (t: string) => {
    const { entry } = resolveEntry(reg, t);
    if (!entry) throw new CairnError('CAIRN_NOT_FOUND', `${t}: no such version or alias`, { hint: 'run `cairn model list`' });
    return trusted(entry);
  };
  const A = get(opts.a);
  const B = get(opts.b);
  const all = !!opts.all;
  const dataOf = (r: typeof A) => Object.fromEntries(r.data.map((d) => [d.path, d.id]));
  const data = diffMaps(dataOf(A), dataOf(B), all).map((r) => ({ path: r.key, a: r.a, b: r.b, change: r.change }));
  const metrics = diffMaps(A.metrics, B.metrics, all).map((r) => ({ ...r, delta: typeof r.a === 'number' && typeof r.b === 'number' ? r.b - r.a : null }));
  const side = (r: typeof A) => ({ name: r.name, version: r.version, commit: r.commit, id: r.id });
  return {
    a: side(A),
    b: side(B),
    model: { path: B.path, a: A.id, b: B.id, change: A.id === B.id ? 'unchanged' : 'modified' },
    data,
    params: diffMaps(A.params, B.params, all),
    metrics,
  };
}
