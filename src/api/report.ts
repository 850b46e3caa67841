// cairn report: one Markdown report for a pull request, the base branch against the
// workspace: metrics and params diffs, the data that changed, the validation summary, the
// gate verdict with its CIs, the candidate's lineage and plots (Mermaid xychart blocks in
// the text, SVG files beside it). Writes the report folder; appends to a job summary and
// posts or updates the pull-request comment when asked. Returns data; never prints.
import { appendFileSync, mkdirSync, statSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import { CairnError } from '../core/errors.js';
import { repoPathProblem } from '../core/paths.js';
import { isSecretKey, MASK, maskSecrets } from '../core/secrets.js';
import { writeFileAtomic } from '../io/atomic.js';
import { readOwnText, type OwnFileKind } from '../io/own-file.js';
import type { DiffRow } from '../metrics/diff.js';
import { diffRevisions, type RevError } from '../metrics/revisions.js';
import { buildPlot, parseSeries, vegaScripts, type PlotSeries } from '../metrics/plots.js';
import { lineageMarkdown, lineageMermaid, lineageTree, producers, type Producer } from '../mlops/registry/lineage.js';
import { openSnapshot } from '../mlops/registry/snapshot.js';
import type { GateReport } from '../mlops/gate/report.js';
import type { PlotProps } from '../pipeline/model.js';
import { Repo } from '../repo/repo.js';
import { guessModelPath, planCi } from '../ci/detect.js';
import { commentTarget, postComment, type Fetch, type PostResult } from '../ci/comment.js';
import { metricsXychart, plotXychart } from '../ci/mermaid.js';
import { COMMENT_LIMIT, reportMarkdown, SUMMARY_LIMIT, utf8Bytes, type DataChange, type ReportData, type ReportPlot, type ValidationSummary } from '../ci/report.js';
import { renderSvg } from '../ci/svg.js';
import { declaredFiles, openHistory, openViews, pipelinesAt, readDataAt, readMetricsAt, readParamsAt, WORKSPACE, type RevView } from '../pipeline/rev-views.js';

export type { ReportData, DataChange, ValidationSummary, ReportPlot, PostResult };

export interface ReportOptions {
  cwd: string;
  /** the base revision (default: main, else origin/main) */
  base?: string;
  /** the report folder: report.md, report.json, plots/*.svg (default: cairn_report/ under the repo root) */
  dir?: string;
  /** append the report to this file (a GitHub job summary), within 1 MiB */
  summary?: string;
  /** post or update the pull-request / merge-request comment */
  comment?: boolean;
  /** the model file whose lineage to show (default: the gate's model output, else an output under models/) */
  candidate?: string;
  /** render SVG files with vega (default true) */
  svg?: boolean;
  /** the CI's environment (default process.env) and HTTP client (default fetch), for --comment */
  env?: NodeJS.ProcessEnv;
  fetch?: Fetch;
}

export interface ReportResult {
  data: ReportData;
  /** the Markdown (within the comment limit) */
  markdown: string;
  /** what was cut to fit */
  trimmed: string[];
  dir: string;
  /** files written (absolute paths) */
  files: string[];
  summary: { file: string; bytes: number; trimmed: string[] } | null;
  comment: PostResult | null;
}

const REPORT_KIND: OwnFileKind = { what: 'report file', code: 'CAIRN_CONFIG' };

async function resolveBase(h: Awaited<ReturnType<typeof openHistory>>, base: string | undefined): Promise<string> {
  const wanted = base ?? 'main';
  const tries = wanted.includes('/') ? [wanted] : [wanted, `origin/${wanted}`];
  for (const t of tries) {
    try {
      await h.resolve(t);
      return t;
    } catch {
      /* try the next */
    }
  }
  throw new CairnError('CAIRN_BAD_REVISION', `base revision '${wanted}' not found${tries.length > 1 ? ` (nor ${tries[1]})` : ''}`, { hint: 'fetch it (`git fetch origin main`; actions/checkout needs fetch-depth: 0) or pass --base REV', data: { rev: wanted } });
}

function dataChanges(a: Map<string, Producer>, b: Map<string, Producer>): DataChange[] {
  const out: DataChange[] = [];
  const state = (p: Producer | undefined) => (p ? { id: p.id, size: p.size, ...(p.nfiles !== undefined ? { nfiles: p.nfiles } : {}) } : null);
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const pa = a.get(path);
    const pb = b.get(path);
    if (pa && pb && pa.id === pb.id) continue;
    const p = (pb ?? pa)!;
    out.push({ path, kind: p.kind, ...(p.stage ? { stage: p.stage } : {}), change: !pa ? 'added' : !pb ? 'removed' : 'modified', base: state(pa), head: state(pb) });
  }
  return out;
}

