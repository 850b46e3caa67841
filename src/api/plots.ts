// cairn plots show / diff: series declared as `plots:` in cairn.yaml (or paths given), read
// at each revision and overlaid in one self-contained HTML page.
import { join, resolve } from 'node:path';
import { CairnError } from '../core/errors.js';
import { buildPlot, parseSeries, plotChart, writePlotsPage, type PlotSeries, type PlotSpec } from '../metrics/plots.js';
import type { PlotProps } from '../pipeline/load.js';
import { Repo } from '../repo/repo.js';
import { declaredFiles, openHistory, openViews, pipelinesAt, readDataAt, WORKSPACE } from '../pipeline/rev-views.js';
import { targetPaths, type RevError } from '../metrics/revisions.js';

export interface PlotsOptions {
  cwd: string;
  /** revisions to overlay; default: the workspace (show) */
  revs?: string[];
  targets?: string[];
  /** folder for index.html (default: cairn_plots under the repo root); undefined html = data only */
  outDir?: string;
  /** write the HTML page (default true) */
  html?: boolean;
  /** throw CAIRN_BAD_PLOT (exit 2) when a plot has nothing to draw (after writing the page) */
  strict?: boolean;
}

export interface PlotsResult {
  revisions: string[];
  plots: PlotSpec[];
  errors: RevError[];
  /** one line per plot with nothing to draw (also in that plot's `warning`) */
  warnings: string[];
  /** absolute path of the page written */
  html?: string;
}

export async function plots(opts: PlotsOptions): Promise<PlotsResult> {
  const repo = await Repo.open(opts.cwd);
  const revs = opts.revs?.length ? opts.revs : [WORKSPACE];
  const h = revs.some((r) => r !== WORKSPACE) ? await openHistory(repo) : undefined;
  const views = await openViews(repo, h, revs);
  const targets = targetPaths(repo.root, opts.cwd, opts.targets);
  const errors: RevError[] = [];
  // declared plots (with their props) from every revision, first declaration wins
  const declared = new Map<string, PlotProps>();
  for (const v of views) {
    try {
      for (const [path, props] of declaredFiles(await pipelinesAt(v), 'plot')) if (!declared.has(path)) declared.set(path, props);
    } catch (e) {
      errors.push({ rev: v.rev, path: 'cairn.yaml', message: (e as Error).message });
    }
  }
  const paths = targets ?? [...declared.keys()].sort();
  const out: PlotSpec[] = [];
  for (const path of paths) {
    const series: PlotSeries[] = [];
    for (const v of views) {
      try {
        const bytes = await readDataAt(repo, v, path);
        series.push({ rev: v.rev, rows: parseSeries(bytes.toString('utf8'), path) });
      } catch (e) {
        errors.push({ rev: v.rev, path, message: (e as Error).message });
        series.push({ rev: v.rev, rows: [] });
      }
    }
    out.push(buildPlot(path, declared.get(path) ?? {}, series));
  }
  const warnings = out.flatMap((p) => (p.warning ? [p.warning] : []));
  if (paths.length === 0) warnings.push(`no plots: no \`plots:\` out in any cairn.yaml at ${revs.join(', ')}, and no --targets given`);
  const res: PlotsResult = { revisions: revs, plots: out, errors, warnings };
  if (opts.html !== false) {
    res.html = join(resolve(opts.cwd, opts.outDir ?? join(repo.root, 'cairn_plots')), 'index.html');
    const charts = out.length ? out.map(plotChart) : [{ heading: 'no plots', message: warnings[0] }];
    writePlotsPage(res.html, charts, `cairn plots: ${revs.join(' vs ')}`);
  }
  if (opts.strict && warnings.length) {
    const empty = out.filter((p) => p.warning).map((p) => p.path);
    const what = out.length ? `${empty.length} plot(s) with nothing to draw` : 'nothing to draw';
    const fix = out.length ? `declare template, x and y for ${empty.join(', ')} under plots: in cairn.yaml` : 'declare plots: outs in cairn.yaml, or name files with --targets';
    throw new CairnError('CAIRN_BAD_PLOT', `${what} (--strict): ${warnings.join(' | ')}`, { hint: `${fix}${res.html ? `; the page is ${res.html}` : ''}`, data: { plots: empty, html: res.html } });
  }
  return res;
}
