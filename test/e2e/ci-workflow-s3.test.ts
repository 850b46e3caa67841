// The GitHub workflow `cairn ci init --github` writes, run step by step as a runner would,
// against the Ceph S3 remote: every `run:` step of it, in order, in a fresh clone, with the
// runner's environment (GITHUB_*, CI=true, RUNNER_TEMP, GITHUB_STEP_SUMMARY / GITHUB_PATH /
// GITHUB_OUTPUT files, the event file) and the secrets as env. First a pull request (the
// pipeline job; the report goes into the summary and a comment on a local server standing
// in for api.github.com), then the push to main after the merge (pipeline, then the release
// job: register and promote, tags pushed to origin).
//
// What stands in for what the runner does:
// - `uses:` steps: actions/checkout is the `git clone` of the bare origin (full history,
//   as fetch-depth: 0 gives); actions/setup-node is this Node; actions/upload-artifact
//   checks that the folder it would upload exists.
// - `npm ci` would install cairn-ml from the registry: here it links node_modules/.bin/cairn
//   to this build (bin/cairn.js), so the workflow's next step puts exactly that on PATH
//   through GITHUB_PATH, as on a runner.
// - `${{ }}` expressions are evaluated for the few contexts the workflow uses (github,
//   secrets, env, needs, steps, runner); `if:` likewise.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cairn, cleanup, CLI, gen, git, tempDir } from '../helpers.js';
import { bucketName, makeBucket, noS3, s3, s3Env } from '../s3-helpers.js';
import { projectFiles } from '../ci-helpers.js';

type Ctx = Record<string, any>;

/** Evaluate a GitHub expression over the contexts given: paths, 'strings', ==, !=, &&, ||, !, cancelled(). */
function evaluate(expr: string, ctx: Ctx): unknown {
  const js = expr
    .replace(/'((?:[^']|'')*)'/g, (_m, s: string) => JSON.stringify(s.replace(/''/g, "'")))
    .replace(/\b(?:cancelled|failure)\(\)/g, 'false')
    .replace(/\b(?:success|always)\(\)/g, 'true')
    .replace(/(?<!["\w.])([a-z_]+(?:\.[A-Za-z_][\w-]*)+)/g, (p: string) => JSON.stringify(p.split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), ctx) ?? ''))
    .replace(/==/g, '===')
    .replace(/!===/g, '!==');
  return new Function(`return (${js});`)();
}

/** Substitute every ${{ }} in a string. */
const expand = (s: string, ctx: Ctx) => s.replace(/\$\{\{\s*([\s\S]+?)\s*\}\}/g, (_m, e: string) => String(evaluate(e, ctx) ?? ''));

const condition = (v: unknown, ctx: Ctx) => (v === undefined ? true : !!evaluate(String(v).replace(/^\$\{\{\s*|\s*\}\}$/g, ''), ctx));

interface StepRun {
  name: string;
  kind: 'run' | 'uses' | 'skipped';
  code: number;
  out: string;
}

/** Lines of KEY=VALUE (or KEY<<EOF heredocs) in a runner file command. */
function fileCommand(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(file)) return out;
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^=<]+)<<(.+)$/.exec(lines[i]!);
    if (m) {
      const buf: string[] = [];
      while (++i < lines.length && lines[i] !== m[2]) buf.push(lines[i]!);
      out[m[1]!] = buf.join('\n');
    } else if (lines[i]!.includes('=')) out[lines[i]!.slice(0, lines[i]!.indexOf('='))] = lines[i]!.slice(lines[i]!.indexOf('=') + 1);
  }
  return out;
}

/** Run one job of the workflow in a fresh clone; returns each step's outcome and the job's outputs. */
/** bash as a runner runs a `run:` step; async, so the test's own HTTP server keeps answering. */
function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((res) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b));
    child.stderr.on('data', (b: Buffer) => (out += b));
    child.on('close', (code) => res({ code: code ?? 1, out }));
  });
}

