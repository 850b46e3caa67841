import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { EXIT, type CairnError, type ExitCode } from '../../core/errors.js';
import type { TransferSummary } from '../../remote/selection.js';
import { run } from '../main.js';
import { formatBytes, out, progress, reportError, byteMeter } from '../output.js';
import { errorExit } from '../outcome.js';

function jobsArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError('expected a whole number from 1 to 256');
  return n;
}

/** -r, -j, --run-cache, --json: the flags push, fetch and pull share. */
export function addTransferFlags(cmd: Command): Command {
  return cmd
    .option('-r, --remote <name>', 'remote to use (default: core.remote)')
    .option('-j, --jobs <n>', 'parallel transfers (default: the remote\'s jobs setting, or 16)', jobsArg)
    .option('--run-cache', 'also transfer run-cache entries and the outputs they name')
    .option('-a, --all-branches', 'also what the tip of every branch refers to')
    .option('-T, --all-tags', 'also what every tag refers to')
    .option('-A, --all-commits', 'also what every commit refers to')
    .option('--rev <revs...>', 'also what these git revisions refer to')
    .option('--json', 'print the result as JSON');
}

export function transferOpts(o: Record<string, unknown>, targets: unknown) {
  return {
    cwd: process.cwd(),
    targets: (targets as string[] | undefined) ?? [],
    remote: o.remote as string | undefined,
    jobs: o.jobs as number | undefined,
    runCache: !!o.runCache,
    allBranches: !!o.allBranches,
    allTags: !!o.allTags,
    allCommits: !!o.allCommits,
    revs: (o.rev as string[] | undefined) ?? [],
  };
}

export function summaryLine(r: TransferSummary, verb: 'push' | 'fetch'): string {
  const moved = verb === 'push' ? 'pushed' : 'fetched';
  const where = verb === 'push' ? 'already on remote' : 'already in cache';
  const parts = [`${r.transferred} object${r.transferred === 1 ? '' : 's'} ${moved}`, `${r.skipped} ${where}`];
  if (r.replaced?.length) parts.push(`${r.replaced.length} bad remote cop${r.replaced.length === 1 ? 'y' : 'ies'} replaced`);
  if (r.missing.length) parts.push(`${r.missing.length} missing`);
  if (r.failed.length) parts.push(`${r.failed.length} failed`);
  let s = `${parts.join(', ')}, ${formatBytes(r.bytes)} in ${r.seconds.toFixed(1)} s`;
  if (r.runs) s += ` (run-cache: ${r.runs.transferred} ${moved}, ${r.runs.skipped} already there${r.runs.failed ? `, ${r.runs.failed} failed` : ''})`;
  return s;
}

/** Summary (text or JSON), then the error if anything failed; returns the exit code. */
export function renderTransfer(r: TransferSummary, verb: 'push' | 'fetch', err: CairnError | undefined, o: Record<string, unknown>): ExitCode {
  if (o.json) {
    out.json(err ? { ...r, error: err.toJSON() } : r);
    if (err) {
      out.err(`error: ${err.message}`);
      return errorExit(err);
    }
    return EXIT.OK;
  }
  if (!o.quiet) out.line(summaryLine(r, verb));
  return err ? reportError(err, {}) : EXIT.OK;
}

export function register(program: Command): void {
  addTransferFlags(
    program
      .command('fetch')
      .description('download into the cache the objects the workspace (or the targets) refers to; every object is rehashed first')
      .argument('[targets...]', 'tracked data paths or pointer files (default: everything)'),
  ).action(
    run(async (o, _c, [targets]) => {
      const { fetch } = await import('../../api/fetch.js');
      const { transferError } = await import('../../remote/selection.js');
      const r = await fetch({ ...transferOpts(o, targets), onProgress: progress(o), meter: byteMeter(o) });
      return renderTransfer(r, 'fetch', transferError(r, 'fetch'), o);
    }),
  );
}
