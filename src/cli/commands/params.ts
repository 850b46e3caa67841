import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out } from '../output.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function register(program: Command): void {
  const m = program.command('params').description('show and compare tracked params across git revisions');
  m.command('show')
    .description('show the params stages track (default: the workspace)')
    .option('--rev <rev>', 'a revision to read (repeatable)', collect)
    .option('--json', 'print the result as JSON')
    .option('--md', 'print a Markdown table')
    .action(
      run(async (o) => {
        const { paramsShow } = await import('../../api/params.js');
        const r = await paramsShow({ cwd: process.cwd(), revs: o.rev as string[] | undefined });
        if (o.json) {
          out.json(r);
          return EXIT.OK;
        }
        const { textTable, mdTable } = await import('../../render/table.js');
        const { showCells } = await import('../../render/values.js');
        const cells = showCells(r.revisions, 10);
        out.line((o.md ? mdTable : textTable)(['Revision', 'Path', 'Param', 'Value'], cells));
        for (const e of r.errors) out.err(`warning: ${e.message}`);
        return EXIT.OK;
      }),
    );
  m.command('diff')
    .description('compare tracked params between two revisions (default: HEAD vs the workspace)')
    .argument('[a]', 'old revision', 'HEAD')
    .argument('[b]', 'new revision', 'workspace')
    .option('--targets <path...>', 'params files to compare (default: every file a stage tracks)')
    .option('--all', 'show unchanged params too')
    .option('--json', 'print the result as JSON')
    .option('--md', 'print GitHub-flavoured Markdown')
    .option('--csv', 'print CSV')
    .action(
      run(async (o, _c, [a, b]) => {
        const { paramsDiff } = await import('../../api/params.js');
        const r = await paramsDiff({ cwd: process.cwd(), a: a as string, b: b as string, all: !!o.all, targets: o.targets as string[] | undefined });
        if (o.json) {
          out.json(r);
          return EXIT.OK;
        }
        const { textTable, mdTable, csvTable } = await import('../../render/table.js');
        const { diffCells, DIFF_HEADER } = await import('../../render/values.js');
        const header = DIFF_HEADER.map((h) => (h === 'Metric' ? 'Param' : h));
        const cells = diffCells(r.rows, 10);
        out.line(o.md ? mdTable(header, cells) : o.csv ? csvTable(header, cells) : cells.length ? textTable(header, cells) : 'No param changed.');
        for (const e of r.errors) out.err(`warning: ${e.message}`);
        return EXIT.OK;
      }),
    );
}