async function runJob(wf: Ctx, jobId: string, o: { origin: string; branch: string; base: Ctx; secrets: Record<string, string>; needs: Ctx }): Promise<{ steps: StepRun[]; outputs: Record<string, string>; ws: string; temp: string }> {
  const job = wf.jobs[jobId];
  const root = tempDir('cairn-runner-');
  const ws = join(root, 'work');
  const temp = join(root, 'temp');
  mkdirSync(temp);
  const files = { GITHUB_PATH: join(temp, 'path'), GITHUB_OUTPUT: join(temp, 'output'), GITHUB_ENV: join(temp, 'env'), GITHUB_STEP_SUMMARY: join(temp, 'summary.md') };
  const github = { ...o.base.github, workspace: ws };
  const stepsCtx: Ctx = {};
  const ctx = (): Ctx => ({ github, secrets: o.secrets, env: wfEnv, needs: o.needs, steps: stepsCtx, runner: { temp, os: 'Linux' } });
  const wfEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(wf.env ?? {})) wfEnv[k] = expand(String(v), { github, secrets: o.secrets, env: {} });
  const steps: StepRun[] = [];
  for (const step of job.steps as Ctx[]) {
    const name = String(step.name ?? step.run ?? step.uses);
    if (!condition(step.if, ctx())) {
      steps.push({ name, kind: 'skipped', code: 0, out: '' });
      continue;
    }
    if (step.uses) {
      const uses = String(step.uses);
      if (uses.startsWith('actions/checkout@')) {
        expect(step.with['fetch-depth']).toBe(0);
        spawnSync('git', ['clone', '-q', '--branch', o.branch, o.origin, ws], { encoding: 'utf8' });
        expect(existsSync(join(ws, '.git'))).toBe(true);
      } else if (uses.startsWith('actions/upload-artifact@')) {
        expect(existsSync(expand(step.with.path, ctx())), `${name}: the artifact folder`).toBe(true);
      } else expect(uses).toMatch(/^actions\/setup-node@/);
      steps.push({ name, kind: 'uses', code: 0, out: '' });
      continue;
    }
    const script = String(step.run);
    if (script === 'npm ci') {
      // stands in for installing cairn-ml from the registry: this build
      mkdirSync(join(ws, 'node_modules', '.bin'), { recursive: true });
      writeFileSync(join(ws, 'node_modules', '.bin', 'cairn'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
      chmodSync(join(ws, 'node_modules', '.bin', 'cairn'), 0o755);
      steps.push({ name, kind: 'run', code: 0, out: '(npm ci: linked node_modules/.bin/cairn to this build)' });
      continue;
    }
    const stepEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(step.env ?? {})) stepEnv[k] = expand(String(v), ctx());
    const extraPath = existsSync(files.GITHUB_PATH) ? readFileSync(files.GITHUB_PATH, 'utf8').trim().split('\n').filter(Boolean).reverse() : [];
    const env = { ...o.base.env, ...files, ...fileCommand(files.GITHUB_ENV), ...wfEnv, ...stepEnv, RUNNER_TEMP: temp, GITHUB_WORKSPACE: ws, PATH: [...extraPath, o.base.env.PATH].join(':') };
    const r = await bash(script, ws, env);
    steps.push({ name, kind: 'run', code: r.code, out: r.out });
    if (r.code !== 0) break;
    if (step.id) stepsCtx[step.id] = { outputs: fileCommand(files.GITHUB_OUTPUT) };
  }
  const outputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(job.outputs ?? {})) outputs[k] = expand(String(v), ctx());
  return { steps, outputs, ws, temp };
}

/** Environment of a runner, minus this machine's cairn and AWS settings (those come from secrets). */
function runnerEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(CAIRN_|AWS_|GITHUB_|GITLAB|CI_)/.test(k)) env[k] = v;
  return { ...env, CI: 'true', GITHUB_ACTIONS: 'true', RUNNER_OS: 'Linux', NO_COLOR: '1', GIT_AUTHOR_NAME: 'dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'dev', GIT_COMMITTER_EMAIL: 'dev@example.com' };
}

