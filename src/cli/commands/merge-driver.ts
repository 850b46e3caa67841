import type { Command } from 'commander';
import { run } from '../main.js';
import { out } from '../output.js';
import { failedExit } from '../outcome.js';

export function register(program: Command): void {
  program
    .command('merge-driver')
    .description('git merge driver for cairn.lock and .cairn pointer files (registered by `cairn install`)')
    .argument('<base>', '%O: the common ancestor')
    .argument('<ours>', '%A: our version; the merge result is written here')
    .argument('<theirs>', '%B: their version')
    .argument('<path>', '%P: the path in the repo')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o, _c, [base, ours, theirs, path]) => {
        const { mergeDriver } = await import('../../api/merge-driver.js');
        const r = await mergeDriver({ cwd: process.cwd(), base: base as string, ours: ours as string, theirs: theirs as string, path: path as string });
        if (o.json) out.json(r);
        else if (!r.merged) {
          out.err(`cairn: conflict in ${r.path}: both sides changed ${r.conflicts.join(', ')}`);
          out.err('cairn: resolve by hand (or rerun `cairn repro` on the merged pipeline), then `git add` the file');
        }
        return failedExit(r.conflicts);
      }),
    );
}
