// The rollout acceptance test (issue 14): the spawned `cairn serve` with v1 in production, traffic
// from this test, and the spawned `cairn deploy`:
// - a v2 failing 5% of its requests rolls back within one interval, production still v1;
// - a healthy v3 goes 10 → 50 → 100 and production becomes v3 (the alias record says by rollout);
// - kill -9 of the deploy process mid-rollout, then `deploy resume`, finishes it;
// - with too little traffic the rollout pauses (exit 4) and does not pass; after abort it can be retried.
// One-second intervals keep it short. Needs `npm run build`.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveModel } from '../../src/mlops/registry/index.js';
import { cairn as cairnSync, CLI, cleanup, git, ROOT, tempRepo } from '../helpers.js';

const PREDICTOR = join(ROOT, 'fixtures', 'deploy', 'predictor.mjs');
const ENV = { CAIRN_NO_PROGRESS: '1', NO_COLOR: '1', GIT_AUTHOR_NAME: 'Rollout Test', GIT_AUTHOR_EMAIL: 'r@example.com', GIT_COMMITTER_NAME: 'Rollout Test', GIT_COMMITTER_EMAIL: 'r@example.com' };
const FAST = ['--steps', '10,50,100', '--interval', '1s', '--min-requests', '20'];

let dir: string;
let server: ChildProcess;
let url: string;

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, ...ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function finish(p: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  p.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((res) => p.on('close', (code, signal) => res({ code, signal, stdout, stderr })));
}

/** Run the CLI without blocking this process's event loop (the traffic keeps flowing). */
async function cli(args: string[]) {
  return finish(start(args));
}

const status = () => JSON.parse(cairnSync(dir, ['deploy', 'status', '--json'], ENV).stdout);
// read through the library: a CLI run per check would stall this process's traffic loop
const production = async () => (await resolveModel({ root: dir, target: 'clf@production' }))?.version;

// traffic: a few callers in a loop, each request with its own id (so the weight decides the side)
let flowing = false;
let sent = 0;
let loops: Promise<void>[] = [];
function traffic(on: boolean, callers = 6): Promise<void> {
  if (!on) {
    flowing = false;
    const all = Promise.all(loops).then(() => {});
    loops = [];
    return all;
  }
  flowing = true;
  for (let c = 0; c < callers; c++) {
    loops.push(
      (async () => {
        while (flowing) {
          const id = `t${c}-${sent++}`;
          try {
            await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': id }, body: JSON.stringify({ rows: [{ x1: sent % 7, x2: 3 }] }) }).then((r) => r.text());
          } catch {
            // the server restarting or gone: keep trying until told to stop
          }
          await new Promise((r) => setTimeout(r, 5));
        }
      })(),
    );
  }
  return Promise.resolve();
}

beforeAll(async () => {
  dir = await tempRepo({});
  const models = [
    { weights: { x1: 1, x2: -1 }, bias: 0 }, // v1: production
    { weights: { x1: 1, x2: -1 }, bias: 0, fail_every: 20 }, // v2: fails 5% of requests
    // v3..v5: healthy, predicting as v1 (a different file each: `release` is not read)
    { weights: { x1: 1, x2: -1 }, bias: 0, release: 3 },
    { weights: { x1: 1, x2: -1 }, bias: 0, release: 4 },
    { weights: { x1: 1, x2: -1 }, bias: 0, release: 5 },
  ];
  // latency is not what this test checks, and a loaded shared machine stalls a process for tens of
  // ms now and then (P99 of 20 canary requests is about their maximum): a wide latency margin
  const cfg = join(dir, '.cairn', 'config.yaml');
  writeFileSync(cfg, readFileSync(cfg, 'utf8') + 'deploy:\n  max_p99_increase_ms: 2000\n');
  // registered through the library (faster than five CLI runs); the CLI is what is under test
  const { add } = await import('../../src/api/add.js');
  const { modelRegister } = await import('../../src/api/model-register.js');
  const { modelPromote } = await import('../../src/api/model-promote.js');
  for (const [i, m] of models.entries()) {
    writeFileSync(join(dir, 'model.json'), JSON.stringify(m));
    await add({ cwd: dir, targets: ['model.json'] });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', `model v${i + 1}`);
    await modelRegister({ cwd: dir, name: 'clf', path: 'model.json', version: `${i + 1}.0.0` });
  }
  await modelPromote({ cwd: dir, target: 'clf@v1.0.0', alias: 'production' });
  server = start(['serve', 'clf@production', '--predictor', PREDICTOR, '--port', '0', '--json']);
  url = await new Promise<string>((res, rej) => {
    let buf = '';
    server.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      try {
        res(JSON.parse(buf).url as string); // the start document (pretty-printed JSON), once complete
      } catch {
        // more to come
      }
    });
    server.on('close', (code) => rej(new Error(`cairn serve exited ${code}`)));
  });
  await traffic(true);
}, 60_000);

afterAll(async () => {
  await traffic(false);
  server?.kill('SIGTERM');
  cleanup();
});

