import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out, progress, gitAddHint } from '../output.js';

export function register(program: Command): void {
  program
    .command('commit')
    .description('record the current content of tracked data in its pointer files, or of a stage in cairn.lock (without running it)')
    .argument('[targets...]', 'tracked files or directories, or stages (name, file:name, an out of the stage); default: all tracked data')
    .option('-f, --force', "accepted for DVC's muscle memory: cairn commit never asks before recording")
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o, _cmd, [targets]) => {
        const { commit } = await import('../../api/commit.js');
        const r = await commit({ cwd: process.cwd(), targets: targets as string[], onProgress: progress(o) });
        if (o.json) {
          out.json(r);
          return EXIT.OK;
        }
        if (o.quiet) return EXIT.OK;
        for (const t of r.targets) {
          if (t.status === 'deleted') out.err(`warning: ${t.path} is deleted from the workspace; nothing recorded (restore it with \`cairn checkout\`)`);
          else if (t.status === 'committed' || o.verbose) out.line(`${t.status} ${t.path}`);
        }
        for (const s of r.stages) if (s.status === 'committed' || o.verbose) out.line(`${s.status} stage ${s.id}`);
        const hint = gitAddHint(r.gitFiles);
        if (hint) out.line(hint);
        else out.line('Nothing to commit: every target already matches its pointer or lock entry.');
        return EXIT.OK;
      }),
    );
}
