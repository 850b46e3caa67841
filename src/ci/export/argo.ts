// `cairn export argo`: an Argo Workflows `Workflow` whose entrypoint is a DAG template with
// one task per stage; every task runs one script template with the stage as its parameter.
import { yaml } from '../../io/yaml.js';
import type { ExportPlan } from './plan.js';
import { TASK_SCRIPT } from './plan.js';

/** Argo task names: letters, digits and '-' (`train@a` → `train--a`). */
export function argoName(taskId: string): string {
  return taskId.replace(/[^A-Za-z0-9-]/g, '-').replace(/^-+/, 'x-');
}

export function argoWorkflow(plan: ExportPlan, o: { name: string; image: string; secret: string; version: string }): Record<string, unknown> {
  const byId = new Map(plan.tasks.map((t) => [t.id, argoName(t.id)]));
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      generateName: `${o.name.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 50) || 'cairn'}-`,
      annotations: { 'cairn-ml/commit': plan.commit, 'cairn-ml/exported-by': `cairn-ml ${o.version}` },
    },
    spec: {
      entrypoint: 'pipeline',
      arguments: {
        parameters: [
          { name: 'repo-url', value: plan.repoUrl },
          { name: 'commit', value: plan.commit },
        ],
      },
      templates: [
        {
          name: 'pipeline',
          dag: {
            tasks: plan.tasks.map((t) => ({
              name: byId.get(t.id)!,
              template: 'stage',
              arguments: { parameters: [{ name: 'stage', value: t.stage }] },
              ...(t.upstream.length ? { dependencies: t.upstream.map((u) => byId.get(u)!) } : {}),
            })),
          },
        },
        {
          name: 'stage',
          inputs: { parameters: [{ name: 'stage' }] },
          script: {
            image: o.image,
            command: ['bash'],
            env: [
              { name: 'CAIRN_REPO_URL', value: '{{workflow.parameters.repo-url}}' },
              { name: 'CAIRN_COMMIT', value: '{{workflow.parameters.commit}}' },
              { name: 'CAIRN_STAGE', value: '{{inputs.parameters.stage}}' },
              { name: 'CAIRN_NO_PROGRESS', value: '1' },
            ],
            envFrom: [{ secretRef: { name: o.secret, optional: true } }],
            source: TASK_SCRIPT,
          },
        },
      ],
    },
  };
}

export function renderArgo(plan: ExportPlan, o: { name: string; image: string; secret: string; version: string }): string {
  return `# Written by \`cairn export argo\` from commit ${plan.commit}; re-export instead of editing.\n# The image needs git, bash and \`cairn\` on PATH; the secret '${o.secret}' holds the remote's credentials.\n${yaml().stringify(argoWorkflow(plan, o), { lineWidth: 0 })}`;
}
