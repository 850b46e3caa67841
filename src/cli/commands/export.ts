import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out } from '../output.js';

export function register(program: Command): void {
  program
    .command('export')
    .description('write the pipeline as a workflow that runs each stage on its own machine: airflow, argo or github-matrix')
    .argument('<target>', 'airflow | argo | github-matrix')
    .requiredOption('-o, --out <file>', 'file to write')
    .option('--repo-url <url>', "what the workers clone (default: the 'origin' remote's URL)")
    .option('--dag-id <id>', 'airflow: the dag_id (default cairn_<repo folder name>)')
    .option('--image <image>', 'argo: container image with git, bash and cairn on PATH (default node:20)')
    .option('--secret <name>', "argo: Kubernetes secret with the remote's credentials (default cairn-remote)")
    .option('-f, --force', 'overwrite the --out file')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o, _c, [target]) => {
        const { exportPipeline } = await import('../../api/export.js');
        const r = await exportPipeline({
          cwd: process.cwd(),
          target: target as 'airflow',
          out: o.out as string,
          repoUrl: o.repoUrl as string | undefined,
          dagId: o.dagId as string | undefined,
          image: o.image as string | undefined,
          secret: o.secret as string | undefined,
          force: !!o.force,
        });
        if (o.json) out.json(r);
        else {
          for (const w of r.warnings) out.err(`warning: ${w}`);
          out.line(`Wrote ${o.out as string}: ${r.tasks.length} task${r.tasks.length === 1 ? '' : 's'} at commit ${r.commit.slice(0, 12)}${r.dagId ? ` (dag_id ${r.dagId})` : ''}, cloning ${r.repoUrl}`);
        }
        return EXIT.OK;
      }),
    );
}
