// The GitHub Actions workflow for a repository's pipeline, as data (rendered by the yaml
// package in ci/render.ts). `run:` scripts hold no ${{ }} expressions: what they need comes
// in through `env:`, so each script is plain sh that a test can run as it stands.
import type { CiPlan } from './detect.js';

export const GITHUB_FILE = '.github/workflows/cairn.yml';

type Step = Record<string, unknown>;

/** Credentials for the remote, from the repository's secrets (and variables for non-secret settings). */
export function githubRemoteEnv(plan: CiPlan): Record<string, string> {
  if (plan.remote.kind !== 's3') return {};
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: '${{ secrets.AWS_ACCESS_KEY_ID }}',
    AWS_SECRET_ACCESS_KEY: '${{ secrets.AWS_SECRET_ACCESS_KEY }}',
    AWS_REGION: plan.remote.region ?? 'us-east-1',
  };
  // an endpoint configured in .cairn/config.yaml needs nothing; one kept in config.local.yaml
  // on a laptop (it may name a host inside a company network) reaches CI as a secret
  if (!plan.remote.endpoint) env.CAIRN_S3_ENDPOINT = '${{ secrets.CAIRN_S3_ENDPOINT }}';
  return env;
}

function setup(): Step[] {
  return [
    { name: 'Check out (full history, for diffs against the base branch)', uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } },
    { name: 'Set up Node', uses: 'actions/setup-node@v4', with: { 'node-version': '${{ env.NODE_VERSION }}', cache: 'npm' } },
    { name: 'Install', run: 'npm ci' },
    { name: 'Put cairn on PATH', run: 'echo "$PWD/node_modules/.bin" >> "$GITHUB_PATH"' },
  ];
}

export function githubWorkflow(plan: CiPlan): Record<string, unknown> {
  const report = [
    'base="origin/${GITHUB_BASE_REF:-$DEFAULT_BRANCH}"',
    'if [ "$GITHUB_EVENT_NAME" = "pull_request" ]; then comment=--comment; else comment=; fi',
    'cairn report --base "$base" --summary "$GITHUB_STEP_SUMMARY" --dir "$RUNNER_TEMP/cairn-report" $comment',
  ].join('\n');
  const steps: Step[] = [
    ...setup(),
    { name: 'Pull data and run-cache', run: 'cairn pull --run-cache' },
    { name: 'Reproduce the pipeline', run: 'cairn repro' },
    { name: 'Push outputs and run-cache', run: 'cairn push --run-cache' },
    { name: 'Report (job summary, pull request comment)', if: '${{ !cancelled() }}', env: { GITHUB_TOKEN: '${{ secrets.GITHUB_TOKEN }}' }, run: report },
    { name: 'Upload the report and its plots', if: '${{ !cancelled() }}', uses: 'actions/upload-artifact@v4', with: { name: 'cairn-report', path: '${{ runner.temp }}/cairn-report', 'if-no-files-found': 'ignore' } },
  ];
  const jobs: Record<string, unknown> = {};
  const pipeline: Record<string, unknown> = { name: 'Pipeline', 'runs-on': 'ubuntu-latest', 'timeout-minutes': 60, steps };
  jobs.pipeline = pipeline;
  if (plan.gate?.report && plan.model) {
    steps.push({ name: 'Gate verdict', id: 'gate', env: { GATE_REPORT: plan.gate.report }, run: 'echo "verdict=$(node -p "JSON.parse(require(\'fs\').readFileSync(process.env.GATE_REPORT, \'utf8\')).verdict")" >> "$GITHUB_OUTPUT"' });
    pipeline.outputs = { gate: '${{ steps.gate.outputs.verdict }}' };
    const release = [
      'git config user.name "github-actions[bot]"',
      'git config user.email "41898282+github-actions[bot]@users.noreply.github.com"',
      'tag=$(cairn model register "$MODEL" --path "$MODEL_PATH" --gate-report "$GATE_REPORT" --json | node -p "JSON.parse(require(\'fs\').readFileSync(0, \'utf8\')).tag")',
      'cairn model promote "$tag" production --reason "gate passed at $GITHUB_SHA (run $GITHUB_RUN_ID)"',
      'git push origin --tags',
    ].join('\n');
    jobs.release = {
      name: 'Register and promote',
      needs: 'pipeline',
      if: `\${{ github.event_name == 'push' && github.ref == 'refs/heads/${plan.branch}' && needs.pipeline.outputs.gate == 'pass' }}`,
      'runs-on': 'ubuntu-latest',
      // required reviewers and branch rules of the `production` environment guard this job
      environment: 'production',
      permissions: { contents: 'write' },
      steps: [
        ...setup(),
        { name: 'Pull the model and the gate report', run: 'cairn pull --run-cache\ncairn repro' },
        { name: 'Register and promote to production', env: { MODEL: plan.model.name, MODEL_PATH: plan.model.path, GATE_REPORT: plan.gate.report }, run: release },
      ],
    };
  }
  return {
    name: 'cairn',
    on: {
      push: { branches: [plan.branch] },
      pull_request: {},
      // retraining and drift checks on a schedule
      schedule: [{ cron: plan.cron }],
      workflow_dispatch: {},
    },
    permissions: { contents: 'read', 'pull-requests': 'write' },
    concurrency: { group: 'cairn-${{ github.ref }}', 'cancel-in-progress': false },
    env: { NODE_VERSION: plan.node, DEFAULT_BRANCH: plan.branch, CAIRN_NO_PROGRESS: '1', ...githubRemoteEnv(plan) },
    jobs,
  };
}
