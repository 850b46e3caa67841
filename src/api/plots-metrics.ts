// cairn plots metrics: every numeric metric across the last N commits of the current branch
// (or the revisions given), as one trend line per metric in the plots page, and as data.
import { join, resolve } from 'node:path';
import { CairnError } from '../core/errors.js';
import type { History } from '../git/revision.js';
import { buildTrendSpec, withoutTitle, writePlotsPage, type TrendPoint } from '../metrics/plots.js';
import { Repo } from '../repo/repo.js';
import { commitView, openHistory, readMetricsAt, workspaceView, WORKSPACE, type RevView } from '../pipeline/rev-views.js';
import { targetPaths, type RevError } from '../metrics/revisions.js';

export interface PlotsMetricsOptions {
  cwd: string;
  /** revisions in the order to draw them (`workspace` allowed); exclusive with `last` */
  revs?: string[];
  /** the last N commits of the current branch: HEAD and its first parents (default 10) */
  last?: number;
  /** metrics files (relative to cwd); default: every `metrics:` out in cairn.yaml at each revision */
  targets?: string[];
  /** folder for metrics.html (default: cairn_plots under the repo root) */
  outDir?: string;
  /** write the HTML page (default true) */
  html?: boolean;
  /** throw CAIRN_BAD_PLOT (exit 2) when no metric has a number to draw (after writing the page) */
  strict?: boolean;
}

export interface TrendRevision {
  /** what was asked for, or the sha for commits found by walking back from HEAD */
  rev: string;
  oid?: string;
  /** 7 hex digits; `workspace` for the working tree */
  short: string;
  /** tags pointing at this commit (annotated tags peeled) */
  tags: string[];
  /** the x-axis label: short sha and tags */
  label: string;
}

export interface TrendMetric {
  path: string;
  key: string;
  /** the name drawn: `key`, or `path:key` when metrics come from several files */
  metric: string;
  /** one per revision (same order); null where the metric is absent or not a number */
  values: (number | null)[];
}

export interface PlotsMetricsResult {
  /** oldest first: the x axis, left to right */
  revisions: TrendRevision[];
  metrics: TrendMetric[];
  /** metrics with no numeric value at any revision (strings, booleans): not drawn */
  skipped: { path: string; key: string }[];
  /** long format, one record per drawn point */
  data: TrendPoint[];
  /** the Vega-Lite spec (data inlined) */
  spec: Record<string, unknown>;
  errors: RevError[];
  /** set when there is nothing to draw */
  warnings: string[];
  /** absolute path of the page written */
  html?: string;
}

export const DEFAULT_TREND_REVS = 10;

/** HEAD and its first parents, newest first, at most n (stops at the root or a shallow boundary). */
async function lastCommits(h: History, n: number): Promise<string[]> {
  const out: string[] = [];
  let oid: string | undefined = await h.resolve('HEAD');
  while (oid && out.length < n) {
    out.push(oid);
    try {
      oid = (await h.commit(oid)).parents[0];
    } catch {
      break;
    }
    if (oid) {
      try {
        await h.commit(oid);
      } catch {
        break; // the parent is beyond a shallow clone
      }
    }
  }
  return out;
}

