import type { Command } from 'commander';
import type { PushResult } from '../../api/push.js';
import { CairnError, EXIT, type ExitCode } from '../../core/errors.js';
import { run } from '../main.js';
import { out, reportError } from '../output.js';

type InstallApi = typeof import('../../api/install.js');

interface HookResult {
  hook: 'post-checkout' | 'pre-push' | 'pre-commit';
  /** post-checkout: how many targets were checked out */
  checkedOut?: number;
  /** post-checkout: why checkout failed (a post-checkout hook never blocks git) */
  checkoutError?: { code: string; message: string };
  /** pre-commit: tracked data that changed without its pointer file being updated */
  modified?: { path: string; pointerFile: string }[];
  /** pre-push: no remote is configured, so nothing was pushed */
  noRemote?: boolean;
  /**
   * pre-push: what `push` did. Failed and missing objects are data here; the hook blocks the
   * git push on any of them with the same rule and exit code as `cairn push`.
   */
  push?: PushResult;
}

/**
 * The body of an installed hook: the command it stands for (post-checkout → checkout,
 * pre-commit → status, pre-push → push when a remote is set), as data. A pre-push whose
 * push throws (credentials, missing remote) throws, which also blocks the git push.
 */
async function runHook(api: InstallApi, cwd: string, name: string): Promise<HookResult> {
  const hook = name as HookResult['hook'];
  if (!api.HOOKS.includes(hook)) throw new CairnError('CAIRN_USAGE', `unknown hook '${name}' (known: ${api.HOOKS.join(', ')})`, {});
  if (hook === 'post-checkout') {
    const { checkout } = await import('../../api/checkout.js');
    try {
      const r = await checkout({ cwd });
      return { hook, checkedOut: r.targets.length };
    } catch (e) {
      return { hook, checkoutError: { code: e instanceof CairnError ? e.code : 'CAIRN_INTERNAL', message: (e as Error).message } };
    }
  }
  if (hook === 'pre-commit') {
    const { status } = await import('../../api/status.js');
    const r = await status({ cwd });
    return { hook, modified: r.targets.filter((t) => t.state === 'modified').map((t) => ({ path: t.path, pointerFile: t.pointerFile })) };
  }
  const { remoteList } = await import('../../api/remote.js');
  if ((await remoteList({ cwd })).remotes.length === 0) return { hook, noRemote: true };
  const { push } = await import('../../api/push.js');
  return { hook, push: await push({ cwd }) };
}

/**
 * Render a hook's result on stderr (git shows it) and decide its exit code. pre-push blocks
 * the git push (non-zero) on exactly what makes `cairn push` fail: any failed or missing
 * object, through the same transferError rule.
 */
async function renderHook(api: InstallApi, hook: string): Promise<ExitCode> {
  let r;
  try {
    r = await runHook(api, process.cwd(), hook);
  } catch (e) {
    if (hook === 'pre-push') out.err('cairn: push failed, blocking git push');
    throw e;
  }
  if (r.hook === 'post-checkout') {
    if (r.checkoutError) out.err(`cairn: checkout after git checkout failed: ${r.checkoutError.message}`);
    else if (r.checkedOut) out.err(`cairn: checked out data for ${r.checkedOut} target(s)`); // silent when nothing changed
    return EXIT.OK;
  }
  if (r.hook === 'pre-commit') {
    for (const t of r.modified ?? []) out.err(`cairn: warning: ${t.path} changed but ${t.pointerFile} was not updated; run \`cairn commit ${t.path}\` and stage ${t.pointerFile}`);
    return EXIT.OK;
  }
  if (r.noRemote || !r.push) {
    out.err('cairn: no remote configured; not pushing data');
    return EXIT.OK;
  }
  const { transferError } = await import('../../remote/selection.js');
  const err = transferError(r.push, 'push');
  if (err) {
    out.err('cairn: push failed, blocking git push (fix it and push again, or skip the hook with `git push --no-verify`)');
    return reportError(err, {});
  }
  out.err(`cairn: pushed data to remote '${r.push.remote}' (${r.push.transferred} sent, ${r.push.skipped} already there)`);
  return EXIT.OK;
}

export function register(program: Command): void {
  program
    .command('install')
    .description('install git hooks (post-checkout, pre-push, pre-commit) and the cairn.lock / pointer merge driver')
    .option('--uninstall', 'remove the hooks and merge driver that `cairn install` added')
    .option('--run-hook <name>', 'run a hook body (used by the installed hooks)')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o) => {
        const api = await import('../../api/install.js');
        if (o.runHook) return renderHook(api, o.runHook as string);
        const r = await api.install({ cwd: process.cwd(), uninstall: !!o.uninstall });
        if (o.json) {
          out.json(r);
          return EXIT.OK;
        }
        if (o.quiet) return EXIT.OK;
        for (const h of r.hooks) out.line(`${h.action.padEnd(9)} hook ${h.name}`);
        out.line(`${r.gitattributes.padEnd(9)} .gitattributes (cairn.lock, *.cairn merge=cairn)`);
        out.line(`${r.mergeDriver.padEnd(9)} merge driver 'cairn' in .git/config`);
        return EXIT.OK;
      }),
    );
}
