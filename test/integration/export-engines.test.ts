// cairn export airflow | argo | github-matrix: one task per stage (foreach expanded), edges as
// in `cairn dag`, each task cloning the origin at the exported commit and running
// `cairn repro --single-item STAGE --pull` + `cairn push --run-cache`. The GitHub workflow
// goes through GitHub's own parser; the Argo Workflow is checked against the rules of Argo's
// published JSON schema that apply to it (set CAIRN_ARGO_SCHEMA=path/to/schema.json to check
// against the whole schema); the Airflow DAG is parsed by Python here and run by the real
// engine in test/e2e/export-airflow-s3.test.ts.
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from '@actions/workflow-parser';
import Ajv from 'ajv';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { dag } from '../../src/api/dag.js';
import { exportPipeline } from '../../src/api/export.js';
import { remoteAdd } from '../../src/api/remote.js';
import { TASK_SCRIPT } from '../../src/ci/export/plan.js';
import { cairn, cleanup, gen, git, tempRepo } from '../helpers.js';

afterEach(cleanup);

const PIPELINE = `stages:
  prepare:
    cmd: cp raw.csv prep.txt
    deps: [raw.csv]
    outs: [prep.txt]
  train:
    foreach: [a, b]
    do:
      cmd: cp prep.txt model-\${item}.txt
      deps: [prep.txt]
      outs:
        - model-\${item}.txt
  report:
    cmd: cat model-a.txt model-b.txt > report.txt
    deps: [model-a.txt, model-b.txt]
    outs: [report.txt]
`;

async function repo(pipeline = PIPELINE): Promise<string> {
  const d = await tempRepo({ 'raw.csv': 'x\n', 'cairn.yaml': pipeline });
  await remoteAdd({ cwd: d, name: 'store', url: 's3://bucket/cache', default: true });
  git(d, 'add', '-A');
  git(d, 'commit', '-qm', 'p');
  git(d, 'remote', 'add', 'origin', 'https://git.example.com/team/project.git');
  return d;
}

const EDGES = [
  ['prepare', 'train__a'],
  ['prepare', 'train__b'],
  ['train__a', 'report'],
  ['train__b', 'report'],
];

