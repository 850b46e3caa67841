import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import { run } from '../main.js';
import { out, gitAddHint } from '../output.js';
import { reportCarried } from '../outcome.js';

export function register(program: Command): void {
  program
    .command('repro')
    .description('run the pipeline stages whose cmd, deps, params or outs changed (restoring from the run-cache when possible)')
    .argument('[targets...]', 'stages (name, file:name, foreach group) or cairn.yaml paths; default: every stage')
    .option('-f, --force', 'run the selected stages even when nothing changed')
    .option('-s, --single-item', 'only the targets, not their upstream stages')
    .option('--downstream', 'the targets and every stage downstream of them')
    .option('--dry', 'print what would run; run and write nothing')
    .option('-k, --keep-going', 'after a failure, keep running stages that do not depend on it')
    .option('-j, --jobs <n>', 'run up to N independent stages at once', '1')
    .option('--no-run-cache', 'neither restore from nor record in the run-cache')
    .option('--pull', 'fetch run-cache entries and missing deps from the remote first; with -s, restore upstream stages other workers ran')
    .option('-r, --remote <name>', 'the remote for --pull (default: core.remote)')
    .option('--allow-missing', 'a dep or out missing from the workspace but recorded in the lock is not a change')
    .option('--json', 'print the result as JSON (stage output goes to stderr)')
    .action(
      run(async (o, _cmd, [targets]) => {
        const { repro } = await import('../../api/repro.js');
        const jobs = Number(o.jobs);
        if (!Number.isInteger(jobs) || jobs < 1) throw new CairnError('CAIRN_USAGE', `--jobs must be a positive integer, got '${String(o.jobs)}'`);
        const quiet = !!o.quiet;
        const json = !!o.json;
        const say = (s: string) => {
          if (!quiet) (json ? process.stderr : process.stdout).write(s + '\n');
        };
        const ctl = new AbortController();
        const onSig = () => ctl.abort();
        process.on('SIGINT', onSig);
        process.on('SIGTERM', onSig);
        try {
          const r = await repro({
            cwd: process.cwd(),
            targets: targets as string[],
            force: !!o.force,
            singleItem: !!o.singleItem,
            downstream: !!o.downstream,
            dry: !!o.dry,
            keepGoing: !!o.keepGoing,
            jobs,
            runCache: o.runCache !== false,
            pull: !!o.pull,
            remote: o.remote as string | undefined,
            allowMissing: !!o.allowMissing,
            signal: ctl.signal,
            onEvent: (e) => {
              if (e.type === 'source') say(`Updated data source '${e.path}' (${e.pointerFile}): its content changed`);
              else if (e.type === 'start') say(`Running stage '${e.id}' (${e.reasons.join('; ')})`);
              else if (e.type === 'cmd') say(`> ${e.cmd}`);
              else if (e.type === 'skip') say(`Stage '${e.id}' didn't change, skipping`);
              else if (e.type === 'frozen') say(`Stage '${e.id}' is frozen, skipping`);
              else if (e.type === 'restored') say(`Stage '${e.id}' restored from run-cache`);
              else if (e.type === 'blocked') say(`Stage '${e.id}' not run: an upstream stage failed`);
              else if (e.type === 'failed') out.err(`error: ${e.error}`);
            },
            onOutput: (_id, text, stream) => {
              (json || stream === 'stderr' ? process.stderr : process.stdout).write(text);
            },
          });
          if (json) out.json(r);
          else if (r.dry) {
            for (const s of r.sources) out.line(`${'would update'.padEnd(10)} ${s.pointerFile}  (data source '${s.path}' changed)`);
            for (const s of r.stages) {
              const what = s.status === 'would-run' ? 'would run' : s.status === 'may-run' ? 'may run' : s.status === 'frozen' ? 'frozen' : 'unchanged';
              out.line(`${what.padEnd(10)} ${s.id}${s.reasons.length ? `  (${s.reasons.join('; ')})` : ''}`);
            }
          } else if (!quiet) {
            const c = r.counts;
            out.line(`\n${c.ran ?? 0} ran, ${c.restored ?? 0} restored from run-cache, ${c.skipped ?? 0} unchanged${c.frozen ? `, ${c.frozen} frozen` : ''}${c.failed ? `, ${c.failed} failed` : ''}${c.blocked || c['not-run'] ? `, ${(c.blocked ?? 0) + (c['not-run'] ?? 0)} not run` : ''}`);
            const hint = gitAddHint(r.gitFiles);
            if (hint) out.line(hint);
          }
          return reportCarried(r.error);
        } finally {
          process.off('SIGINT', onSig);
          process.off('SIGTERM', onSig);
        }
      }),
    );
}
