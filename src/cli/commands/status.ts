import type { Command } from 'commander';
import { run } from '../main.js';
import { out } from '../output.js';

const LABEL = {
  'up-to-date': 'up to date',
  modified: 'modified',
  deleted: 'deleted from workspace',
  'missing-from-cache': 'missing from cache',
} as const;

export function register(program: Command): void {
  program
    .command('status')
    .description('show tracked data that differs from its pointer file')
    .argument('[targets...]', 'tracked files or directories (default: all)')
    .option('--json', 'print the result as JSON')
    .option('--exit-code', 'exit with 1 when anything is not up to date')
    .action(
      run(async (o, _cmd, [targets]) => {
        const { status } = await import('../../api/status.js');
        const r = await status({ cwd: process.cwd(), targets: targets as string[] });
        const code = o.exitCode && !r.clean ? 1 : 0;
        if (o.json) {
          out.json(r);
          return code;
        }
        if (o.quiet) return code;
        if (r.clean) {
          out.line(r.targets.length ? 'Everything is up to date.' : 'Nothing is tracked yet (track data with `cairn add <path>`).');
          return code;
        }
        for (const t of r.targets) {
          if (t.state === 'up-to-date' && !o.verbose) continue;
          const note = t.state === 'deleted' && !t.inCache ? ' (and missing from cache)' : '';
          out.line(`${t.path}: ${LABEL[t.state]}${note}`);
          if (t.changes) {
            for (const f of t.changes.added) out.line(`\tadded:    ${f}`);
            for (const f of t.changes.modified) out.line(`\tmodified: ${f}`);
            for (const f of t.changes.deleted) out.line(`\tdeleted:  ${f}`);
          }
        }
        const s = new Set(r.targets.map((t) => t.state));
        out.line('');
        if (s.has('modified')) out.line('Record changes with `cairn commit`, or discard them with `cairn checkout --force <target>`.');
        if (s.has('deleted')) out.line('Restore deleted data with `cairn checkout`.');
        if (s.has('missing-from-cache')) out.line('Get missing objects with `cairn fetch`, or re-record them with `cairn commit`.');
        return code;
      }),
    );
}
