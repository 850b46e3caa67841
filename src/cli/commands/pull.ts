import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out, progress, byteMeter } from '../output.js';
import { checkoutWarnings } from './checkout.js';
import { addTransferFlags, summaryLine, transferOpts } from './fetch.js';

export function register(program: Command): void {
  addTransferFlags(
    program
      .command('pull')
      .description('fetch, then check out: make the workspace match the pointer files using the remote')
      .argument('[targets...]', 'tracked data paths or pointer files (default: everything)')
      .option('-f, --force', 'overwrite workspace changes that are not in the cache'),
  ).action(
    run(async (o, _c, [targets]) => {
      const { pull } = await import('../../api/pull.js');
      const r = await pull({ ...transferOpts(o, targets), force: !!o.force, onProgress: progress(o), meter: byteMeter(o) });
      if (o.json) {
        out.json(r);
        return EXIT.OK;
      }
      checkoutWarnings(r.checkout);
      if (!o.quiet) {
        out.line(summaryLine(r.fetch, 'fetch'));
        const changed = r.checkout.targets.filter((t) => t.status === 'updated');
        for (const t of changed) out.line(`updated ${t.path}`);
        out.line(`${changed.length} target${changed.length === 1 ? '' : 's'} updated, ${r.checkout.targets.length - changed.length} unchanged`);
      }
      return EXIT.OK;
    }),
  );
}
