import type { Command } from 'commander';
import { CairnError, EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out } from '../output.js';

export function register(program: Command): void {
  program
    .command('dag')
    .description('print the pipeline graph (ASCII by default)')
    .argument('[targets...]', 'only these stages and their upstream')
    .option('--mermaid', 'Mermaid flowchart')
    .option('--dot', 'Graphviz DOT')
    .option('--json', 'stages and edges as JSON')
    .action(
      run(async (o, _cmd, [targets]) => {
        if ([o.mermaid, o.dot, o.json].filter(Boolean).length > 1) throw new CairnError('CAIRN_USAGE', 'choose one of --mermaid, --dot, --json');
        const { dag } = await import('../../api/dag.js');
        const d = await dag({ cwd: process.cwd(), targets: targets as string[] });
        const { dagToAscii, dagToDot, dagToMermaid } = await import('../../render/graph.js');
        if (o.json) out.json(d);
        else if (o.mermaid) out.line(dagToMermaid(d));
        else if (o.dot) out.line(dagToDot(d));
        else out.line(d.stages.length ? dagToAscii(d) : 'no stages (add one with `cairn stage add`)');
        return EXIT.OK;
      }),
    );
}