describe('cairn export', () => {
  it('airflow: a DAG file with dag_id cairn_<folder>, task ids with @ → __, the edges of cairn dag', async () => {
    const d = await repo();
    const r = cairn(d, ['export', 'airflow', '--out', 'dags/pipeline.py']);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(d, 'dags/pipeline.py'), 'utf8');
    const folder = d.split('/').pop()!.replace(/[^A-Za-z0-9_.-]/g, '_');
    expect(text).toContain(`dag_id="cairn_${folder}"`);
    expect(text).toContain('from airflow.providers.standard.operators.bash import BashOperator');
    expect(text).toContain('from airflow.sdk import DAG');
    expect(text).toContain('REPO_URL = "https://git.example.com/team/project.git"');
    expect(text).toContain(`COMMIT = "${git(d, 'rev-parse', 'HEAD').trim()}"`);
    expect(text).toContain('("train__a", "train@a")');
    // the edges, as cairn dag has them
    const g = await dag({ cwd: d });
    const fromDag = g.edges.map((e) => [e.from.replace('@', '__'), e.to.replace('@', '__')]).sort();
    const inFile = [...text.matchAll(/^ {4}\("([^"]+)", "([^"]+)"\),$/gm)].map((m) => [m[1], m[2]]).filter(([a]) => !a!.includes('@')).filter(([, b]) => !b!.includes('@'));
    expect(inFile.filter(([a, b]) => !(a === b!.replace('__', '@')))).toEqual(expect.arrayContaining(EDGES));
    expect(fromDag).toEqual([...EDGES].sort());
    // the script each task runs: fresh temp folder, clone, checkout, repro --pull, push
    expect(TASK_SCRIPT).toMatch(/mktemp -d[\s\S]*git clone --quiet "\$CAIRN_REPO_URL"[\s\S]*checkout --quiet "\$CAIRN_COMMIT"[\s\S]*cairn repro --single-item "\$CAIRN_STAGE" --pull\ncairn push --run-cache/);
    const py = spawnSync('python3', ['-c', 'import ast,sys; ast.parse(open(sys.argv[1]).read())', join(d, 'dags/pipeline.py')], { encoding: 'utf8' });
    if (py.error === undefined) expect(py.status, py.stderr).toBe(0);
    // --dag-id and --repo-url; an existing file needs --force
    expect(cairn(d, ['export', 'airflow', '--out', 'dags/pipeline.py']).code).toBe(2);
    const again = await exportPipeline({ cwd: d, target: 'airflow', out: 'dags/pipeline.py', dagId: 'nightly', repoUrl: '/srv/git/p.git', force: true });
    expect(again.dagId).toBe('nightly');
    expect(readFileSync(join(d, 'dags/pipeline.py'), 'utf8')).toContain('REPO_URL = "/srv/git/p.git"');
  });

  it("github-matrix: one job per stage, needs: following cairn dag, accepted by GitHub's parser", async () => {
    const d = await repo();
    expect(cairn(d, ['export', 'github-matrix', '--out', '.github/workflows/pipeline.yml']).code).toBe(0);
    const text = readFileSync(join(d, '.github/workflows/pipeline.yml'), 'utf8');
    const doc = parse(text);
    expect(Object.keys(doc.jobs)).toEqual(['prepare', 'train__a', 'train__b', 'report']);
    expect(doc.jobs.report.needs).toEqual(['train__a', 'train__b']);
    expect(doc.jobs.train__a.needs).toEqual(['prepare']);
    expect(doc.jobs.prepare.needs).toBeUndefined();
    expect(doc.jobs.train__a.env.CAIRN_STAGE).toBe('train@a');
    expect(doc.jobs.train__a.steps.at(-1).run).toBe(TASK_SCRIPT);
    const r = parseWorkflow({ name: '.github/workflows/pipeline.yml', content: text }, new NoOperationTraceWriter());
    expect(r.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    const t = await convertWorkflowTemplate(r.context, r.value!);
    expect(t.errors ?? []).toEqual([]);
    expect(t.jobs.map((j) => j.id.value)).toEqual(['prepare', 'train__a', 'train__b', 'report']);
  });

  it("argo: a Workflow with a DAG template, valid under the rules of Argo's schema", async () => {
    const d = await repo();
    expect(cairn(d, ['export', 'argo', '--out', 'argo.yaml', '--image', 'registry.example.com/cairn:1']).code).toBe(0);
    const wf = parse(readFileSync(join(d, 'argo.yaml'), 'utf8'));
    expect(wf).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', spec: { entrypoint: 'pipeline' } });
    const tasks = wf.spec.templates[0].dag.tasks as { name: string; dependencies?: string[]; arguments: { parameters: { value: string }[] } }[];
    expect(tasks.map((t) => t.name)).toEqual(['prepare', 'train--a', 'train--b', 'report']);
    expect(tasks[3]!.dependencies).toEqual(['train--a', 'train--b']);
    expect(tasks[1]!.arguments.parameters[0]!.value).toBe('train@a');
    for (const t of tasks) expect(t.name).toMatch(/^[a-zA-Z0-9][-a-zA-Z0-9]*$/);
    const names = new Set(wf.spec.templates.map((t: { name: string }) => t.name));
    for (const t of tasks) expect(names.has('stage')).toBe(true);
    expect(wf.spec.templates[1].script.image).toBe('registry.example.com/cairn:1');
    // Argo's published schema (api/jsonschema/schema.json), the parts this file uses
    const full = process.env.CAIRN_ARGO_SCHEMA;
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    if (full && existsSync(full)) {
      const schema = JSON.parse(readFileSync(full, 'utf8'));
      delete schema.$schema;
      const validate = ajv.compile({ ...schema, $ref: '#/definitions/io.argoproj.workflow.v1alpha1.Workflow' });
      expect(validate(wf), JSON.stringify(validate.errors)).toBe(true);
    } else {
      const validate = ajv.compile(ARGO_SUBSET);
      expect(validate(wf), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('refuses pipelines that cannot be distributed, naming the stage (exit 2); credentials in the clone URL; no remote', async () => {
    const nocache = await repo(PIPELINE.replace('outs: [prep.txt]', 'outs:\n      - prep.txt:\n          cache: false'));
    const a = cairn(nocache, ['export', 'airflow', '--out', 'x.py']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain("stage 'prepare' has an out 'prep.txt' with cache: false that stage 'train@a' needs");
    expect(existsSync(join(nocache, 'x.py'))).toBe(false);
    const persist = await repo(PIPELINE.replace('outs: [report.txt]', 'outs:\n      - report.txt:\n          persist: true'));
    await expect(exportPipeline({ cwd: persist, target: 'argo', out: 'x.yaml' })).rejects.toMatchObject({
      code: 'CAIRN_BAD_PIPELINE',
      message: expect.stringContaining("stage 'report' has a persist out 'report.txt'"),
      data: { stages: ['report'] },
    });
    // a cache: false out nobody downstream needs is fine (a metric, say)
    const metric = await repo(PIPELINE.replace('outs: [report.txt]', 'metrics:\n      - report.txt:\n          cache: false'));
    expect((await exportPipeline({ cwd: metric, target: 'github-matrix', out: 'w.yml' })).tasks).toHaveLength(4);
    const d = await repo();
    git(d, 'remote', 'set-url', 'origin', 'https://bot:ghp_supersecrettoken@git.example.com/p.git');
    const c = cairn(d, ['export', 'airflow', '--out', 'x.py']);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('bot:***@git.example.com');
    expect(c.stderr).not.toContain('ghp_supersecrettoken');
    await expect(exportPipeline({ cwd: d, target: 'airflow', out: 'x.py', repoUrl: 'https://git.example.com/{{ var }}.git' })).rejects.toMatchObject({ code: 'CAIRN_USAGE' });
    const none = await tempRepo({ 'raw.csv': 'x\n', 'cairn.yaml': PIPELINE });
    git(none, 'add', '-A');
    git(none, 'commit', '-qm', 'p');
    await expect(exportPipeline({ cwd: none, target: 'airflow', out: 'x.py', repoUrl: '/x' })).rejects.toMatchObject({ code: 'CAIRN_NO_REMOTE' });
    gen(none, {});
    expect(cairn(none, ['export', 'kubeflow', '--out', 'x.py']).code).toBe(2);
  });
});

/**
 * The definitions of Argo's api/jsonschema/schema.json that an exported Workflow uses, with
 * their required keys and types (Workflow, WorkflowSpec, Template, DAGTemplate, DAGTask,
 * Arguments, Parameter, Inputs, ScriptTemplate, EnvVar, EnvFromSource).
 */
const ARGO_SUBSET = {
  type: 'object',
  required: ['metadata', 'spec'],
  properties: {
    apiVersion: { const: 'argoproj.io/v1alpha1' },
    kind: { const: 'Workflow' },
    metadata: { type: 'object', properties: { generateName: { type: 'string' }, annotations: { type: 'object', additionalProperties: { type: 'string' } } } },
    spec: {
      type: 'object',
      properties: {
        entrypoint: { type: 'string' },
        arguments: { $ref: '#/definitions/Arguments' },
        templates: { type: 'array', items: { $ref: '#/definitions/Template' } },
      },
    },
  },
  definitions: {
    Parameter: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, value: { type: 'string' } } },
    Arguments: { type: 'object', properties: { parameters: { type: 'array', items: { $ref: '#/definitions/Parameter' } } } },
    Template: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        dag: { type: 'object', required: ['tasks'], properties: { tasks: { type: 'array', items: { $ref: '#/definitions/DAGTask' } } } },
        inputs: { type: 'object', properties: { parameters: { type: 'array', items: { $ref: '#/definitions/Parameter' } } } },
        script: {
          type: 'object',
          required: ['image'],
          properties: {
            image: { type: 'string' },
            command: { type: 'array', items: { type: 'string' } },
            source: { type: 'string' },
            env: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, value: { type: 'string' } } } },
            envFrom: { type: 'array', items: { type: 'object', properties: { secretRef: { type: 'object', properties: { name: { type: 'string' }, optional: { type: 'boolean' } } } } } },
          },
        },
      },
    },
    DAGTask: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' }, template: { type: 'string' }, arguments: { $ref: '#/definitions/Arguments' }, dependencies: { type: 'array', items: { type: 'string' } } },
    },
  },
};
