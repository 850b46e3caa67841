// cairn params show / diff: the params each stage tracks (from cairn.yaml at each revision),
// read from that revision's params files, flattened with dotted keys.
import { readParamsFile } from '../pipeline/load.js';
import { type DiffRow } from '../metrics/diff.js';
import { flatten, type Flat } from '../metrics/flatten.js';
import { Repo } from '../repo/repo.js';
import { openHistory, openViews, pipelinesAt, WORKSPACE, type RevView } from './history.js';
import { diffRevisions, type RevError, type RevLabel, type RevMetrics } from '../metrics/revisions.js';

async function readParamsAt(view: RevView, errors: RevError[]): Promise<RevMetrics> {
  const res: RevMetrics = { rev: view.rev, oid: view.oid, files: {} };
  let pipelines;
  try {
    pipelines = await pipelinesAt(view);
  } catch (e) {
    errors.push({ rev: view.rev, path: 'cairn.yaml', message: (e as Error).message });
    return res;
  }
  const wanted = new Map<string, Set<string> | null>();
  for (const p of pipelines)
    for (const s of p.stages)
      for (const sp of s.params) {
        const cur = wanted.get(sp.file);
        if (sp.keys === null || cur === null) wanted.set(sp.file, null);
        else wanted.set(sp.file, new Set([...(cur ?? []), ...sp.keys]));
      }
  for (const [file, keys] of [...wanted].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    const text = (await view.readFile(file))?.toString('utf8');
    if (text === undefined) {
      errors.push({ rev: view.rev, path: file, message: `${file} at ${view.rev}: no such file` });
      continue;
    }
    try {
      const flat = flatten(readParamsFile(() => text, file) ?? {});
      const sel: Flat = {};
      for (const [k, v] of Object.entries(flat)) if (keys === null || [...keys].some((w) => k === w || k.startsWith(`${w}.`))) sel[k] = v;
      res.files[file] = sel;
    } catch (e) {
      errors.push({ rev: view.rev, path: file, message: (e as Error).message });
    }
  }
  return res;
}

export interface ParamsShowOptions {
  cwd: string;
  revs?: string[];
}

export interface ParamsShowResult {
  revisions: RevMetrics[];
  errors: RevError[];
}

export async function paramsShow(opts: ParamsShowOptions): Promise<ParamsShowResult> {
  const repo = await Repo.open(opts.cwd);
  const revs = opts.revs?.length ? opts.revs : [WORKSPACE];
  const h = revs.some((r) => r !== WORKSPACE) ? await openHistory(repo) : undefined;
  const errors: RevError[] = [];
  const revisions: RevMetrics[] = [];
  for (const v of await openViews(repo, h, revs)) revisions.push(await readParamsAt(v, errors));
  return { revisions, errors };
}

export interface ParamsDiffOptions {
  cwd: string;
  a?: string;
  b?: string;
  all?: boolean;
}

export interface ParamsDiffResult {
  a: RevLabel;
  b: RevLabel;
  rows: DiffRow[];
  errors: RevError[];
}

export async function paramsDiff(opts: ParamsDiffOptions): Promise<ParamsDiffResult> {
  const repo = await Repo.open(opts.cwd);
  const [a, b] = [opts.a ?? 'HEAD', opts.b ?? WORKSPACE];
  const h = a !== WORKSPACE || b !== WORKSPACE ? await openHistory(repo) : undefined;
  const [va, vb] = await openViews(repo, h, [a, b]);
  const d = await diffRevisions([va!, vb!], !!opts.all, readParamsAt);
  return { a: { rev: d.a.rev, oid: d.a.oid }, b: { rev: d.b.rev, oid: d.b.oid }, rows: d.rows, errors: d.errors };
}

