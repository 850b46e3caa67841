import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out } from '../output.js';
import { verdictExit } from '../outcome.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function register(program: Command): void {
  const m = program.command('metrics').description('show and compare metrics across git revisions');
  m.command('show')
    .description('show metrics at revisions (default: the workspace)')
    .argument('[targets...]', 'metrics files (default: every `metrics:` out in cairn.yaml)')
    .option('--rev <rev>', 'a revision to read (repeatable; `workspace` is the working tree)', collect)
    .option('-a, --all-branches', 'read every local branch')
    .option('-T, --all-tags', 'read every tag')
    .option('--all', 'with several revisions, one row per metric (the long form) instead of one column per metric')
    .option('--precision <n>', 'significant digits', '5')
    .option('--json', 'print the result as JSON')
    .option('--md', 'print a Markdown table')
    .option('--csv', 'print CSV')
    .action(
      run(async (o, _c, [targets]) => {
        const { metricsShow } = await import('../../api/metrics.js');
        const r = await metricsShow({ cwd: process.cwd(), revs: o.rev as string[] | undefined, allBranches: !!o.allBranches, allTags: !!o.allTags, targets: targets as string[] });
        if (o.json) {
          out.json(r);
          return EXIT.OK;
        }
        const { textTable, mdTable, csvTable } = await import('../../render/table.js');
        const { showCells, wideShowTable } = await import('../../render/values.js');
        const p = Number(o.precision);
        // several revisions: DVC's wide table (a row per revision and file, a column per metric)
        const wide = r.revisions.length > 1 && !o.all;
        const { header, cells } = wide ? wideShowTable(r.revisions, p) : { header: ['Revision', 'Path', 'Metric', 'Value'], cells: showCells(r.revisions, p) };
        out.line(o.md ? mdTable(header, cells) : o.csv ? csvTable(header, cells) : textTable(header, cells));
        for (const e of r.errors) out.err(`warning: ${e.message}`);
        return EXIT.OK;
      }),
    );
  m.command('diff')
    .description('compare metrics between two revisions (default: HEAD vs the workspace)')
    .argument('[a]', 'old revision', 'HEAD')
    .argument('[b]', 'new revision', 'workspace')
    .option('--targets <path...>', 'metrics files (default: every `metrics:` out in cairn.yaml)')
    .option('--all', 'show unchanged metrics too')
    .option('--precision <n>', 'significant digits', '5')
    .option('--fail-on <rule>', "exit 4 when a rule holds on the change, e.g. 'acc < -0.01', 'loss > 5%' (repeatable)", collect)
    .option('--json', 'print the result as JSON')
    .option('--md', 'print GitHub-flavoured Markdown')
    .option('--csv', 'print CSV')
    .action(
      run(async (o, _c, [a, b]) => {
        const { metricsDiff } = await import('../../api/metrics.js');
        const r = await metricsDiff({ cwd: process.cwd(), a: a as string, b: b as string, targets: o.targets as string[] | undefined, all: !!o.all, failOn: o.failOn as string[] | undefined });
        const code = verdictExit(r.verdict);
        if (o.json) {
          out.json(r);
          return code;
        }
        const { textTable, mdTable, csvTable } = await import('../../render/table.js');
        const { diffCells, DIFF_HEADER } = await import('../../render/values.js');
        const cells = diffCells(r.rows, Number(o.precision));
        if (o.md) {
          out.line(`### Metrics: \`${r.a.rev}\` → \`${r.b.rev}\`\n`);
          out.line(cells.length ? mdTable(DIFF_HEADER, cells) : '_no changes_');
          if (r.violations.length) out.line(`\n**Failed rules:**\n${r.violations.map((v) => `- \`${v.rule}\` (${v.path}: ${v.key} ${v.old} → ${v.new})`).join('\n')}`);
          if (r.unevaluated.length) out.line(`\n**Rules that could not be evaluated (they fail):**\n${r.unevaluated.map((v) => `- \`${v.rule}\` (${v.path}: ${v.skipped})`).join('\n')}`);
          for (const e of r.errors) out.line(`\n> warning: ${e.message}`);
        } else if (o.csv) out.line(csvTable(DIFF_HEADER, cells));
        else out.line(cells.length ? textTable(DIFF_HEADER, cells) : 'No metric changed.');
        for (const e of r.errors) if (!o.md) out.err(`warning: ${e.message}`);
        for (const v of r.violations) out.err(`failed: ${v.rule} (${v.path}: ${v.key} ${v.old} -> ${v.new}, change ${v.change})`);
        for (const v of r.unevaluated) out.err(`failed: rule '${v.rule}' cannot be evaluated (${v.path}: ${v.skipped})`);
        return code;
      }),
    );
}
