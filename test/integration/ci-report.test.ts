// cairn ci init and cairn report against temp repos (in process; the stages call the built
// CLI): what init detects and when it refuses to write; the report of a branch against main
// (metrics, params, data ids and sizes, validation, gate, lineage, plots as Mermaid and SVG);
// the size limits; posting to a local server that implements the few GitHub and GitLab
// endpoints used, created once and then updated in place.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { add } from '../../src/api/add.js';
import { ciInit } from '../../src/api/ci-init.js';
import { report } from '../../src/api/report.js';
import { repro } from '../../src/api/repro.js';
import { CairnError } from '../../src/core/errors.js';
import { COMMENT_LIMIT, reportMarkdown, SUMMARY_LIMIT, utf8Bytes, type ReportData } from '../../src/ci/report.js';
import { cairn, cleanup, CLI, git, ROOT, tempDir, tempRepo } from '../helpers.js';
import { projectFiles } from '../ci-helpers.js';

let dir: string;
let lock: any;

beforeAll(async () => {
  dir = await tempRepo(projectFiles(`node ${CLI}`, 0.8));
  await add({ cwd: dir, targets: ['data/eval.csv'] });
  expect((await repro({ cwd: dir })).ok).toBe(true);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'first model');
  git(dir, 'checkout', '-qb', 'feature');
  writeFileSync(join(dir, 'params.yaml'), 'skill: 0.9\n');
  expect((await repro({ cwd: dir })).ok).toBe(true);
  lock = parse(readFileSync(join(dir, 'cairn.lock'), 'utf8'));
}, 120_000);
afterAll(() => cleanup());

