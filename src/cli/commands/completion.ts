import type { Command } from 'commander';
import { CairnError, EXIT } from '../../core/errors.js';
import { registerAll, run } from '../main.js';
import { out } from '../output.js';

export function register(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish): eval "$(cairn completion bash)"')
    .argument('<shell>', 'bash, zsh or fish')
    .action(
      run(async (_o, cmd, [shell]) => {
        const { SHELLS, completionScript, completionTree } = await import('../completion.js');
        if (!SHELLS.includes(shell as never)) throw new CairnError('CAIRN_USAGE', `unknown shell '${String(shell)}'`, { hint: `one of: ${SHELLS.join(', ')}` });
        const root = cmd.parent!;
        await registerAll(root); // start-up loaded only this module: the script needs every command
        out.line(completionScript(shell as 'bash', completionTree(root)).trimEnd());
        return EXIT.OK;
      }),
    );
}
