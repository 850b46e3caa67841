import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out, gitAddHint } from '../output.js';

export function register(program: Command): void {
  program
    .command('init')
    .description('create .cairn/ at the root of the git repository (idempotent)')
    .option('--no-scm', 'allow a repo outside git')
    .option('-f, --force', 'rewrite config.yaml and .cairn/.gitignore (the cache is kept)')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o) => {
        const { init } = await import('../../api/init.js');
        const r = await init({ cwd: process.cwd(), noScm: o.scm === false, force: !!o.force });
        if (o.json) out.json(r);
        else if (!o.quiet) {
          out.line(r.created ? `Initialized cairn repository in ${r.root}/.cairn` : `cairn repository already initialized in ${r.root}`);
          const hint = gitAddHint(r.gitAdd);
          if (hint) out.line(hint);
        }
        return EXIT.OK;
      }),
    );
}
