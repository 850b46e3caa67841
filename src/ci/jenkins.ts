// The declarative Jenkinsfile for a repository's pipeline, as a tree (ci/groovy.ts renders
// it). Credentials come from the Jenkins credentials store through `credentials('id')`;
// the release stage waits for an `input` approval, Jenkins' environment protection.
import { JUNIT_DIR, type CiPlan } from './detect.js';
import { block, groovyString, renderGroovy, sh, type GNode } from './groovy.js';

export const JENKINS_FILE = 'Jenkinsfile';

/**
 * Shell lines that leave JUnit XML for every validate and gate stage in reports/junit/: a
 * stage whose cmd already passes --junit wrote it during repro; for the others the check is
 * run again with --junit (it reads the data, trains nothing). `|| true`: repro has already
 * decided the build; these lines only record the checks for the test report.
 */
export function junitCommands(plan: CiPlan): string[] {
  const lines = [`mkdir -p ${JUNIT_DIR}`];
  for (const c of [...plan.validate, ...(plan.gate ? [plan.gate] : [])]) {
    if (c.writesJunit) continue;
    // the rerun only records: its --out report would overwrite the one repro wrote
    const cmd = c.cmd.replace(/\s(?:--out|-o)(?:=|\s+)(?:"[^"]*"|'[^']*'|\S+)/g, '');
    lines.push(`${cmd} --junit ${shq(c.junit)} || true`);
  }
  return lines;
}

const shq = (s: string) => (/^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function jenkinsfile(plan: CiPlan): GNode[] {
  const env: (GNode | string)[] = [`CAIRN_NO_PROGRESS = '1'`];
  if (plan.remote.kind === 's3') {
    env.push(`AWS_ACCESS_KEY_ID = credentials('cairn-aws-access-key-id')`, `AWS_SECRET_ACCESS_KEY = credentials('cairn-aws-secret-access-key')`, `AWS_REGION = ${groovyString(plan.remote.region ?? 'us-east-1')}`);
  }
  const cairn = (args: string) => sh(`npx --no-install cairn ${args}`);
  const stages: GNode[] = [
    block(`stage('Install')`, block('steps', sh('npm ci'))),
    block(`stage('Pull')`, block('steps', cairn('pull --run-cache'))),
    block(`stage('Reproduce')`, block('steps', cairn('repro'))),
    block(`stage('Push')`, block('steps', cairn('push --run-cache'))),
    block(
      `stage('Checks and report')`,
      block('steps', sh(['export PATH="$PWD/node_modules/.bin:$PATH"', ...junitCommands(plan), 'mkdir -p cairn-report', `cairn report --base origin/${plan.branch} --dir cairn-report --md > cairn-report/report.md`].join('\n'))),
      block('post', block('always', `junit allowEmptyResults: true, testResults: ${groovyString(`${JUNIT_DIR}/*.xml`)}`, `archiveArtifacts artifacts: 'cairn-report/**', allowEmptyArchive: true`)),
    ),
  ];
  if (plan.gate?.report && plan.model) {
    const verdict = `node -p "JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')).verdict" ${shq(plan.gate.report)}`;
    const gateOk = `sh(script: ${groovyString(`test "$(${verdict})" = pass`)}, returnStatus: true) == 0`;
    const script = [
      'export PATH="$PWD/node_modules/.bin:$PATH"',
      `git checkout -B ${plan.branch}`,
      'git config user.name "${GIT_COMMITTER_NAME:-jenkins}"',
      'git config user.email "${GIT_COMMITTER_EMAIL:-jenkins@localhost}"',
      `tag=$(cairn model register ${shq(plan.model.name)} --path ${shq(plan.model.path)} --gate-report ${shq(plan.gate.report)} --json | node -p "JSON.parse(require('fs').readFileSync(0, 'utf8')).tag")`,
      `cairn model promote "$tag" production --reason "gate passed at $GIT_COMMIT (build $BUILD_NUMBER)"`,
      'git push origin --tags',
    ].join('\n');
    stages.push(
      block(
        `stage('Register and promote')`,
        block('when', 'beforeInput true', block('allOf', `branch ${groovyString(plan.branch)}`, block('expression', gateOk))),
        // the approval is Jenkins' environment protection: only the listed submitters may go on
        block('input', `message 'Promote to production?'`, `ok 'Promote'`, `submitter 'release-managers'`),
        block('steps', sh(script)),
      ),
    );
  }
  return [
    block(
      'pipeline',
      'agent any',
      // pushes and pull requests reach a multibranch pipeline by webhook; the schedule retrains and checks drift
      block('triggers', `cron(${groovyString(jenkinsCron(plan.cron))})`),
      block('options', `buildDiscarder(logRotator(numToKeepStr: '30'))`, 'disableConcurrentBuilds()'),
      block('tools', `nodejs ${groovyString(`node-${plan.node}`)}`),
      block('environment', ...env),
      block('stages', ...stages),
    ),
  ];
}

/** Jenkins' hash form (H) spreads scheduled builds; keep the day/week parts of the cron as given. */
function jenkinsCron(cron: string): string {
  const f = cron.trim().split(/\s+/);
  return f.length === 5 ? ['H', 'H', ...f.slice(2)].join(' ') : cron;
}

export function renderJenkinsfile(plan: CiPlan): string {
  return `// Written by \`cairn ci init --jenkins\`: a declarative pipeline for cairn.yaml (see docs/ci.md).\n${renderGroovy(jenkinsfile(plan))}\n`;
}
