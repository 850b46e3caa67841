import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out } from '../output.js';

export function register(program: Command): void {
  program
    .command('lineage')
    .description('how a model version or tracked file was produced, down to the raw data')
    .argument('<target>', 'NAME@vX.Y.Z, NAME@ALIAS, or a tracked file / pipeline output')
    .option('--rev <rev>', 'read a path at this git revision (default: the workspace)')
    .option('--json', 'print the tree as JSON')
    .option('--md', 'print a Markdown table')
    .option('--mermaid', 'print a Mermaid flowchart')
    .action(
      run(async (o, _c, [target]) => {
        const { lineage } = await import('../../api/lineage.js');
        const r = await lineage({ cwd: process.cwd(), target: target as string, rev: o.rev as string | undefined });
        for (const e of r.errors) out.err(`warning: ${e}`);
        if (o.json) {
          out.json(r);
          return EXIT.OK;
        }
        const { lineageText, lineageMarkdown, lineageMermaid } = await import('../../mlops/registry/lineage.js');
        if (o.mermaid) {
          out.line(lineageMermaid(r.tree));
          return EXIT.OK;
        }
        const head = `${r.model ? `${r.model.name}@${r.model.version}: ` : ''}${r.path} at ${r.commit ?? 'the workspace'}`;
        if (o.md) {
          out.line(`**Lineage of ${head}**\n`);
          out.line(lineageMarkdown(r.tree));
        } else {
          out.line(head);
          out.line(lineageText(r.tree));
        }
        return EXIT.OK;
      }),
    );
}
