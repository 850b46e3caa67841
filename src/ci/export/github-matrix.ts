// `cairn export github-matrix`: a GitHub Actions workflow with one job per stage (job id = the
// stage's task id) and `needs:` following `cairn dag`.
import { yaml } from '../../io/yaml.js';
import type { ExportPlan } from './plan.js';
import { TASK_SCRIPT } from './plan.js';

/** GitHub job ids start with a letter or '_' and hold letters, digits, '-' and '_'. */
export function jobId(taskId: string): string {
  const s = taskId.replace(/[^A-Za-z0-9_-]/g, '_');
  return /^[A-Za-z_]/.test(s) ? s : `_${s}`;
}

export function githubWorkflow(plan: ExportPlan, o: { name: string; version: string }): Record<string, unknown> {
  const ids = new Map(plan.tasks.map((t) => [t.id, jobId(t.id)]));
  const jobs: Record<string, unknown> = {};
  for (const t of plan.tasks) {
    jobs[ids.get(t.id)!] = {
      name: t.stage,
      'runs-on': 'ubuntu-latest',
      ...(t.upstream.length ? { needs: t.upstream.map((u) => ids.get(u)!) } : {}),
      env: { CAIRN_STAGE: t.stage },
      steps: [
        { uses: 'actions/setup-node@v4', with: { 'node-version': '20' } },
        { name: 'cairn on PATH', run: `command -v cairn >/dev/null || npm install -g --no-audit --no-fund cairn-ml@${o.version}` },
        { name: `cairn repro --single-item ${t.stage} --pull`, shell: 'bash', run: TASK_SCRIPT },
      ],
    };
  }
  return {
    name: `cairn pipeline (${o.name})`,
    on: { workflow_dispatch: {} },
    permissions: { contents: 'read' },
    env: {
      CAIRN_REPO_URL: plan.repoUrl,
      CAIRN_COMMIT: plan.commit,
      CAIRN_NO_PROGRESS: '1',
      AWS_ACCESS_KEY_ID: '${{ secrets.AWS_ACCESS_KEY_ID }}',
      AWS_SECRET_ACCESS_KEY: '${{ secrets.AWS_SECRET_ACCESS_KEY }}',
    },
    jobs,
  };
}

export function renderGithubMatrix(plan: ExportPlan, o: { name: string; version: string }): string {
  return `# Written by \`cairn export github-matrix\` from commit ${plan.commit}; re-export instead of editing.\n${yaml().stringify(githubWorkflow(plan, o), { lineWidth: 0 })}`;
}
