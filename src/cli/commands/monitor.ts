import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import { run } from '../main.js';
import { out } from '../output.js';
import { verdictExit } from '../outcome.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];
const list = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

export function register(program: Command): void {
  const monitor = program.command('monitor').description('watch production data: drift of the inputs and predictions against the training features');
  monitor
    .command('drift')
    .description('compare a current batch or request log with the reference, column by column; exit 4 when the dataset drifted')
    .requiredOption('-r, --reference <table>', 'the reference (training features): CSV, TSV, JSON, JSON Lines, Parquet, or a folder of them')
    .requiredOption('-c, --current <table>', 'the current batch (same formats), or a request log (JSON Lines with time and inputs)')
    .option('--columns <names>', 'compare only these columns (comma-separated, repeatable)', list)
    .option('--prediction <names>', 'prediction columns: reported as prediction drift, not counted in the share (comma-separated)', list)
    .option('--kind <col=kind>', 'fix a column kind: numeric or categorical (repeatable)', collect)
    .option('--test <col=test>', 'fix a column test: ks, wasserstein, chi2, jensenshannon (repeatable)', collect)
    .option('--threshold <name=value>', 'a test threshold (ks=0.05, chi2=0.05, wasserstein=0.1, jensenshannon=0.1) or a column threshold (col=0.2) (repeatable)', collect)
    .option('--correction <method>', 'multiple-testing correction of the p-values: none, holm, bh', 'none')
    .option('--min-effect <x>', 'a p-value test flags a column only when its effect size (normalised Wasserstein or Jensen-Shannon) reaches x too')
    .option('--drift-share <x>', 'the dataset drifts when at least this share of the columns drift', '0.5')
    .option('--row-rule <n>', 'reference rows up to which ks/chi2 are chosen (above: wasserstein/jensenshannon)', '1000')
    .option('--since <duration>', 'only request-log lines newer than this (30m, 1h, 2d), or than an ISO time')
    .option('--current-as <how>', 'read --current as: auto, table, log', 'auto')
    .option('--format <format>', 'table format of both sides: csv, tsv, json, jsonl, parquet (default: by extension)')
    .option('--json', 'print the report as JSON')
    .option('--md', 'print the report as Markdown (for a pull request)')
    .option('--html <file>', 'also write a self-contained page with per-column histograms, reference against current')
    .option('--on-drift <command>', 'run this command (sh -c, in the repo root) when the dataset drifted, e.g. "cairn repro"')
    .option('--cooldown <duration>', 'no second --on-drift run within this time', '1h')
    .action(
      run(async (o) => {
        const how = String(o.currentAs);
        if (how !== 'auto' && how !== 'table' && how !== 'log') throw new CairnError('CAIRN_USAGE', `--current-as takes auto, table or log, got '${how}'`);
        const { assertFormat } = await import('../../io/tables/index.js');
        const format = o.format === undefined ? undefined : assertFormat(String(o.format));
        const { monitorDrift } = await import('../../api/monitor-drift.js');
        const r = await monitorDrift({
          cwd: process.cwd(),
          reference: String(o.reference),
          current: String(o.current),
          currentAs: how,
          format,
          flags: {
            columns: o.columns as string[] | undefined,
            predictions: o.prediction as string[] | undefined,
            kind: o.kind as string[] | undefined,
            test: o.test as string[] | undefined,
            threshold: o.threshold as string[] | undefined,
            correction: o.correction as string,
            minEffect: o.minEffect as string | undefined,
            share: o.driftShare as string,
            rowRule: o.rowRule as string,
          },
          since: o.since as string | undefined,
          html: o.html as string | undefined,
          onDrift: o.onDrift as string | undefined,
          cooldown: o.cooldown as string,
        });
        const { driftText, driftMarkdown } = await import('../../render/drift-text.js');
        if (o.json) out.json(r);
        else if (o.md) out.line(driftMarkdown(r));
        else if (!o.quiet || r.verdict !== 'pass') out.line(driftText(r));
        return verdictExit(r.verdict);
      }),
    );
  monitor
    .command('performance')
    .description('accuracy (or MAE) of the served model per time window, from the request log and feedback labels; exit 4 on an alert')
    .requiredOption('-l, --log <file>', 'the request log (JSON Lines with time, id, outputs; a file or a folder of rotated files)')
    .option('--feedback <file>', 'feedback labels, JSON Lines of {id, label} (repeatable; feedback lines in the log count too)', collect)
    .option('--metric <metric>', 'accuracy or mae', 'accuracy')
    .option('--window <duration>', 'window length (30m, 1h, 1d)', '1h')
    .option('--floor <x>', 'alert when a window\'s accuracy is below x')
    .option('--ceiling <x>', 'alert when a window\'s MAE is above x')
    .option('--min-labels <n>', 'a window needs this many labels to be judged', '20')
    .option('--since <duration>', 'only requests newer than this')
    .option('--on-inconclusive <what>', 'exit code when no window has enough labels: pass (0), warn (0, the default) or fail (4)', 'warn')
    .option('--json', 'print the report as JSON')
    .option('--md', 'print the report as Markdown')
    .action(
      run(async (o) => {
        const numOpt = (flag: string, v: unknown): number | undefined => {
          if (v === undefined) return undefined;
          const x = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(String(v)) ? Number(v) : Number.NaN;
          if (Number.isNaN(x)) throw new CairnError('CAIRN_USAGE', `${flag} takes a number, got '${String(v)}'`);
          return x;
        };
        const oi = String(o.onInconclusive);
        if (oi !== 'pass' && oi !== 'warn' && oi !== 'fail') throw new CairnError('CAIRN_USAGE', `--on-inconclusive takes pass, warn or fail, got '${oi}'`);
        const { monitorPerformance } = await import('../../api/monitor-performance.js');
        const r = await monitorPerformance({
          cwd: process.cwd(),
          log: String(o.log),
          feedback: o.feedback as string[] | undefined,
          metric: String(o.metric) as 'accuracy' | 'mae',
          window: String(o.window),
          floor: numOpt('--floor', o.floor),
          ceiling: numOpt('--ceiling', o.ceiling),
          minLabels: numOpt('--min-labels', o.minLabels),
          since: o.since as string | undefined,
        });
        const { performanceText, performanceMarkdown } = await import('../../render/performance-text.js');
        if (o.json) out.json(r);
        else if (o.md) out.line(performanceMarkdown(r));
        else if (!o.quiet || r.verdict !== 'pass') out.line(performanceText(r));
        return verdictExit(r.verdict, oi);
      }),
    );
}
