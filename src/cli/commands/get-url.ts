import type { Command } from 'commander';
import { CairnError, EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out } from '../output.js';

export function register(program: Command): void {
  program
    .command('get-url')
    .description('download an external source into PATH (the cmd of import-url stages)')
    .argument('<url>', 's3://bucket/key, s3://bucket/prefix/ or https://...')
    .argument('<path>', 'destination inside the repo')
    .option('--max-size <bytes>', 'refuse sources bigger than this (default 20 GiB)')
    .action(
      run(async (o, _c, [url, path]) => {
        const { getUrl } = await import('../../api/get-url.js');
        const max = o.maxSize === undefined ? undefined : Number(o.maxSize);
        if (max !== undefined && (!Number.isInteger(max) || max < 1)) throw new CairnError('CAIRN_USAGE', `--max-size must be a positive number of bytes, not '${String(o.maxSize)}'`);
        const r = await getUrl({ cwd: process.cwd(), url: url as string, path: path as string, maxSize: max });
        if (!o.quiet) out.line(`Downloaded ${r.files} file${r.files === 1 ? '' : 's'} (${r.bytes} bytes) into ${r.path}`);
        return EXIT.OK;
      }),
    );
}
