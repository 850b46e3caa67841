import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out } from '../output.js';

export function register(program: Command): void {
  program
    .command('unprotect')
    .description('replace hardlinked/symlinked tracked files with private writable copies before editing')
    .argument('<targets...>', 'tracked files or directories, or paths inside a tracked directory')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o, _cmd, [targets]) => {
        const { unprotect } = await import('../../api/unprotect.js');
        const r = await unprotect({ cwd: process.cwd(), targets: targets as string[] });
        if (o.json) {
          out.json(r);
          return EXIT.OK;
        }
        if (o.quiet) return EXIT.OK;
        for (const t of r.targets) out.line(`unprotected ${t.path} (${t.copied} files copied)`);
        return EXIT.OK;
      }),
    );
}
