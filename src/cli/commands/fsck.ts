import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out, progress } from '../output.js';

export function register(program: Command): void {
  program
    .command('fsck')
    .description('rehash every object in the local cache; quarantine and list corrupt ones (exit 5)')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o) => {
        const { fsck } = await import('../../api/fsck.js');
        const r = await fsck({ cwd: process.cwd(), onProgress: progress(o) });
        const code = r.ok ? EXIT.OK : EXIT.INTEGRITY;
        if (o.json) {
          out.json(r);
          return code;
        }
        for (const c of r.corrupt) out.err(`corrupt: ${c.id}${c.quarantined ? ` (moved to ${c.quarantined})` : ''}`);
        if (r.ok) {
          if (!o.quiet) out.line(`Checked ${r.checked} objects: all good.`);
        } else {
          out.err(`${r.corrupt.length} of ${r.checked} objects are corrupt.`);
          out.err('hint: run `cairn fetch` to download good copies, or `cairn commit` / `cairn add` the data again');
        }
        return code;
      }),
    );
}
