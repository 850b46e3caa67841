import type { Command } from 'commander';
import { run } from '../main.js';
import { out, yellow } from '../output.js';
import { verdictExit } from '../outcome.js';

export function register(program: Command): void {
  program
    .command('gate')
    .description('test a model: minimum standards, and better than the baseline by a significant margin')
    .option('--config <path>', 'gate config', 'gate.yaml')
    .option('--candidate <path>', "the candidate's predictions (default: `predictions:` of the config)")
    .option('--baseline <production|PATH|none>', 'what to beat: the production model of `model:`, a predictions file, or none (minimums only)')
    .option('--out <path>', 'write the JSON report here')
    .option('--json', 'print the report as JSON')
    .option('--md', 'print the report as Markdown (for a pull request)')
    .option('--junit <file>', 'also write a JUnit XML report (one test case per rule)')
    .action(
      run(async (o) => {
        const { gate } = await import('../../api/gate.js');
        const r = await gate({ cwd: process.cwd(), config: o.config as string, candidate: o.candidate as string | undefined, baseline: o.baseline as string | undefined, out: o.out as string | undefined });
        const code = verdictExit(r.verdict, r.report.on_inconclusive);
        if (o.junit) {
          const { writeFileAtomic } = await import('../../io/atomic.js');
          const { resolve } = await import('node:path');
          writeFileAtomic(resolve(process.cwd(), o.junit as string), (await import('../../mlops/gate/junit.js')).gateJunit(r.report));
        }
        if (o.json) out.json(r.report);
        else if (o.md) out.line((await import('../../mlops/gate/markdown.js')).gateMarkdown(r.report));
        else out.line((await import('../../mlops/gate/text.js')).gateText(r.report));
        if (r.verdict === 'inconclusive' && r.report.on_inconclusive === 'warn') out.err(yellow('warning: the gate is inconclusive (on_inconclusive: warn)'));
        if (r.notify) out.err(r.notify.code === 0 ? `notified: ${r.notify.command}` : `warning: notify exited ${r.notify.code}: ${r.notify.command}`);
        return code;
      }),
    );
}
