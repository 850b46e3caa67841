import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import { run } from '../main.js';
import { out } from '../output.js';
import { failedExit } from '../outcome.js';

function size(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CairnError('CAIRN_USAGE', `--max-size must be a positive number of bytes, not '${String(v)}'`);
  return n;
}

export function register(program: Command): void {
  program
    .command('import-url')
    .description('track an external source (s3://bucket/key, s3://bucket/prefix/, https://...) as a stage that downloads it into PATH')
    .argument('<url>', 'the source')
    .argument('<path>', 'where the data goes (inside the repo)')
    .option('-n, --name <stage>', 'stage name (default import-<file name>)')
    .option('-f, --force', 'replace an existing stage of that name and overwrite PATH')
    .option('--max-size <bytes>', 'refuse sources bigger than this (default 20 GiB)')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o, _c, [url, path]) => {
        const { importUrl } = await import('../../api/import-url.js');
        const r = await importUrl({ cwd: process.cwd(), url: url as string, path: path as string, name: o.name as string | undefined, force: !!o.force, maxSize: size(o.maxSize) });
        if (o.json) out.json(r);
        else if (r.error) out.err(`error: ${r.error}`);
        else out.line(`Imported ${r.url} into ${r.path} (stage '${r.stage}' in ${r.file}).\nTo track it with git, run:\n\n\tgit add ${r.file} cairn.lock .gitignore\n\nRefresh it with \`cairn update ${r.path}\`.`);
        return failedExit(r.status === 'failed' ? [r] : []);
      }),
    );
}
