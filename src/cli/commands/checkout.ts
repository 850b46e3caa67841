import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out, progress } from '../output.js';
import { failedExit } from '../outcome.js';
import type { CheckoutResult } from '../../api/checkout.js';

export function register(program: Command): void {
  program
    .command('checkout')
    .description('make tracked data in the workspace match the pointer files (after git checkout / git pull)')
    .argument('[targets...]', 'tracked files or directories (default: all)')
    .option('-f, --force', 'overwrite or delete workspace changes that are not in the cache')
    .option('--relink', 'rewrite every file from the cache (re-apply cache.type)')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o, _cmd, [targets]) => {
        const { checkout } = await import('../../api/checkout.js');
        const r = await checkout({
          cwd: process.cwd(),
          targets: targets as string[],
          force: !!o.force,
          relink: !!o.relink,
          onProgress: progress(o),
        });
        // skipped pipeline outputs (not in the cache) make the run incomplete: exit 1
        const code = failedExit(r.missing);
        if (o.json) {
          out.json(r);
          return code;
        }
        for (const m of r.missing) {
          out.err(`warning: ${m.path} (${m.pointerFile}) is not in the cache: run \`cairn pull\` to download it or \`cairn repro\` to rebuild it`);
        }
        checkoutWarnings(r);
        if (o.quiet) return code;
        for (const v of r.vanished) if (v.status === 'removed') out.line(`removed ${v.path} (no pointer file tracks it any more; its content is in the cache)`);
        for (const t of r.targets) {
          if (t.status === 'unchanged' && !o.verbose) continue;
          out.line(`${t.status === 'updated' ? 'restored' : 'unchanged'} ${t.path}${t.written || t.removed ? ` (${t.written} written, ${t.removed} removed)` : ''}`);
        }
        const changed = r.targets.some((t) => t.status === 'updated') || r.vanished.some((v) => v.status === 'removed');
        if (!changed && code === 0) out.line('Everything is up to date.');
        return code;
      }),
    );
}

/** What a checkout kept without replacing it (pull prints the same): on stderr, also with -q. */
export function checkoutWarnings(r: Pick<CheckoutResult, 'targets' | 'vanished'>): void {
  // untracked files left inside a tracked folder are named even when nothing else changed
  for (const t of r.targets) {
    for (const k of t.kept) out.err(`warning: kept ${t.path}/${k}: untracked (not in the pointer and not in the cache; use --force to delete)`);
  }
  for (const v of r.vanished) {
    if (v.status === 'kept') {
      out.err(
        `warning: kept ${v.path}: no pointer file tracks it any more and ${v.reason === 'modified' ? 'it was modified since cairn recorded it' : 'its content is not in the cache'}; it is now untracked`,
      );
    }
  }
}
