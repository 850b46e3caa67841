import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out } from '../output.js';

export function register(program: Command): void {
  const remote = program.command('remote').description('configure remotes: folders or S3-compatible buckets that hold a copy of the cache');

  remote
    .command('add')
    .description('add a remote (a folder path, file:// URL or s3://bucket/prefix)')
    .argument('<name>', 'remote name')
    .argument('<url>', 'folder path, file:///abs/path or s3://bucket/prefix')
    .option('-d, --default', 'make it the default remote')
    .option('-f, --force', 'replace a remote of the same name')
    .option('--local', 'write to .cairn/config.local.yaml (git-ignored) instead of .cairn/config.yaml')
    .option('--create', 'folder remotes: create the folder now (push and fetch never create a missing one)')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o, _c, [name, url]) => {
        const { remoteAdd } = await import('../../api/remote.js');
        const r = await remoteAdd({ cwd: process.cwd(), name: name as string, url: url as string, default: !!o.default, local: !!o.local, force: !!o.force, create: !!o.create });
        if (o.json) out.json(r);
        else if (!o.quiet) out.line(`added remote ${r.name} → ${r.url}${r.default ? ' (default)' : ''}${r.created ? ' (folder created)' : ''}`);
        if (r.exists === false && !o.json) out.err(`warning: the folder ${r.url} does not exist: push and fetch refuse until it does (mount it, or add the remote with --create)`);
        return EXIT.OK;
      }),
    );

  remote
    .command('list')
    .description('list remotes with their settings')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o) => {
        const { remoteList } = await import('../../api/remote.js');
        const r = await remoteList({ cwd: process.cwd() });
        if (o.json) {
          out.json(r);
          return EXIT.OK;
        }
        for (const x of r.remotes) {
          const extra = Object.entries(x.settings).map(([k, v]) => `${k}=${String(v)}`);
          out.line(`${x.name}\t${x.url}${x.default ? '\t(default)' : ''}${extra.length ? '\t' + extra.join(' ') : ''}`);
        }
        return EXIT.OK;
      }),
    );

  remote
    .command('remove')
    .description('remove a remote from the config (its data is left alone)')
    .argument('<name>')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o, _c, [name]) => {
        const { remoteRemove } = await import('../../api/remote.js');
        const r = await remoteRemove({ cwd: process.cwd(), name: name as string });
        if (o.json) out.json(r);
        else if (!o.quiet) out.line(`removed remote ${r.removed}${r.wasDefault ? ' (it was the default; none is set now)' : ''}`);
        return EXIT.OK;
      }),
    );

  remote
    .command('rename')
    .description('rename a remote')
    .argument('<name>')
    .argument('<new-name>')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o, _c, [name, newName]) => {
        const { remoteRename } = await import('../../api/remote.js');
        const r = await remoteRename({ cwd: process.cwd(), name: name as string, newName: newName as string });
        if (o.json) out.json(r);
        else if (!o.quiet) out.line(`renamed remote ${name as string} → ${r.name}`);
        return EXIT.OK;
      }),
    );

  remote
    .command('default')
    .description('show, set or (--unset) clear the default remote')
    .argument('[name]')
    .option('--unset', 'clear the default')
    .option('--local', 'write to .cairn/config.local.yaml')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o, _c, [name]) => {
        const { remoteDefault } = await import('../../api/remote.js');
        const r = await remoteDefault({ cwd: process.cwd(), name: name as string | undefined, unset: !!o.unset, local: !!o.local });
        if (o.json) out.json(r);
        else if (!o.quiet) out.line(r.default ?? '(no default remote)');
        return EXIT.OK;
      }),
    );

  remote
    .command('modify')
    .description('set (or --unset) a remote setting: url, endpoint, region, profile, path_style, jobs, sse, sse_kms_key_id, checksum, retries, multipart_threshold_mb, access_key_id, secret_access_key, session_token (secrets are kept in .cairn/config.local.yaml)')
    .argument('<name>')
    .argument('<key>')
    .argument('[value]')
    .option('--unset', 'remove the setting')
    .option('--local', 'write to .cairn/config.local.yaml (git-ignored)')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o, _c, [name, key, value]) => {
        const { remoteModify } = await import('../../api/remote.js');
        const r = await remoteModify({ cwd: process.cwd(), name: name as string, key: key as string, value: value as string | undefined, unset: !!o.unset, local: !!o.local });
        if (o.json) out.json(r);
        else if (!o.quiet) {
          const routed = r.wrote === 'local' && !o.local ? ' in .cairn/config.local.yaml (git-ignored: it holds a secret)' : '';
          out.line(o.unset ? `unset ${r.name}.${key as string}` : `set ${r.name}.${key as string}${routed}`);
        }
        return EXIT.OK;
      }),
    );
}
