import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out, progress, gitAddHint } from '../output.js';

export function register(program: Command): void {
  program
    .command('commit')
    .description('record the current content of tracked data in the cache and its pointer files')
    .argument('[targets...]', 'tracked files or directories (default: all)')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o, _cmd, [targets]) => {
        const { commit } = await import('../../api/commit.js');
        const r = await commit({ cwd: process.cwd(), targets: targets as string[], onProgress: progress(o) });
        if (o.json) {
          out.json(r);
          return EXIT.OK;
        }
        if (o.quiet) return EXIT.OK;
        for (const t of r.targets) {
          if (t.status === 'deleted') out.err(`warning: ${t.path} is deleted from the workspace; nothing recorded (restore it with \`cairn checkout\`)`);
          else if (t.status === 'committed' || o.verbose) out.line(`${t.status} ${t.path}`);
        }
        const hint = gitAddHint(r.gitFiles);
        if (hint) out.line(hint);
        else out.line('Nothing to commit: every target already matches its pointer.');
        return EXIT.OK;
      }),
    );
}
