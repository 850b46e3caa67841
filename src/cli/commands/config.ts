import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { MASK, isSecretKey, maskSecrets } from '../../core/secrets.js';
import { out } from '../output.js';

export function register(program: Command): void {
  program
    .command('config')
    .description('get or set repo config (dotted keys such as core.hash, cache.type, core.lock_timeout)')
    .argument('[key]', 'dotted key')
    .argument('[value]', 'value to set (omit to print the current value)')
    .option('--local', 'use .cairn/config.local.yaml (git-ignored) instead of .cairn/config.yaml')
    .option('--unset', 'remove the key')
    .option('-l, --list', 'print every key set')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o, _cmd, [key, value]) => {
        const { config } = await import('../../api/config.js');
        const raw = await config({
          cwd: process.cwd(),
          key: key as string | undefined,
          value: value as string | undefined,
          unset: !!o.unset,
          local: !!o.local,
          list: !!o.list,
        });
        // a secret's value is never shown, however short (longer ones are masked anyway)
        const r = raw.key && isSecretKey(raw.key) && raw.value !== undefined ? { ...raw, value: MASK } : raw;
        if (o.json) {
          out.json(r);
          return EXIT.OK;
        }
        const show = (v: unknown) => (Array.isArray(v) ? v.join(',') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
        if (r.action === 'list') for (const [k, v] of Object.entries(maskSecrets(r.values ?? {}))) out.line(`${k}=${show(v)}`);
        else if (r.action === 'get') {
          if (r.value === undefined) return EXIT.FAILED; // like git config: unset key → exit 1, no output
          out.line(show(r.value));
        } else if (r.routedToLocal && !o.quiet) {
          out.err(`note: ${r.key} holds a secret: written to .cairn/config.local.yaml (git-ignored), not the committed config.yaml`);
        }
        return EXIT.OK;
      }),
    );
}
