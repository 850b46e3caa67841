import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { gitAddHint, out } from '../output.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/**
 * The command line the shell would run for these words: one word is the command as typed
 * (`stage add ... "python train.py --lr 0.1"`); several words (after `--`) are joined with
 * POSIX single quotes around each word that needs them, so `sh -c 'echo hello world > out'`
 * is stored as `sh -c 'echo hello world > out'`, not `sh -c echo hello world > out`. Ten lines
 * instead of the shell-quote package: only quoting is needed, never parsing, and single
 * quotes are the one form every POSIX shell reads literally.
 */
export function joinCommand(words: readonly string[]): string {
  if (words.length === 1) return words[0]!;
  return words.map(quoteWord).join(' ');
}

function quoteWord(w: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w)) return w;
  return `'${w.replace(/'/g, `'\\''`)}'`;
}

export function register(program: Command): void {
  const stage = program.command('stage').description('edit pipeline stages in cairn.yaml');
  stage
    .command('add')
    .description('add a stage to ./cairn.yaml (keeps the file\'s comments and formatting)')
    .requiredOption('-n, --name <name>', 'stage name')
    .option('-d, --deps <path>', 'dependency (repeatable)', collect)
    .option('-o, --outs <path>', 'output stored in the cache (repeatable)', collect)
    .option('-O, --outs-no-cache <path>', 'output kept in git, not the cache (repeatable)', collect)
    .option('-p, --params <keys>', 'params: key[,key] from params.yaml, or file.yaml:key[,key] (repeatable)', collect)
    .option('-M, --metrics <path>', 'metrics file, kept in git (repeatable)', collect)
    .option('--plots <path>', 'plots file (repeatable)', collect)
    .option('-w, --wdir <dir>', 'working directory of the command, relative to cairn.yaml')
    .option('--desc <text>', 'description')
    .option('-f, --force', 'replace a stage of the same name')
    .option('--json', 'print the result as JSON')
    .argument('<cmd...>', 'the command (quote it, or put it after --)')
    .action(
      run(async (o, _cmd, [cmd]) => {
        const { stageAdd } = await import('../../api/stage.js');
        const r = await stageAdd({
          cwd: process.cwd(),
          name: o.name as string,
          cmd: joinCommand(cmd as string[]),
          deps: o.deps as string[] | undefined,
          outs: o.outs as string[] | undefined,
          outsNoCache: o.outsNoCache as string[] | undefined,
          params: o.params as string[] | undefined,
          metrics: o.metrics as string[] | undefined,
          plots: o.plots as string[] | undefined,
          wdir: o.wdir as string | undefined,
          desc: o.desc as string | undefined,
          force: !!o.force,
        });
        if (o.json) out.json(r);
        else if (!o.quiet) out.line(`${r.replaced ? 'Replaced' : 'Added'} stage '${r.name}' in ${r.file}\n\nTo run it: cairn repro ${r.name}\n${gitAddHint([r.file]) ?? ''}`);
        return EXIT.OK;
      }),
    );
}
