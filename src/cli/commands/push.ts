import type { Command } from 'commander';
import { run } from '../main.js';
import { progress, byteMeter } from '../output.js';
import { addTransferFlags, renderTransfer, transferOpts } from './fetch.js';

export function register(program: Command): void {
  addTransferFlags(
    program
      .command('push')
      .description('upload the objects the workspace (or the targets) refers to that the remote lacks')
      .argument('[targets...]', 'tracked data paths or pointer files (default: everything)')
      .option('--verify-remote', 'download and hash every object the remote already has; replace copies that are corrupt'),
  ).action(
    run(async (o, _c, [targets]) => {
      const { push } = await import('../../api/push.js');
      const { transferError } = await import('../../remote/selection.js');
      const r = await push({ ...transferOpts(o, targets), verifyRemote: !!o.verifyRemote, onProgress: progress(o), meter: byteMeter(o) });
      return renderTransfer(r, 'push', transferError(r, 'push'), o);
    }),
  );
}
