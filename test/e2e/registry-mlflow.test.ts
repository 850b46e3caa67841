// cairn model export --mlflow against a real `mlflow server` on loopback (MLflow from PyPI via
// scripts/mlflow-peer.sh; skipped with the reason when it cannot be installed).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cairn, cleanup, gen, git, ROOT, tempDir } from '../helpers.js';

const peer = spawnSync(join(ROOT, 'scripts', 'mlflow-peer.sh'), { encoding: 'utf8', timeout: 600_000 });
const MLFLOW = peer.status === 0 ? peer.stdout.trim() : undefined;
const why = MLFLOW ? '' : ` (skipped: mlflow not installable: ${(peer.stderr || String(peer.error ?? '')).trim().split('\n').at(-1)})`;
if (!MLFLOW) console.warn(`registry-mlflow${why}`);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

let server: ChildProcess | undefined;
let url = '';

describe.skipIf(!MLFLOW)(`model export --mlflow${why}`, () => {
  beforeAll(async () => {
    const port = await freePort();
    const d = tempDir('cairn-mlflow-');
    url = `http://127.0.0.1:${port}`;
    server = spawn(MLFLOW!, ['server', '--host', '127.0.0.1', '--port', String(port), '--backend-store-uri', `sqlite:///${d}/db.sqlite`, '--artifacts-destination', join(d, 'artifacts'), '--workers', '1'], { stdio: 'ignore', detached: true });
    for (let i = 0; i < 240; i++) {
      try {
        if ((await fetch(`${url}/health`)).ok) return;
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error('mlflow server did not start in 120 s');
  }, 180_000);
  afterAll(() => {
    if (server?.pid) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
  });
  afterEach(() => cleanup());

  it('registers the version with its lineage as tags, its alias, and the model file as an artifact', async () => {
    const dir = tempDir();
    git(dir, 'init', '-q', '-b', 'main');
    gen(dir, { 'm.cjs': "require('fs').writeFileSync('model.bin','weights-1');require('fs').writeFileSync('metrics.json','{\"acc\":0.75}')", 'params.yaml': 'lr: 0.5\n' });
    expect(cairn(dir, ['init']).code).toBe(0);
    expect(cairn(dir, ['stage', 'add', '-n', 'train', '-d', 'm.cjs', '-p', 'lr', '-o', 'model.bin', '-M', 'metrics.json', 'node m.cjs']).code).toBe(0);
    expect(cairn(dir, ['repro']).code).toBe(0);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'v1');
    const head = git(dir, 'rev-parse', 'HEAD').trim();
    expect(cairn(dir, ['model', 'register', 'clf', '--path', 'model.bin']).code).toBe(0);
    expect(cairn(dir, ['model', 'promote', 'clf@v1.0.0', 'production']).code).toBe(0);
    const r = cairn(dir, ['model', 'export', 'clf@production', '--mlflow', url, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ex = JSON.parse(r.stdout);
    expect(ex).toMatchObject({ name: 'clf', mlflow_version: '1', aliases: ['production'], artifacts: ['model/model.bin'] });

    const get = async (path: string) => {
      // the server may close a kept-alive connection between requests: retry a reset GET
      let res: Response | undefined;
      for (let attempt = 0; !res; attempt++) {
        try {
          res = await fetch(`${url}/api/2.0/mlflow/${path}`);
        } catch (e) {
          if (attempt >= 3) throw e;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      expect(res.status, path).toBe(200);
      return (await res.json()) as Record<string, any>;
    };
    const mv = (await get('registered-models/alias?name=clf&alias=production')).model_version;
    expect(mv.version).toBe('1');
    const tags = Object.fromEntries((mv.tags as { key: string; value: string }[]).map((t) => [t.key, t.value]));
    const show = JSON.parse(cairn(dir, ['model', 'show', 'clf@v1.0.0', '--json']).stdout);
    expect(tags).toMatchObject({ 'cairn.commit': head, 'cairn.version': 'v1.0.0', 'cairn.id': `xxh64x2:${show.id}`, 'cairn.stage': 'train', 'cairn.data.m.cjs': show.data[0].id });
    const run = (await get(`runs/get?run_id=${mv.run_id}`)).run;
    expect(run.data.params).toContainEqual({ key: 'lr', value: '0.5' });
    expect(run.data.metrics.find((m: { key: string }) => m.key === 'acc').value).toBe(0.75);
    // the artifact holds the model's bytes
    const art = await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/${ex.source.replace(/^mlflow-artifacts:\//, '')}/model.bin`);
    expect(art.status).toBe(200);
    expect(await art.text()).toBe('weights-1');
    // a bad URI is a usage error
    expect(cairn(dir, ['model', 'export', 'clf@production', '--mlflow', 'ftp://x']).code).toBe(2);
  }, 120_000);
});
