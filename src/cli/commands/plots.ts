import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out } from '../output.js';

function register1(parent: Command, name: 'show' | 'diff'): void {
  parent
    .command(name)
    .description(name === 'show' ? 'render plots at revisions (default: the workspace) into one HTML page' : 'overlay plots of revisions (default: HEAD and the workspace) in one HTML page')
    .argument('[revs...]', 'revisions to overlay (`workspace` is the working tree)')
    .option('--targets <path...>', 'plot files (default: every `plots:` out in cairn.yaml)')
    .option('-o, --out <dir>', 'folder for index.html', 'cairn_plots')
    .option('--open', 'open the page in a browser')
    .option('--json', 'print the data and Vega-Lite specs as JSON (no page written)')
    .action(
      run(async (o, _c, [revs]) => {
        const { plots } = await import('../../api/plots.js');
        let r = (revs as string[]) ?? [];
        if (name === 'diff' && r.length === 0) r = ['HEAD', 'workspace'];
        if (name === 'diff' && r.length === 1) r = [r[0]!, 'workspace'];
        const res = await plots({ cwd: process.cwd(), revs: r, targets: o.targets as string[] | undefined, outDir: o.out as string, html: !o.json });
        if (o.json) {
          out.json(res);
          return EXIT.OK;
        }
        for (const e of res.errors) out.err(`warning: ${e.message}`);
        if (!o.quiet) out.line(`${res.plots.length} plot(s) of ${res.revisions.join(', ')} written to ${res.html}`);
        if (o.open && res.html) {
          const { spawn } = await import('node:child_process');
          const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
          spawn(opener, [res.html], { detached: true, stdio: 'ignore' }).on('error', () => out.err(`could not run ${opener}; open ${res.html} yourself`)).unref();
        }
        return EXIT.OK;
      }),
    );
}

export function register(program: Command): void {
  const p = program.command('plots').description('plot series across git revisions (self-contained Vega-Lite HTML)');
  register1(p, 'show');
  register1(p, 'diff');
}
