import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { formatBytes, out } from '../output.js';

export function register(program: Command): void {
  program
    .command('gc')
    .description('delete cache objects that nothing in the chosen scope refers to')
    .option('-w, --workspace', 'keep what the pointer files (and cairn.lock files) in the workspace refer to')
    .option('-a, --all-branches', 'also keep what every branch tip refers to')
    .option('-T, --all-tags', 'also keep what every tag refers to')
    .option('-A, --all-commits', 'also keep what every commit refers to')
    .option('--rev <revs...>', 'also keep what these git revisions refer to')
    .option('-c, --cloud', 'collect garbage on the default remote (or -r NAME) instead of the local cache')
    .option('-r, --remote <name>', 'with --cloud: the remote')
    .option('--dry', 'list what would be deleted, delete nothing')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o) => {
        const { gc, gcCloud } = await import('../../api/gc.js');
        if (o.cloud) {
          const c = await gcCloud({ cwd: process.cwd(), workspace: !!o.workspace, allBranches: !!o.allBranches, allTags: !!o.allTags, allCommits: !!o.allCommits, revs: (o.rev as string[] | undefined) ?? [], remote: o.remote as string | undefined, dry: !!o.dry });
          if (o.json) out.json(c);
          else if (!o.quiet) {
            if (o.verbose || c.dry) for (const id of c.removed) out.line(`${c.dry ? 'would remove' : 'removed'} ${id}`);
            out.line(`${c.dry ? 'Would remove' : 'Removed'} ${c.removed.length} objects from remote '${c.remote}', kept ${c.kept}.`);
          }
          return EXIT.OK;
        }
        const r = await gc({
          cwd: process.cwd(),
          workspace: !!o.workspace,
          allBranches: !!o.allBranches,
          allTags: !!o.allTags,
          allCommits: !!o.allCommits,
          revs: (o.rev as string[] | undefined) ?? [],
          dry: !!o.dry,
        });
        if (o.json) {
          out.json(r);
          return EXIT.OK;
        }
        if (o.quiet) return EXIT.OK;
        if (o.verbose || r.dry) for (const x of r.removed) out.line(`${r.dry ? 'would remove' : 'removed'} ${x.id} (${formatBytes(x.size)})`);
        const verb = r.dry ? 'Would remove' : 'Removed';
        out.line(`${verb} ${r.removed.length} objects (${formatBytes(r.removedBytes)}), kept ${r.kept}${r.runsRemoved.length ? `; ${r.runsRemoved.length} run-cache entries` : ''}.`);
        return EXIT.OK;
      }),
    );
}
