import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out, gitAddHint } from '../output.js';

export function register(program: Command): void {
  program
    .command('remove')
    .description('stop tracking data: delete its pointer file and .gitignore entry, keep the data')
    .argument('<targets...>', 'tracked files or directories (or their .cairn files)')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o, _cmd, [targets]) => {
        const { remove } = await import('../../api/remove.js');
        const r = await remove({ cwd: process.cwd(), targets: targets as string[] });
        if (o.json) {
          out.json(r);
          return EXIT.OK;
        }
        if (o.quiet) return EXIT.OK;
        for (const t of r.targets) out.line(`stopped tracking ${t.path} (data kept${t.copied ? `, ${t.copied} linked files made private copies` : ''})`);
        const hint = gitAddHint(r.gitFiles, 'To record this in git, run:', 'git add -A');
        if (hint) out.line(hint);
        return EXIT.OK;
      }),
    );
}
