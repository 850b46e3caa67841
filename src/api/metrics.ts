// cairn metrics show / diff: metrics files (from `metrics:` in cairn.yaml, or paths given)
// read at git revisions or the workspace, flattened with dotted keys, compared.
import type { Verdict } from '../core/verdict.js';
import { checkRules, parseRule, type DiffRow, type RuleResult } from '../metrics/diff.js';
import { diffRevisions, targetPaths, type RevError, type RevMetrics } from '../metrics/revisions.js';
import { Repo } from '../repo/repo.js';
import { openHistory, openViews, readMetricsAt, WORKSPACE, type RevView } from '../pipeline/rev-views.js';

/** The views of two revisions (git is opened only when one of them is not the workspace). */
async function openPair(repo: Repo, a: string, b: string): Promise<[RevView, RevView]> {
  const h = a !== WORKSPACE || b !== WORKSPACE ? await openHistory(repo) : undefined;
  const [va, vb] = await openViews(repo, h, [a, b]);
  return [va!, vb!];
}

export interface MetricsShowOptions {
  cwd: string;
  /** revisions to read; default: the workspace */
  revs?: string[];
  allBranches?: boolean;
  allTags?: boolean;
  /** metrics files (relative to cwd); default: every `metrics:` out of every cairn.yaml at each revision */
  targets?: string[];
}

export interface MetricsShowResult {
  revisions: RevMetrics[];
  errors: RevError[];
}

/** Revisions for show: explicit ones, plus every branch and/or tag; the workspace when none. */
async function showRevs(repo: Repo, o: { revs?: string[]; allBranches?: boolean; allTags?: boolean }): Promise<string[]> {
  const revs = [...(o.revs ?? [])];
  if (o.allBranches || o.allTags) {
    const h = await openHistory(repo);
    if (o.allBranches) for (const b of await h.branches()) revs.push(b.name);
    if (o.allTags) for (const t of await h.tags()) revs.push(t.name);
  }
  return revs.length ? revs : [WORKSPACE];
}

export async function metricsShow(opts: MetricsShowOptions): Promise<MetricsShowResult> {
  const repo = await Repo.open(opts.cwd);
  const revs = await showRevs(repo, opts);
  const h = revs.some((r) => r !== WORKSPACE) ? await openHistory(repo) : undefined;
  const views = await openViews(repo, h, revs);
  const targets = targetPaths(repo.root, opts.cwd, opts.targets);
  const errors: RevError[] = [];
  const revisions: RevMetrics[] = [];
  for (const v of views) revisions.push(await readMetricsAt(repo, v, targets, errors));
  return { revisions, errors };
}

export interface MetricsDiffOptions {
  cwd: string;
  /** default HEAD */
  a?: string;
  /** default workspace */
  b?: string;
  targets?: string[];
  /** include unchanged keys */
  all?: boolean;
  /** --fail-on rules */
  failOn?: string[];
}

export interface MetricsDiffResult {
  a: { rev: string; oid?: string };
  b: { rev: string; oid?: string };
  rows: DiffRow[];
  errors: RevError[];
  rules: RuleResult[];
  /** the rules that fired (the command exits 4 when any did) */
  violations: RuleResult[];
  /** the rules that could not be evaluated (file unreadable, metric one-sided): they fail too */
  unevaluated: RuleResult[];
  /** fail when any rule fired or could not be evaluated */
  verdict: Verdict;
}

export async function metricsDiff(opts: MetricsDiffOptions): Promise<MetricsDiffResult> {
  const rules = (opts.failOn ?? []).map(parseRule);
  const repo = await Repo.open(opts.cwd);
  const targets = targetPaths(repo.root, opts.cwd, opts.targets);
  const views = await openPair(repo, opts.a ?? 'HEAD', opts.b ?? WORKSPACE);
  const d = await diffRevisions(views, !!opts.all, (v, e) => readMetricsAt(repo, v, targets, e));
  const results = checkRules(rules, d.rowsAll, d.errors);
  const violations = results.filter((r) => r.violated);
  const unevaluated = results.filter((r) => r.skipped !== undefined);
  return {
    a: { rev: d.a.rev, oid: d.a.oid },
    b: { rev: d.b.rev, oid: d.b.oid },
    rows: d.rows,
    errors: d.errors,
    rules: results,
    violations,
    unevaluated,
    verdict: violations.length || unevaluated.length ? 'fail' : 'pass',
  };
}
