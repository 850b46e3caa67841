// The GitLab CI file for a repository's pipeline, as data (rendered by the yaml package).
// Credentials are CI/CD variables (Settings → CI/CD → Variables, masked and protected):
// GitLab exports them to every job's environment under their own names.
import { JUNIT_DIR, type CiPlan } from './detect.js';
import { junitCommands } from './jenkins.js';

export const GITLAB_FILE = '.gitlab-ci.yml';

export function gitlabCi(plan: CiPlan): Record<string, unknown> {
  const setup = ['npm ci', 'export PATH="$PWD/node_modules/.bin:$PATH"'];
  const doc: Record<string, unknown> = {
    workflow: {
      rules: [
        { if: '$CI_PIPELINE_SOURCE == "merge_request_event"' },
        { if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' },
        // retraining and drift checks: a pipeline schedule (Build → Pipeline schedules, cron ' + plan.cron + ')
        { if: '$CI_PIPELINE_SOURCE == "schedule"' },
        { if: '$CI_PIPELINE_SOURCE == "web"' },
      ],
    },
    stages: ['pipeline', 'release'],
    default: { image: `node:${plan.node}` },
    variables: { GIT_DEPTH: '0', CAIRN_NO_PROGRESS: '1', ...(plan.remote.kind === 's3' ? { AWS_REGION: plan.remote.region ?? 'us-east-1' } : {}) },
    pipeline: {
      stage: 'pipeline',
      script: [
        ...setup,
        'git fetch origin "$CI_DEFAULT_BRANCH"',
        'cairn pull --run-cache',
        'cairn repro',
        'cairn push --run-cache',
      ],
      after_script: [
        'export PATH="$PWD/node_modules/.bin:$PATH"',
        ...junitCommands(plan),
        // merge-request notes need a project access token in CAIRN_GITLAB_TOKEN (CI_JOB_TOKEN cannot write notes)
        'if [ -n "$CI_MERGE_REQUEST_IID" ]; then comment=--comment; else comment=; fi',
        'cairn report --base "origin/$CI_DEFAULT_BRANCH" --dir cairn-report --md $comment > cairn-report.md || true',
      ],
      artifacts: { when: 'always', paths: ['cairn-report/', 'cairn-report.md'], reports: { junit: `${JUNIT_DIR}/*.xml` }, expire_in: '30 days' },
    },
  };
  if (plan.gate?.report && plan.model) {
    doc.release = {
      stage: 'release',
      rules: [{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "push"' }],
      // protected environment: deployers and approvals are set in Operate → Environments
      environment: { name: 'production' },
      variables: { MODEL: plan.model.name, MODEL_PATH: plan.model.path, GATE_REPORT: plan.gate.report },
      script: [
        ...setup,
        'cairn pull --run-cache',
        'cairn repro',
        'test "$(node -p "JSON.parse(require(\'fs\').readFileSync(process.env.GATE_REPORT, \'utf8\')).verdict")" = pass || { echo "gate did not pass: nothing registered"; exit 0; }',
        'git checkout -B "$CI_COMMIT_BRANCH"',
        'git config user.name "$GITLAB_USER_NAME"',
        'git config user.email "$GITLAB_USER_EMAIL"',
        'tag=$(cairn model register "$MODEL" --path "$MODEL_PATH" --gate-report "$GATE_REPORT" --json | node -p "JSON.parse(require(\'fs\').readFileSync(0, \'utf8\')).tag")',
        'cairn model promote "$tag" production --reason "gate passed at $CI_COMMIT_SHA (pipeline $CI_PIPELINE_ID)"',
        // pushing tags needs a token with write access (a project access token in CAIRN_GITLAB_TOKEN)
        'git push "https://oauth2:${CAIRN_GITLAB_TOKEN}@${CI_SERVER_HOST}/${CI_PROJECT_PATH}.git" --tags',
      ],
    };
  }
  return doc;
}
