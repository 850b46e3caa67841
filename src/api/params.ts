// cairn params show / diff: the params each stage tracks (from cairn.yaml at each revision),
// read from that revision's params files, flattened with dotted keys.
import { type DiffRow } from '../metrics/diff.js';
import { Repo } from '../repo/repo.js';
import { openHistory, openViews, readParamsAt, WORKSPACE } from '../pipeline/rev-views.js';
import { diffRevisions, targetPaths, type RevError, type RevLabel, type RevMetrics } from '../metrics/revisions.js';

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
  /** params files (relative to cwd) to compare; default: every file a stage tracks */
  targets?: string[];
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
  const targets = targetPaths(repo.root, opts.cwd, opts.targets);
  const d = await diffRevisions([va!, vb!], !!opts.all, (v, e) => readParamsAt(v, e, targets));
  return { a: { rev: d.a.rev, oid: d.a.oid }, b: { rev: d.b.rev, oid: d.b.oid }, rows: d.rows, errors: d.errors };
}

