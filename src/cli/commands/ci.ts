import type { Command } from 'commander';
import { CairnError, EXIT } from '../../core/errors.js';
import { run } from '../main.js';
import { out } from '../output.js';

export function register(program: Command): void {
  const ci = program.command('ci').description('continuous integration: workflows for GitHub Actions, Jenkins and GitLab');
  ci.command('init')
    .description('write a CI workflow for this pipeline: pull, repro, push, the report, and register + promote after a passing gate on main')
    .option('--github', 'GitHub Actions: .github/workflows/cairn.yml')
    .option('--jenkins', 'Jenkins: a declarative Jenkinsfile')
    .option('--gitlab', 'GitLab CI: .gitlab-ci.yml')
    .option('--dry', 'print the workflow; write nothing')
    .option('-f, --force', 'replace an existing file')
    .option('--branch <name>', 'the default branch', 'main')
    .option('--cron <expr>', 'the schedule (retraining, drift checks), 5-field cron', '17 4 * * 1')
    .option('--model <name>', 'registry name to register (default: `model:` of the gate config)')
    .option('--model-path <path>', 'the model file to register (default: an output under models/)')
    .option('--node <major>', 'Node version on the runner', '20')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (o) => {
        const targets = (['github', 'jenkins', 'gitlab'] as const).filter((t) => o[t]);
        if (targets.length !== 1) throw new CairnError('CAIRN_USAGE', 'cairn ci init needs exactly one of --github, --jenkins, --gitlab');
        const { ciInit } = await import('../../api/ci-init.js');
        const r = await ciInit({
          cwd: process.cwd(),
          target: targets[0]!,
          dry: !!o.dry,
          force: !!o.force,
          branch: o.branch as string,
          cron: o.cron as string,
          model: o.model as string | undefined,
          modelPath: o.modelPath as string | undefined,
          node: o.node as string,
        });
        if (o.json) out.json(r);
        else if (o.dry) process.stdout.write(r.text);
        else if (!o.quiet) {
          const p = r.plan;
          out.line(`wrote ${r.file}`);
          out.line(`  checks: ${[...p.validate.map((v) => `validate (${v.stage})`), ...(p.gate ? [`gate (${p.gate.stage})`] : [])].join(', ') || 'none'}`);
          out.line(`  release: ${p.model && p.gate ? `register ${p.model.name} (${p.model.path}) and promote to production after a passing gate on ${p.branch}` : 'none'}`);
          out.line(`  remote: ${p.remote.name ? `${p.remote.name} (${p.remote.kind})` : 'none'}`);
        }
        for (const w of r.warnings) out.err(`warning: ${w}`);
        return EXIT.OK;
      }),
    );
}
