import type { Command } from 'commander';
import { run } from '../main.js';
import { out } from '../output.js';
import { failedExit } from '../outcome.js';

export function register(program: Command): void {
  program
    .command('update')
    .description('refresh data imported with import-url: download again when the source changed')
    .argument('<paths...>', 'imported paths')
    .option('-f, --force', 'download again even when the source looks unchanged')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o, _c, [paths]) => {
        const { update } = await import('../../api/update.js');
        const r = await update({ cwd: process.cwd(), targets: paths as string[], force: !!o.force });
        if (o.json) out.json(r);
        else
          for (const s of r.stages) {
            if (s.status === 'failed') out.err(`error: ${s.error}`);
            else out.line(s.status === 'ran' ? `Updated ${s.path} (${s.reasons.join('; ')})` : s.status === 'restored' ? `Updated ${s.path} (restored from run-cache)` : `${s.path} is up to date`);
          }
        return failedExit(r.stages.filter((s) => s.status === 'failed'));
      }),
    );
}