describe('cairn deploy against cairn serve', () => {
  it('a v2 failing 5% of requests rolls back within one interval; production stays v1', async () => {
    const r = await cli(['deploy', 'clf@v2.0.0', ...FAST, '--json']);
    expect(r.code, r.stderr).toBe(4);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ state: 'rolled_back', weight: 0, version: 'v2.0.0', stable: 'v1.0.0', step: 1 });
    expect(s.reason).toMatch(/error_rate/);
    // one analysis, at the first step: the rollback came at the end of its (first) window
    expect(s.analyses).toHaveLength(1);
    const a = s.analyses[0];
    expect(a.verdict).toBe('fail');
    expect(a.canary_requests).toBeGreaterThanOrEqual(20);
    expect(await production()).toBe('v1.0.0');
    const healthz = await (await fetch(`${url}/healthz`)).json();
    expect(healthz).toMatchObject({ stable: 'v1.0.0', canary: null, weight: 0 });
    expect(status()).toMatchObject({ state: 'rolled_back', version: 'v2.0.0' });
  }, 60_000);

  it('a healthy v3 goes 10 → 50 → 100 and production becomes v3, by rollout', async () => {
    const r = await cli(['deploy', 'clf@v3.0.0', ...FAST]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const steps = r.stdout.split('\n').filter((l) => l.startsWith('step '));
    expect(steps).toEqual(['step 1/3: canary weight 10%', 'step 2/3: canary weight 50%', 'step 3/3: canary weight 100%']);
    expect(status()).toMatchObject({ state: 'succeeded', step: 3, weight: 100, version: 'v3.0.0', stable: 'v1.0.0' });
    expect(await production()).toBe('v3.0.0');
    const hist = JSON.parse(cairnSync(dir, ['model', 'history', 'clf', '--json'], ENV).stdout);
    const rows = (Array.isArray(hist) ? hist : hist.rows ?? hist.history) as { version: string; reason: string | null; moved_by?: string }[];
    const v3 = rows.find((x) => x.version === 'v3.0.0')!;
    expect(v3.reason).toMatch(/^by rollout/);
    expect(v3.moved_by).toBe('rollout');
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ stable: 'v3.0.0', canary: null });
  }, 60_000);

  it('kill -9 mid-rollout, then deploy resume, finishes it', async () => {
    const p = start(['deploy', 'clf@v4.0.0', '--steps', '10,50,100', '--interval', '1s', '--min-requests', '20']);
    const done = finish(p);
    const file = join(dir, '.cairn', 'deploy', 'local.json');
    // wait for step 2 to be persisted, then kill without a chance to clean up
    for (let i = 0; i < 300; i++) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        const st = JSON.parse(readFileSync(file, 'utf8'));
        if (st.version === 'v4.0.0' && st.step >= 2) break;
      } catch {
        // not written yet, or mid-rename
      }
    }
    p.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    const st = status();
    expect(st).toMatchObject({ state: 'running', version: 'v4.0.0', step: 2 });
    expect(st.reason).toMatch(/interrupted/);
    // a new deploy refuses while the old one is unfinished
    const again = await cli(['deploy', 'clf@v5.0.0', ...FAST]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/not finished.*interrupted/);
    const r = await cli(['deploy', 'resume', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ state: 'succeeded', version: 'v4.0.0', weight: 100 });
    // resumed at step 2: no second weight-10 step
    expect(r.stderr.split('\n').filter((l) => l.startsWith('step '))).toEqual(['step 2/3: canary weight 50%', 'step 3/3: canary weight 100%']);
    expect(await production()).toBe('v4.0.0');
  }, 60_000);

  it('too little traffic pauses (exit 4) and never passes; after abort the rollout can be retried', async () => {
    await traffic(false);
    const r = await cli(['deploy', 'clf@v5.0.0', ...FAST, '--traffic-timeout', '1s', '--json']);
    expect(r.code).toBe(4);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ state: 'paused', verdict: 'inconclusive', step: 1, weight: 10 });
    expect(s.reason).toMatch(/inconclusive.*too little traffic/);
    expect(s.analyses.map((a: { verdict: string }) => a.verdict)).toEqual(['inconclusive']);
    expect(await production()).toBe('v4.0.0');
    const ab = await cli(['deploy', 'abort', '--json']);
    expect(ab.code).toBe(0);
    expect(JSON.parse(ab.stdout)).toMatchObject({ state: 'aborted', weight: 0 });
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ stable: 'v4.0.0', canary: null, weight: 0 });
    // Argo #841/#3120: an aborted rollout can be retried
    await traffic(true);
    const retry = await cli(['deploy', 'clf@v5.0.0', ...FAST, '--json']);
    expect(retry.code, retry.stderr).toBe(0);
    expect(JSON.parse(retry.stdout)).toMatchObject({ state: 'succeeded', version: 'v5.0.0', stable: 'v4.0.0' });
    expect(await production()).toBe('v5.0.0');
  }, 60_000);
});
