import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { formatBytes, out, progress, gitAddHint, byteMeter } from '../output.js';

export function register(program: Command): void {
  program
    .command('add')
    .description('track files or directories: store them in the cache and write <target>.cairn pointer files')
    .argument('<targets...>', 'files or directories to track')
    .option('--git-add', 'stage the pointer files and .gitignore in git')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o, _cmd, [targets]) => {
        const { add } = await import('../../api/add.js');
        const r = await add({ cwd: process.cwd(), targets: targets as string[], gitAdd: !!o.gitAdd, onProgress: progress(o), meter: byteMeter(o) });
        if (o.json) {
          out.json(r);
          return EXIT.OK;
        }
        if (o.quiet) return EXIT.OK;
        for (const t of r.targets) {
          const what = t.kind === 'dir' ? `${t.nfiles} files, ${formatBytes(t.size)}` : formatBytes(t.size);
          out.line(`${t.changed ? 'added' : 'unchanged'} ${t.path} (${what})`);
          if (!t.changed && o.verbose) out.err(`  skipped writing ${t.pointerFile}: the content matches the id it records`);
          for (const s of t.skipped) out.err(`warning: skipped ${t.path}/${s} (a directory symlink, dangling link or special file)`);
        }
        if (r.staged) out.line(`\nStaged in git: ${r.gitFiles.join(' ')}`);
        else {
          const hint = gitAddHint(r.gitFiles);
          if (hint) out.line(hint);
        }
        return EXIT.OK;
      }),
    );
}