function readJson<T>(repo: Repo, file: string, notes: string[], what: string): T | undefined {
  // the path comes from a stage's cmd in cairn.yaml: a hostile one (../, absolute) is not read
  const bad = repoPathProblem(file);
  if (bad) {
    notes.push(`${what} ${file}: ${bad}; not read`);
    return undefined;
  }
  try {
    const text = readOwnText(join(repo.root, file), REPORT_KIND, { root: repo.root, display: file });
    if (text === undefined) {
      notes.push(`${what} ${file} not found in the workspace (run \`cairn repro\` first)`);
      return undefined;
    }
    return JSON.parse(text) as T;
  } catch (e) {
    notes.push(`${what} ${file}: ${(e as Error).message}`);
    return undefined;
  }
}

function validationOf(r: Record<string, unknown>, file: string, stage: string): ValidationSummary | undefined {
  const s = r.summary as ValidationSummary['summary'] | undefined;
  if (typeof r.verdict !== 'string' || !s) return undefined;
  const failures = Array.isArray(r.failures) ? (r.failures as ValidationSummary['failures']).map((f) => ({ column: f.column ?? null, check: String(f.check), severity: String(f.severity), count: Number(f.count), expected: String(f.expected ?? '') })) : [];
  return { file, stage, verdict: r.verdict, data: String(r.data ?? ''), schema: String(r.schema ?? ''), rows: Number(r.rows ?? 0), summary: s, failures };
}

function isGateReport(r: unknown): r is GateReport {
  const g = r as GateReport;
  return !!g && typeof g.verdict === 'string' && Array.isArray(g.rules) && typeof g.n === 'number' && !!g.eval_set && !!g.candidate;
}

/** A diff row of a secret-named key (`db_password`, `api_token`) shows neither value. */
function maskRow(r: DiffRow): DiffRow {
  if (!isSecretKey(r.key)) return r;
  const { abs: _a, rel: _r, ...rest } = r;
  return { ...rest, old: r.old === undefined ? undefined : MASK, new: r.new === undefined ? undefined : MASK };
}

const svgName = (path: string) => `${path.replace(/[^A-Za-z0-9._-]+/g, '_')}.svg`;

async function reportPlots(repo: Repo, views: RevView[], dir: string, svg: boolean, notes: string[], files: string[]): Promise<ReportPlot[]> {
  const declared = new Map<string, PlotProps>();
  for (const v of views) {
    try {
      for (const [path, props] of declaredFiles(await pipelinesAt(v), 'plot')) if (!declared.has(path)) declared.set(path, props);
    } catch (e) {
      notes.push(`cairn.yaml at ${v.rev}: ${(e as Error).message}`);
    }
  }
  const out: ReportPlot[] = [];
  let svgBroken: string | undefined;
  for (const [path, props] of [...declared].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    const series: PlotSeries[] = [];
    for (const v of views) {
      try {
        series.push({ rev: v.rev, rows: parseSeries((await readDataAt(repo, v, path)).toString('utf8'), path) });
      } catch (e) {
        notes.push((e as Error).message);
      }
    }
    const p = buildPlot(path, props, series);
    const chart = p.warning ? null : plotXychart(p.title, p.template, p.data, p.y.join(', ') || 'y');
    const rp: ReportPlot = { path, template: p.template, note: `${p.template} (${p.templateReason}), ${p.points} points`, mermaid: chart?.block ?? null, caption: chart?.caption ?? null, svg: null, ...(p.warning ? { warning: p.warning } : {}) };
    if (svg && !p.warning && !svgBroken) {
      try {
        const text = await renderSvg(p.spec, vegaScripts);
        const name = `plots/${svgName(path)}`;
        writeFileAtomic(join(dir, name), text);
        files.push(name);
        rp.svg = name;
      } catch (e) {
        svgBroken = (e as Error).message;
        notes.push(`SVG plots not rendered: ${svgBroken} (the Mermaid charts above do not need them)`);
      }
    }
    out.push(rp);
  }
  return out;
}

