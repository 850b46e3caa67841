import type { Command } from 'commander';
import { CairnError, EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out } from '../output.js';

async function openPage(file: string): Promise<void> {
  const { spawn } = await import('node:child_process');
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  spawn(opener, [file], { detached: true, stdio: 'ignore' }).on('error', () => out.err(`could not run ${opener}; open ${file} yourself`)).unref();
}

function register1(parent: Command, name: 'show' | 'diff'): void {
  parent
    .command(name)
    .description(name === 'show' ? 'render plots at revisions (default: the workspace) into one HTML page' : 'overlay plots of revisions (default: HEAD and the workspace) in one HTML page')
    .argument('[revs...]', 'revisions to overlay (`workspace` is the working tree)')
    .option('--targets <path...>', 'plot files (default: every `plots:` out in cairn.yaml)')
    .option('-o, --out <dir>', 'folder for index.html', 'cairn_plots')
    .option('--open', 'open the page in a browser')
    .option('--strict', 'exit 2 when a plot has nothing to draw (the page is still written)')
    .option('--json', 'print the data, chosen templates and Vega-Lite specs as JSON (no page written)')
    .action(
      run(async (o, _c, [revs]) => {
        const { plots } = await import('../../api/plots.js');
        let r = (revs as string[]) ?? [];
        if (name === 'diff' && r.length === 0) r = ['HEAD', 'workspace'];
        if (name === 'diff' && r.length === 1) r = [r[0]!, 'workspace'];
        const res = await plots({ cwd: process.cwd(), revs: r, targets: o.targets as string[] | undefined, outDir: o.out as string, html: !o.json, strict: !!o.strict });
        for (const e of res.errors) out.err(`warning: ${e.message}`);
        for (const w of res.warnings) out.err(`warning: ${w}`);
        if (o.json) {
          out.json(res);
          return EXIT.OK;
        }
        if (!o.quiet) {
          out.line(`${res.plots.length} plot(s) of ${res.revisions.join(', ')} written to ${res.html}`);
          for (const p of res.plots) out.line(`  ${p.path}: ${p.template} (${p.templateReason})${p.warning ? ', nothing to draw' : `, ${p.points} point(s)`}`);
        }
        if (o.open && res.html) await openPage(res.html);
        return EXIT.OK;
      }),
    );
}

function registerMetrics(parent: Command): void {
  parent
    .command('metrics')
    .description('draw each metric across the last N commits of the current branch (or the revisions given)')
    .argument('[revs...]', 'revisions in the order to draw them (default: the last --revs commits)')
    .option('--revs <n>', 'how many commits back from HEAD, first parents (default 10)')
    .option('--targets <path...>', 'metrics files (default: every `metrics:` out in cairn.yaml)')
    .option('-o, --out <dir>', 'folder for metrics.html', 'cairn_plots')
    .option('--open', 'open the page in a browser')
    .option('--strict', 'exit 2 when no metric has a number to draw (the page is still written)')
    .option('--json', 'print revisions, per-metric values and the Vega-Lite spec as JSON (no page written)')
    .action(
      run(async (o, _c, [revs]) => {
        const { plotsMetrics } = await import('../../api/plots-metrics.js');
        if (o.revs !== undefined && !/^\d+$/.test(String(o.revs))) throw new CairnError('CAIRN_USAGE', `--revs must be a positive whole number, got '${String(o.revs)}'`, { hint: 'e.g. `cairn plots metrics --revs 5`' });
        const last = o.revs === undefined ? undefined : Number(o.revs);
        const res = await plotsMetrics({ cwd: process.cwd(), revs: revs as string[], last, targets: o.targets as string[] | undefined, outDir: o.out as string, html: !o.json, strict: !!o.strict });
        for (const e of res.errors) out.err(`warning: ${e.message}`);
        for (const w of res.warnings) out.err(`warning: ${w}`);
        if (o.json) {
          out.json(res);
          return EXIT.OK;
        }
        if (!o.quiet) {
          const fmt = (v: number | null) => (v === null ? '-' : String(Number(v.toPrecision(5))));
          const rows = [['metric', ...res.revisions.map((r) => r.label)], ...res.metrics.map((m) => [m.metric, ...m.values.map(fmt)])];
          const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
          for (const r of rows) out.line(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd());
          out.line(`${res.metrics.length} metric(s) over ${res.revisions.length} revision(s) written to ${res.html}`);
        }
        if (o.open && res.html) await openPage(res.html);
        return EXIT.OK;
      }),
    );
}

export function register(program: Command): void {
  const p = program.command('plots').description('plot series across git revisions (self-contained Vega-Lite HTML)');
  register1(p, 'show');
  register1(p, 'diff');
  registerMetrics(p);
}
