import type { Command } from 'commander';
import { run } from '../main.js';
import { formatBytes, out } from '../output.js';

export function register(program: Command): void {
  program
    .command('gc')
    .description('delete cache objects that nothing in the chosen scope refers to')
    .option('-w, --workspace', 'keep what the pointer files (and cairn.lock files) in the workspace refer to')
    .option('--dry', 'list what would be deleted, delete nothing')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o) => {
        const { gc } = await import('../../api/gc.js');
        const r = await gc({ cwd: process.cwd(), workspace: !!o.workspace, dry: !!o.dry });
        if (o.json) {
          out.json(r);
          return 0;
        }
        if (o.quiet) return 0;
        if (o.verbose) for (const x of r.removed) out.line(`${r.dry ? 'would remove' : 'removed'} ${x.id}`);
        const verb = r.dry ? 'Would remove' : 'Removed';
        out.line(`${verb} ${r.removed.length} objects (${formatBytes(r.removedBytes)}), kept ${r.kept}${r.runsRemoved.length ? `; ${r.runsRemoved.length} run-cache entries` : ''}.`);
        return 0;
      }),
    );
}