describe('cairn ci init', () => {
  it('writes the workflow from the pipeline, refuses to overwrite it without force, and --dry writes nothing', async () => {
    const d = await ciInit({ cwd: dir, target: 'gitlab', dry: true });
    expect(d.written).toBe(false);
    expect(existsSync(join(dir, '.gitlab-ci.yml'))).toBe(false);
    const r = await ciInit({ cwd: dir, target: 'github' });
    expect(r).toMatchObject({ file: '.github/workflows/cairn.yml', written: true });
    expect(r.plan.model).toEqual({ name: 'churn', path: 'models/model.json' });
    expect(r.plan.validate.map((v) => v.stage)).toEqual(['validate']);
    expect(r.plan.gate).toMatchObject({ stage: 'gate', report: 'eval/gate.json', config: 'gate.yaml' });
    expect(readFileSync(join(dir, r.file), 'utf8')).toBe(r.text);
    writeFileSync(join(dir, r.file), 'mine\n');
    const err = await ciInit({ cwd: dir, target: 'github' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CairnError);
    expect((err as CairnError).code).toBe('CAIRN_USAGE');
    expect((err as CairnError).message).toContain('.github/workflows/cairn.yml already exists');
    expect(readFileSync(join(dir, r.file), 'utf8')).toBe('mine\n');
    await ciInit({ cwd: dir, target: 'github', force: true });
    expect(readFileSync(join(dir, r.file), 'utf8')).toBe(r.text);
    const j = await ciInit({ cwd: dir, target: 'jenkins', dry: true, model: 'Churn Model', cron: '0 3 * * *' });
    expect(j.text).toContain("cron('H H * * *')");
    expect(j.text).toContain('cairn model register churn-model');
    await expect(ciInit({ cwd: dir, target: 'github', dry: true, cron: 'daily' })).rejects.toThrow(/expected 5 fields/);
    await expect(ciInit({ cwd: dir, target: 'github', dry: true, modelPath: '../x' })).rejects.toThrow(/--model-path/);
  });
});

describe('the JUnit files the Jenkins and GitLab workflows collect', () => {
  it('cairn gate --junit and cairn validate --junit write them (the commands the workflow reruns)', () => {
    const r = cairn(dir, ['gate', '--baseline', 'none', '--out', 'eval/gate.json', '--junit', 'reports/junit/gate.xml']);
    expect(r.code, r.stderr).toBe(0);
    const xml = readFileSync(join(dir, 'reports/junit/gate.xml'), 'utf8');
    expect(xml).toMatch(/<testsuites name="cairn gate" tests="1" failures="0"/);
    expect(xml).toContain('<testcase classname="cairn.gate.min" name="accuracy &gt;= 0.6">');
    expect(cairn(dir, ['validate', 'data/eval.csv', '--schema', 'eval.schema.yaml', '--junit', 'reports/junit/validate.xml']).code).toBe(0);
    expect(readFileSync(join(dir, 'reports/junit/validate.xml'), 'utf8')).toMatch(/<testsuites name="cairn validate" tests="\d+" failures="0"/);
  });
});

describe('cairn ci init in a hostile repo', () => {
  it('.github as a symlink out of the repo: refused (exit 2), nothing written outside', async () => {
    const d = await tempRepo({ 'cairn.yaml': 'stages:\n  t:\n    cmd: node t.mjs\n' });
    const outside = tempDir('cairn-outside-');
    symlinkSync(outside, join(d, '.github'));
    const e = await ciInit({ cwd: d, target: 'github' }).catch((x: unknown) => x as CairnError);
    expect((e as CairnError).code).toBe('CAIRN_BAD_PATH');
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe('cairn report: the branch against main', () => {
  it('has the metrics and params diffs, the data that changed with ids and sizes, validation, gate, lineage, plots', async () => {
    const out = tempDir();
    const r = await report({ cwd: dir, base: 'main', dir: out });
    const md = r.markdown;
    expect(md.startsWith('<!-- cairn-report -->\n## cairn report: `main`')).toBe(true);
    const metrics = md.split('### Metrics\n')[1]!.split('\n### ')[0]!;
    expect(metrics).toMatch(/\| metrics\.json \| accuracy \| 0\.\d+ \| 0\.\d+ \| \+0\.\d+ \|/);
    expect(metrics).not.toContain('eval/gate.json');
    expect(md).toMatch(/\| params\.yaml \| skill \| 0\.8 \| 0\.9 \|/);
    const model = r.data.data.find((c) => c.path === 'models/model.json')!;
    expect(model).toMatchObject({ kind: 'output', stage: 'train', change: 'modified' });
    const lockOut = lock.stages.train.outs.find((o: { path: string }) => o.path === 'models/model.json');
    expect(model.head).toEqual({ id: lockOut.id, size: lockOut.size });
    expect(model.base!.id).not.toBe(lockOut.id);
    expect(md).toContain(`| \`models/model.json\` | output of \`train\` | modified | \`${model.base!.id.slice(0, 12)}…\``);
    expect(r.data.data.map((c) => c.path)).not.toContain('data/eval.csv');
    expect(r.data.validation).toHaveLength(1);
    expect(md).toMatch(/✅ `data\/eval\.csv` \(stage `validate`, schema `eval\.schema\.yaml`\): 400 rows, \*\*\d+\/\d+\*\* checks passed/);
    expect(r.data.gate?.report.verdict).toBe('pass');
    expect(md).toMatch(/#### Model gate: ✅ pass/);
    expect(md).toMatch(/\| `accuracy` \| >= 0\.6 \| 0\.\d+ \| - \| - \| 95% \[0\.\d+, 0\.\d+\]/);
    const pointer = parse(readFileSync(join(dir, 'data/eval.csv.cairn'), 'utf8'));
    expect(md).toContain(`| \`data/eval.csv\` | \`${pointer.outs[0].id}\` | raw data (\`data/eval.csv.cairn\`)`);
    expect(md).toContain('```mermaid\nxychart-beta\n  title "eval/curve.csv"');
    expect(md).toMatch(/x-axis \[50, 100, 150, 200, 250, 300, 350, 400\]/);
    expect(md.match(/\n {2}line \[/g)?.length).toBeGreaterThanOrEqual(3); // two curve lines + the metrics base line
    const svg = readFileSync(join(out, 'plots', 'eval_curve.csv.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toMatch(/<path[^>]+d="M/);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toBe(md);
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(json.params[0].key).toBe('skill');
    // the documented shape (schema/report.schema.json, the gate part by gate-report.schema.json)
    const ajv = new Ajv({ strict: false });
    ajv.addSchema(JSON.parse(readFileSync(join(ROOT, 'schema', 'gate-report.schema.json'), 'utf8')));
    const check = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8')));
    expect(check(json), JSON.stringify(check.errors)).toBe(true);
    expect(r.trimmed).toEqual([]);
  });

  it('appends to a job summary file; an unknown base is a usage error naming it', async () => {
    const s = join(tempDir(), 'summary.md');
    writeFileSync(s, '# earlier step\n');
    const r = await report({ cwd: dir, base: 'main', dir: tempDir(), summary: s, svg: false });
    expect(readFileSync(s, 'utf8')).toBe(`# earlier step\n\n${r.markdown}`);
    await expect(report({ cwd: dir, base: 'nope', dir: tempDir() })).rejects.toThrow(/base revision 'nope' not found \(nor origin\/nope\)/);
  });
});

describe('the spawned CLI', () => {
  it('ci init refuses to overwrite (exit 2); report --json prints the data; --comment outside a pull request is exit 2 and never prints the token', () => {
    const again = cairn(dir, ['ci', 'init', '--github']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('.github/workflows/cairn.yml already exists: not overwritten');
    expect(again.stderr).toContain('--force');
    expect(cairn(dir, ['ci', 'init']).stderr).toContain('exactly one of --github, --jenkins, --gitlab');
    const j = cairn(dir, ['report', '--base', 'main', '--json', '--no-svg', '--dir', tempDir()]);
    expect(j.code, j.stderr).toBe(0);
    expect(JSON.parse(j.stdout).params).toEqual([expect.objectContaining({ path: 'params.yaml', key: 'skill', old: 0.8, new: 0.9 })]);
    const ev = join(tempDir(), 'push.json');
    writeFileSync(ev, JSON.stringify({ ref: 'refs/heads/main' }));
    const token = 'ghs_never_printed_0123456789';
    const c = cairn(dir, ['report', '--base', 'main', '--comment', '--no-svg', '--dir', tempDir()], { GITHUB_ACTIONS: 'true', GITHUB_TOKEN: token, GITHUB_REPOSITORY: 'acme/churn', GITHUB_EVENT_PATH: ev, GITHUB_EVENT_NAME: 'push' });
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('is not a pull request');
    expect(c.stdout + c.stderr).not.toContain(token);
  });

  it('a hostile pipeline: report paths outside the repo are not read, a broken gate report is a note, secret params are masked, a symlinked report folder is refused', async () => {
    const d = await tempRepo({
      'cairn.yaml': `stages:\n  v:\n    cmd: cairn validate x.csv --schema s.yaml --out ../../../etc/passwd\n  g:\n    cmd: cairn gate --out eval/gate.json\n    params: [db_password, lr]\n`,
      'eval/gate.json': '{"verdict": "pass", "rules": "nope"',
      'params.yaml': 'db_password: hunter2-old\nlr: 1\n',
    });
    git(d, 'add', '-A');
    git(d, 'commit', '-qm', 'hostile');
    writeFileSync(join(d, 'params.yaml'), 'db_password: hunter2-new\nlr: 2\n');
    const outside = tempDir('cairn-outside-');
    symlinkSync(outside, join(d, 'cairn_report'));
    const refused = await report({ cwd: d, base: 'main', svg: false }).catch((e: unknown) => e as CairnError);
    expect((refused as CairnError).code).toBe('CAIRN_BAD_PATH');
    expect(readdirSync(outside)).toEqual([]);
    const r = await report({ cwd: d, base: 'main', dir: tempDir(), svg: false });
    expect(r.markdown).toContain('| params.yaml | db_password | *** | *** |');
    expect(r.markdown).toContain('| params.yaml | lr | 1 | 2 |');
    expect(r.markdown).not.toContain('hunter2');
    expect(r.data.validation).toEqual([]);
    expect(r.data.gate).toBeNull();
    expect(r.data.notes.join('\n')).toMatch(/validation report \.\.\/\.\.\/\.\.\/etc\/passwd: .*; not read/);
    expect(r.data.notes.join('\n')).toMatch(/gate report eval\/gate\.json: /);
    expect(r.markdown).toContain('> note: validation report');
  });
});

describe('report size limits', () => {
  const big = (rows: number, key = 'metric'): ReportData => ({
    base: { rev: 'main' },
    head: { rev: 'workspace' },
    metrics: Array.from({ length: rows }, (_, i) => ({ path: 'metrics.json', key: `${key}_${i}`, old: i, new: i + 1, abs: 1, rel: 1 / (i || 1), change: 'modified' as const })),
    params: [],
    data: Array.from({ length: rows }, (_, i) => ({ path: `data/f${i}.csv`, kind: 'pointer' as const, change: 'added' as const, base: null, head: { id: 'a'.repeat(32), size: i } })),
    validation: [],
    gate: null,
    lineage: null,
    metricsChart: null,
    plots: [],
    notes: [],
  });

  it('stays under the 65,536-character comment limit, shortening the long sections with a note', () => {
    const r = reportMarkdown(big(3000));
    expect(r.text.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(r.trimmed).toEqual(['Data shortened', 'Metrics shortened']);
    expect(r.text).toContain('### Metrics');
    expect(r.text).toContain('_…and 2970 more rows (trimmed to fit');
    expect(r.text).toMatch(/> \*\*Trimmed\*\* to stay under the limit of 65536 characters: Data shortened; Metrics shortened/);
  });

  it('counts UTF-8 bytes for the 1 MiB summary, and cuts at a line when even the short forms are too long', () => {
    // 40 rows of 30 KB keys: under a million characters, over a MiB in UTF-8
    const wide = big(40, 'métrique_日本語'.repeat(2000));
    expect(reportMarkdown(wide, { limit: 2_000_000 }).trimmed).toEqual([]);
    const r = reportMarkdown(wide, { limit: SUMMARY_LIMIT, measure: utf8Bytes });
    expect(utf8Bytes(r.text)).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(r.trimmed).toContain('Metrics left out');
    expect(r.text).toContain('### Metrics\n\n_left out to fit the size limit_');
    const noisy = reportMarkdown({ ...big(1), notes: ['日本語 '.repeat(200_000)] }, { limit: SUMMARY_LIMIT, measure: utf8Bytes });
    expect(utf8Bytes(noisy.text)).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(noisy.trimmed.at(-1)).toBe('cut at the limit');
    expect(noisy.text.trimEnd().endsWith('bytes.')).toBe(true);
    const small = reportMarkdown(big(5));
    expect(small.trimmed).toEqual([]);
  });
});

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** The few endpoints --comment uses, GitHub's and GitLab's, over one in-memory list of comments. */
async function commentServer(): Promise<{ url: string; seen: Seen[]; comments: { id: number; body: string }[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  // a person's comment quoting the marker is not the report's
  const comments: { id: number; body: string; user?: { type: string; login: string } }[] = [
    { id: 1, body: 'LGTM', user: { type: 'User', login: 'alice' } },
    { id: 2, body: '<!-- cairn-report -->\nnot the report', user: { type: 'User', login: 'mallory' } },
  ];
  let next = 100;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const u = new URL(req.url!, 'http://x');
      const send = (code: number, data: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(data));
      };
      const gh = /^\/repos\/acme\/churn\/issues\/(?:(7)\/comments|comments\/(\d+))$/.exec(u.pathname);
      const gl = /^\/api\/v4\/projects\/42\/merge_requests\/3\/notes(?:\/(\d+))?$/.exec(u.pathname);
      const auth = gh ? req.headers.authorization === 'Bearer ghs_secret_token_123' : req.headers['private-token'] === 'glpat-secret-456';
      if (!auth) return send(401, { message: 'Bad credentials' });
      const id = Number(gh?.[2] ?? gl?.[1]);
      if ((gh?.[1] || (gl && !gl[1])) && req.method === 'GET') return send(200, comments.slice((Number(u.searchParams.get('page')) - 1) * 100, Number(u.searchParams.get('page')) * 100));
      if ((gh?.[1] || (gl && !gl[1])) && req.method === 'POST') {
        const c = { id: next++, body: JSON.parse(body).body, ...(gh ? { user: { type: 'Bot', login: 'github-actions[bot]' } } : {}) };
        comments.push(c);
        return send(201, { ...c, html_url: gh ? `https://github.example/acme/churn/pull/7#issuecomment-${c.id}` : undefined });
      }
      if (id && (req.method === 'PATCH' || req.method === 'PUT')) {
        const c = comments.find((x) => x.id === id);
        if (!c) return send(404, {});
        c.body = JSON.parse(body).body;
        return send(200, c);
      }
      send(404, { message: 'no such endpoint' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, comments, close: () => new Promise((r) => server.close(() => r())) };
}

describe('report --comment', () => {
  it('GitHub: reads the PR from the event file, creates one comment, then updates it in place; the token only in the header', async () => {
    const srv = await commentServer();
    try {
      const ev = join(tempDir(), 'event.json');
      writeFileSync(ev, JSON.stringify({ action: 'synchronize', number: 7, pull_request: { number: 7 } }));
      const env = { GITHUB_ACTIONS: 'true', GITHUB_TOKEN: 'ghs_secret_token_123', GITHUB_REPOSITORY: 'acme/churn', GITHUB_EVENT_PATH: ev, GITHUB_EVENT_NAME: 'pull_request', GITHUB_API_URL: srv.url };
      const first = await report({ cwd: dir, base: 'main', dir: tempDir(), svg: false, comment: true, env });
      expect(first.comment).toMatchObject({ action: 'created', id: 100, where: 'acme/churn#7' });
      expect(srv.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /repos/acme/churn/issues/7/comments?per_page=100&page=1', 'POST /repos/acme/churn/issues/7/comments']);
      expect(JSON.parse(srv.seen[1]!.body).body).toBe(first.markdown);
      expect(srv.seen[1]!.headers.authorization).toBe('Bearer ghs_secret_token_123');
      expect(srv.seen[1]!.headers['x-github-api-version']).toBe('2022-11-28');
      writeFileSync(join(dir, 'params.yaml'), 'skill: 0.95\n');
      const second = await report({ cwd: dir, base: 'main', dir: tempDir(), svg: false, comment: true, env });
      expect(second.comment).toMatchObject({ action: 'updated', id: 100 });
      expect(srv.seen.slice(2).map((s) => `${s.method} ${s.url}`)).toEqual(['GET /repos/acme/churn/issues/7/comments?per_page=100&page=1', 'PATCH /repos/acme/churn/issues/comments/100']);
      expect(srv.comments).toHaveLength(3);
      expect(srv.comments[1]!.body).toBe('<!-- cairn-report -->\nnot the report');
      expect(srv.comments[2]!.body).toContain('| params.yaml | skill | 0.8 | 0.95 |');
      expect(JSON.stringify(second)).not.toContain('ghs_secret_token_123');
      // a wrong token: an auth error naming the endpoint, not the token
      const bad = await report({ cwd: dir, base: 'main', dir: tempDir(), svg: false, comment: true, env: { ...env, GITHUB_TOKEN: 'ghs_wrong_token_999' } }).catch((e: unknown) => e as CairnError);
      expect((bad as CairnError).code).toBe('CAIRN_REMOTE_AUTH');
      expect((bad as CairnError).message).toContain(`GET ${srv.url}/repos/acme/churn/issues/7/comments`);
      expect((bad as CairnError).message).not.toContain('ghs_wrong_token_999');
      // not a pull request event: a usage error, nothing sent
      writeFileSync(ev, JSON.stringify({ ref: 'refs/heads/main' }));
      const n = srv.seen.length;
      await expect(report({ cwd: dir, base: 'main', dir: tempDir(), svg: false, comment: true, env: { ...env, GITHUB_EVENT_NAME: 'push' } })).rejects.toThrow(/is not a pull request/);
      expect(srv.seen.length).toBe(n);
    } finally {
      writeFileSync(join(dir, 'params.yaml'), 'skill: 0.9\n');
      await srv.close();
    }
  });

  it('GitLab: merge-request notes with a project token, created then updated (PUT)', async () => {
    const srv = await commentServer();
    try {
      const env = { GITLAB_CI: 'true', CI_API_V4_URL: `${srv.url}/api/v4`, CI_PROJECT_ID: '42', CI_MERGE_REQUEST_IID: '3', CI_PROJECT_PATH: 'acme/churn', CAIRN_GITLAB_TOKEN: 'glpat-secret-456', CI_JOB_TOKEN: 'job-token-unused' };
      expect((await report({ cwd: dir, base: 'main', dir: tempDir(), svg: false, comment: true, env })).comment).toMatchObject({ action: 'created', where: 'acme/churn!3' });
      expect((await report({ cwd: dir, base: 'main', dir: tempDir(), svg: false, comment: true, env })).comment).toMatchObject({ action: 'updated', id: 100 });
      expect(srv.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
        'GET /api/v4/projects/42/merge_requests/3/notes?per_page=100&page=1',
        'POST /api/v4/projects/42/merge_requests/3/notes',
        'GET /api/v4/projects/42/merge_requests/3/notes?per_page=100&page=1',
        'PUT /api/v4/projects/42/merge_requests/3/notes/100',
      ]);
      expect(srv.seen.every((s) => s.headers['private-token'] === 'glpat-secret-456' && s.headers['job-token'] === undefined)).toBe(true);
    } finally {
      await srv.close();
    }
  });
});