describe.skipIf(!!noS3)('the GitHub workflow, every run: step executed against the Ceph S3 remote', () => {
  const requests: { method: string; url: string; auth: string | undefined; body: string }[] = [];
  let server: ReturnType<typeof createServer>;
  let api = '';

  beforeAll(async () => {
    let id = 500;
    const comments: { id: number; body: string }[] = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        requests.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
        res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
        if (req.method === 'GET') return res.end(JSON.stringify(comments));
        const c = { id: id++, body: JSON.parse(body).body as string };
        comments.push(c);
        res.end(JSON.stringify(c));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    cleanup();
  });

  it('a pull request runs pipeline + report + comment; after the merge, main restores from the run-cache, registers and promotes', async () => {
    const bucket = bucketName('ci-workflow');
    await makeBucket(bucket);
    // a `cairn` on the developer's PATH, as `npm i -D cairn-ml` gives through npx
    const binDir = tempDir('cairn-bin-');
    writeFileSync(join(binDir, 'cairn'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(join(binDir, 'cairn'), 0o755);
    const devEnv = { ...s3Env(), PATH: `${binDir}:${process.env.PATH}` };
    const dev = tempDir('cairn-dev-');
    git(dev, 'init', '-q', '-b', 'main');
    expect(cairn(dev, ['init']).code).toBe(0);
    gen(dev, { ...projectFiles('cairn', 0.8), 'package.json': JSON.stringify({ name: 'churn', private: true, devDependencies: { 'cairn-ml': '0.1.0' } }, null, 2) + '\n', '.gitignore': '/node_modules\n/cairn_report\n' });
    const run = (args: string[]) => {
      const r = cairn(dev, args, devEnv);
      expect(r.code, `cairn ${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r;
    };
    run(['add', 'data/eval.csv']);
    run(['remote', 'add', '-d', 'storage', `s3://${bucket}/churn`]);
    // the endpoint stays on this machine: CI gets it from the CAIRN_S3_ENDPOINT secret
    run(['remote', 'modify', '--local', 'storage', 'endpoint', s3!.endpoint]);
    run(['repro']);
    run(['push', '--run-cache']);
    const init = run(['ci', 'init', '--github']);
    expect(init.stdout).toContain('wrote .github/workflows/cairn.yml');
    expect(init.stderr).toBe('');
    git(dev, 'add', '-A');
    git(dev, 'commit', '-qm', 'churn model, pipeline and workflow');
    const origin = join(tempDir('cairn-origin-'), 'churn.git');
    git(dev, 'clone', '-q', '--bare', dev, origin);
    git(dev, 'remote', 'add', 'origin', origin);
    // the pull request: one param changed, committed without running the pipeline
    git(dev, 'checkout', '-qb', 'better-model');
    writeFileSync(join(dev, 'params.yaml'), 'skill: 0.9\n');
    git(dev, 'commit', '-qam', 'more skill');
    git(dev, 'push', '-q', 'origin', 'better-model');

    const wf = parse(readFileSync(join(dev, '.github/workflows/cairn.yml'), 'utf8')) as Ctx;
    const secrets = { ...s3Env(), CAIRN_S3_ENDPOINT: s3!.endpoint, GITHUB_TOKEN: 'ghs_test_token_0123456789' };
    const eventDir = tempDir('cairn-event-');
    const prEvent = join(eventDir, 'pr.json');
    writeFileSync(prEvent, JSON.stringify({ action: 'opened', number: 7, pull_request: { number: 7, head: { ref: 'better-model' }, base: { ref: 'main' } } }));
    const sha = (rev: string) => git(dev, 'rev-parse', rev).trim();
    const baseEnv = (event: string, eventPath: string, ref: string, extra: Record<string, string> = {}) => ({
      ...runnerEnv(),
      GITHUB_EVENT_NAME: event,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: 'acme/churn',
      GITHUB_REF: ref,
      GITHUB_SHA: sha('HEAD'),
      GITHUB_RUN_ID: '4242',
      GITHUB_API_URL: api,
      GITHUB_SERVER_URL: 'https://github.com',
      ...extra,
    });

    // 1. the pull request: pipeline job only
    const prEnv = baseEnv('pull_request', prEvent, 'refs/pull/7/merge', { GITHUB_BASE_REF: 'main', GITHUB_HEAD_REF: 'better-model' });
    const prCtx = { github: { event_name: 'pull_request', ref: 'refs/pull/7/merge', base_ref: 'main' }, env: prEnv };
    const pr = await runJob(wf, 'pipeline', { origin, branch: 'better-model', base: prCtx, secrets, needs: {} });
    const failed = pr.steps.find((s) => s.code !== 0);
    expect(failed, failed && `${failed.name}:\n${failed.out}`).toBeUndefined();
    expect(pr.steps.map((s) => s.kind)).toEqual(wf.jobs.pipeline.steps.map((s: Ctx) => (s.uses ? 'uses' : 'run')));
    const out = Object.fromEntries(pr.steps.map((s) => [s.name, s.out]));
    expect(out['Reproduce the pipeline']).toContain('3 ran, 0 restored from run-cache, 1 unchanged');
    expect(out['Reproduce the pipeline']).toMatch(/Running stage 'train' \(param 'skill' \(params.yaml\) modified\)/);
    expect(out['Push outputs and run-cache']).toMatch(/run-cache: [1-9]\d* /);
    const summary = readFileSync(join(pr.temp, 'summary.md'), 'utf8');
    expect(summary).toContain('## cairn report: `origin/main`');
    expect(summary).toMatch(/### Metrics\n\n\| Path \| Metric .*\n.*\n\| metrics\.json \| accuracy \| 0\.\d+ \| 0\.\d+ \| \+0\.\d+/);
    expect(summary).toContain('| params.yaml | skill | 0.8 | 0.9 |');
    expect(summary).toContain('#### Model gate: ✅ pass');
    expect(readdirSync(join(pr.temp, 'cairn-report', 'plots'))).toEqual(['eval_curve.csv.svg']);
    expect(pr.outputs).toEqual({ gate: 'pass' });
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /repos/acme/churn/issues/7/comments?per_page=100&page=1', 'POST /repos/acme/churn/issues/7/comments']);
    expect(requests[1]!.auth).toBe('Bearer ghs_test_token_0123456789');
    expect(JSON.parse(requests[1]!.body).body).toBe(readFileSync(join(pr.temp, 'cairn-report', 'report.md'), 'utf8'));
    for (const s of pr.steps) expect(s.out).not.toContain(secrets.AWS_SECRET_ACCESS_KEY);
    expect(condition(wf.jobs.release.if, { ...prCtx, needs: { pipeline: { outputs: pr.outputs } } })).toBe(false);

    // the developer takes the CI's results (restored from the run-cache, nothing retrained), commits the lock, merges
    run(['pull', '--run-cache']);
    expect(run(['repro']).stdout).toContain('0 ran, 3 restored from run-cache, 1 unchanged');
    git(dev, 'add', '-A');
    git(dev, 'commit', '-qm', 'lock of the better model');
    git(dev, 'checkout', '-q', 'main');
    git(dev, 'merge', '-q', '--ff-only', 'better-model');
    git(dev, 'push', '-q', 'origin', 'main');

    // 2. the push to main: pipeline, then release behind the production environment
    const pushEvent = join(eventDir, 'push.json');
    writeFileSync(pushEvent, JSON.stringify({ ref: 'refs/heads/main', after: sha('main') }));
    const mainEnv = baseEnv('push', pushEvent, 'refs/heads/main');
    const mainCtx = { github: { event_name: 'push', ref: 'refs/heads/main' }, env: mainEnv };
    const n = requests.length;
    const main = await runJob(wf, 'pipeline', { origin, branch: 'main', base: mainCtx, secrets, needs: {} });
    expect(main.steps.find((s) => s.code !== 0)?.out).toBeUndefined();
    expect(main.steps.find((s) => s.name === 'Reproduce the pipeline')!.out).toContain('0 ran, 0 restored from run-cache, 4 unchanged');
    expect(requests.length).toBe(n); // no comment outside pull requests
    expect(main.outputs).toEqual({ gate: 'pass' });
    const needs = { pipeline: { outputs: main.outputs } };
    expect(condition(wf.jobs.release.if, { ...mainCtx, needs })).toBe(true);
    expect(wf.jobs.release.environment).toBe('production');
    const rel = await runJob(wf, 'release', { origin, branch: 'main', base: mainCtx, secrets, needs });
    const relFailed = rel.steps.find((s) => s.code !== 0);
    expect(relFailed, relFailed && `${relFailed.name}:\n${relFailed.out}`).toBeUndefined();
    const promote = rel.steps.find((s) => s.name === 'Register and promote to production')!.out;
    expect(promote).toMatch(/churn@production is now v1\.0\.0/);
    const tags = spawnSync('git', ['tag', '-l'], { cwd: origin, encoding: 'utf8' }).stdout.trim().split('\n');
    expect(tags).toEqual(['churn#production#1', 'churn@v1.0.0']);
    const record = spawnSync('git', ['tag', '-l', '--format=%(contents)', 'churn@v1.0.0'], { cwd: origin, encoding: 'utf8' }).stdout;
    expect(record).toContain(`commit: ${sha('main')}`);
    expect(record).toMatch(/gate:\n\s+verdict: pass/);
  }, 180_000);
});
