import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out } from '../output.js';

export function register(program: Command): void {
  program
    .command('install')
    .description('install git hooks (post-checkout, pre-push, pre-commit) and the cairn.lock / pointer merge driver')
    .option('--uninstall', 'remove the hooks and merge driver that `cairn install` added')
    .option('--run-hook <name>', 'run a hook body (used by the installed hooks)')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o) => {
        const api = await import('../../api/install.js');
        if (o.runHook) {
          const r = await api.runHook({ cwd: process.cwd(), hook: o.runHook as string });
          for (const m of r.messages) out.err(m);
          return r.code ? EXIT.FAILED : EXIT.OK; // a non-zero hook code blocks the git operation
        }
        const r = await api.install({ cwd: process.cwd(), uninstall: !!o.uninstall });
        if (o.json) {
          out.json(r);
          return EXIT.OK;
        }
        if (o.quiet) return EXIT.OK;
        for (const h of r.hooks) out.line(`${h.action.padEnd(9)} hook ${h.name}`);
        out.line(`${r.gitattributes.padEnd(9)} .gitattributes (cairn.lock, *.cairn merge=cairn)`);
        out.line(`${r.mergeDriver.padEnd(9)} merge driver 'cairn' in .git/config`);
        return EXIT.OK;
      }),
    );
}