export async function plotsMetrics(opts: PlotsMetricsOptions): Promise<PlotsMetricsResult> {
  if (opts.revs?.length && opts.last !== undefined)
    throw new CairnError('CAIRN_USAGE', 'give either --revs N or revisions, not both', { hint: 'e.g. `cairn plots metrics --revs 5` or `cairn plots metrics v1 v2 HEAD`' });
  const last = opts.last ?? DEFAULT_TREND_REVS;
  if (!Number.isInteger(last) || last < 1) throw new CairnError('CAIRN_USAGE', `--revs must be a positive whole number, got '${String(opts.last)}'`, { hint: 'e.g. `cairn plots metrics --revs 5`' });
  const repo = await Repo.open(opts.cwd);
  const targets = targetPaths(repo.root, opts.cwd, opts.targets);
  const needGit = !opts.revs?.length || opts.revs.some((r) => r !== WORKSPACE);
  const h = needGit ? await openHistory(repo) : undefined;
  const tagsAt = new Map<string, string[]>();
  if (h) for (const t of await h.tags()) tagsAt.set(t.oid, [...(tagsAt.get(t.oid) ?? []), t.name]);

  const views: RevView[] = [];
  if (opts.revs?.length) {
    const seen = new Set<string>();
    for (const rev of opts.revs) {
      if (rev === WORKSPACE) {
        if (!seen.has(WORKSPACE)) views.push(workspaceView(repo));
        seen.add(WORKSPACE);
        continue;
      }
      const oid = await h!.resolve(rev);
      if (seen.has(oid)) continue;
      seen.add(oid);
      views.push(commitView(h!, rev, oid));
    }
  } else {
    for (const oid of (await lastCommits(h!, last)).reverse()) views.push(commitView(h!, oid.slice(0, 7), oid));
  }

  const revisions: TrendRevision[] = views.map((v) => {
    const short = v.oid ? v.oid.slice(0, 7) : WORKSPACE;
    const tags = v.oid ? (tagsAt.get(v.oid) ?? []) : [];
    return { rev: v.rev, oid: v.oid, short, tags, label: tags.length ? `${short} (${tags.join(', ')})` : short };
  });
  const errors: RevError[] = [];
  const read = [];
  for (const v of views) read.push(await readMetricsAt(repo, v, targets, errors));

  // every (file, key) seen at any revision, in first-seen order
  const keys = new Map<string, { path: string; key: string }>();
  for (const r of read) for (const [path, flat] of Object.entries(r.files)) for (const key of Object.keys(flat)) if (!keys.has(`${path}\0${key}`)) keys.set(`${path}\0${key}`, { path, key });
  const files = new Set([...keys.values()].map((k) => k.path));
  const metrics: TrendMetric[] = [];
  const skipped: { path: string; key: string }[] = [];
  for (const { path, key } of keys.values()) {
    const values = read.map((r) => {
      const v = r.files[path]?.[key];
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    });
    if (values.every((v) => v === null)) skipped.push({ path, key });
    else metrics.push({ path, key, metric: files.size > 1 ? `${path}:${key}` : key, values });
  }
  const labels = revisions.map((r) => r.label);
  const data: TrendPoint[] = [];
  for (const m of metrics) m.values.forEach((value, i) => value !== null && data.push({ label: labels[i]!, rev: revisions[i]!.rev, metric: m.metric, value }));
  const title = `metrics across ${revisions.length} revision(s)`;
  const spec = buildTrendSpec(
    data,
    labels,
    metrics.map((m) => m.metric),
    title,
  );
  const warnings: string[] = [];
  if (metrics.length === 0) {
    const where = [...files].join(', ') || (targets ?? []).join(', ') || 'the metrics: outs of cairn.yaml';
    warnings.push(`metrics: nothing to draw: no numeric metric in ${where} at ${labels.join(', ') || 'any revision'}${skipped.length ? ` (not numbers: ${skipped.map((s) => s.key).join(', ')})` : ''}`);
  }
  const res: PlotsMetricsResult = { revisions, metrics, skipped, data, spec, errors, warnings };
  if (opts.html !== false) {
    res.html = join(resolve(opts.cwd, opts.outDir ?? join(repo.root, 'cairn_plots')), 'metrics.html');
    const span = revisions.length ? `${revisions[0]!.label} → ${revisions[revisions.length - 1]!.label}` : 'no revisions';
    writePlotsPage(res.html, [{ heading: [...files].join(', ') || 'metrics', note: `${metrics.length} metric(s), one line each, over ${revisions.length} revision(s): ${span}`, spec: withoutTitle(spec), message: warnings[0] }], `cairn plots metrics: ${span}`);
  }
  if (opts.strict && warnings.length)
    throw new CairnError('CAIRN_BAD_PLOT', `${warnings[0]} (--strict)`, { hint: 'add numeric metrics to a `metrics:` out in cairn.yaml, or name the file with --targets', data: { html: res.html } });
  return res;
}