export async function report(opts: ReportOptions): Promise<ReportResult> {
  const repo = await Repo.open(opts.cwd);
  // where to post is checked first: outside a pull request nothing is computed or sent
  const target = opts.comment ? commentTarget(opts.env ?? process.env) : undefined;
  const h = await openHistory(repo);
  const baseRev = await resolveBase(h, opts.base);
  const views = (await openViews(repo, h, [baseRev, WORKSPACE])) as [RevView, RevView];
  const notes: string[] = [];
  const errs: RevError[] = [];
  const noteErrors = (list: RevError[]) => {
    for (const e of list) notes.push(e.message.includes(e.path) ? e.message : `${e.path} at ${e.rev}: ${e.message}`);
  };
  const m = await diffRevisions(views, false, (v, e) => readMetricsAt(repo, v, undefined, e));
  const p = await diffRevisions(views, false, readParamsAt);
  noteErrors([...m.errors, ...p.errors, ...errs]);

  const baseSnap = await openSnapshot(repo.root, views[0].oid!, h);
  const headSnap = await openSnapshot(repo.root, 'workspace');
  notes.push(...baseSnap.errors, ...headSnap.errors);
  const headProducers = producers(headSnap);
  const data = dataChanges(producers(baseSnap), headProducers);

  const plan = planCi({ stages: headSnap.pipelines.flatMap((pl) => pl.stages), remote: { name: null, url: null, endpoint: null }, hasPackage: true, repoName: basename(repo.root), modelPath: opts.candidate });
  const validation: ValidationSummary[] = [];
  for (const v of plan.validate) {
    if (!v.report) continue;
    const r = readJson<Record<string, unknown>>(repo, v.report, notes, 'validation report');
    const s = r && validationOf(r, v.report, v.stage);
    if (s) validation.push(s);
    else if (r) notes.push(`validation report ${v.report} is not a \`cairn validate --out\` report`);
  }
  let gate: ReportData['gate'] = null;
  if (plan.gate?.report) {
    const r = readJson<unknown>(repo, plan.gate.report, notes, 'gate report');
    if (isGateReport(r)) gate = { file: plan.gate.report, stage: plan.gate.stage, report: r };
    else if (r) notes.push(`gate report ${plan.gate.report} is not a \`cairn gate --out\` report`);
  }
  const candidate = opts.candidate ?? plan.model?.path ?? guessModelPath(headSnap.pipelines.flatMap((pl) => pl.stages)) ?? (gate ? gate.report.candidate.predictions.path : undefined);
  let lineage: ReportData['lineage'] = null;
  if (candidate) {
    const tree = lineageTree(headProducers, candidate, null);
    if (tree.kind !== 'missing') lineage = { path: candidate, table: lineageMarkdown(tree), mermaid: lineageMermaid(tree) };
    else notes.push(`the candidate ${candidate} is not a pipeline output or tracked file`);
  }

  const ownReports = new Set([...plan.validate.flatMap((v) => (v.report ? [v.report] : [])), ...(plan.gate?.report ? [plan.gate.report] : [])]);
  const dir = resolve(opts.cwd, opts.dir ?? join(repo.root, 'cairn_report'));
  // a report folder inside the repository goes through the containment guard (a symlinked
  // cairn_report/ in a hostile clone must not redirect the writes)
  const inRepo = (abs: string) => abs === repo.root || abs.startsWith(repo.root + sep);
  for (const f of ['report.md', 'report.json', 'plots/x.svg']) if (inRepo(join(dir, f))) repo.guard.checkAbs(join(dir, f), { action: 'write' });
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const plots = await reportPlots(repo, views, dir, opts.svg !== false, notes, files);
  const mc = metricsXychart(m.rows.filter((r) => !ownReports.has(r.path)), baseRev, 'workspace');
  // the report is published (a pull request, a job summary): secret-named values are masked
  const reportData: ReportData = maskSecrets<ReportData>({
    base: { rev: baseRev, oid: views[0].oid },
    head: { rev: WORKSPACE, oid: await h.resolve('HEAD').catch(() => undefined) },
    // the gate's and validation's reports are often declared as metrics: they have sections of their own
    metrics: m.rows.filter((r) => !ownReports.has(r.path)).map(maskRow),
    params: p.rows.map(maskRow),
    data,
    validation,
    gate,
    lineage,
    metricsChart: mc,
    plots,
    notes,
  });
  const md = reportMarkdown(reportData, { limit: COMMENT_LIMIT });
  writeFileAtomic(join(dir, 'report.md'), md.text);
  writeFileAtomic(join(dir, 'report.json'), JSON.stringify(reportData, null, 2) + '\n');
  files.unshift('report.md', 'report.json');

  let summary: ReportResult['summary'] = null;
  if (opts.summary) {
    const file = resolve(opts.cwd, opts.summary);
    let used = 0;
    try {
      used = statSync(file).size;
    } catch {
      /* a new file */
    }
    const s = reportMarkdown(reportData, { limit: Math.max(0, SUMMARY_LIMIT - used - 2), measure: utf8Bytes });
    appendFileSync(file, (used ? '\n' : '') + s.text);
    summary = { file, bytes: utf8Bytes(s.text), trimmed: s.trimmed };
  }
  let comment: PostResult | null = null;
  if (target) comment = await postComment(md.text, target, opts.fetch ?? (globalThis.fetch as unknown as Fetch));
  return { data: reportData, markdown: md.text, trimmed: md.trimmed, dir, files: files.map((f) => join(dir, f)), summary, comment };
}
