// bench/push-pull: 1,000 files of 100 KiB plus one 256 MiB file, `cairn push` then
// `cairn pull` into an empty cache, against `aws s3 sync` of the same files up and down,
// same S3 server (Ceph RGW on loopback, started here unless CAIRN_BENCH_S3_ENDPOINT is set).
// Second peer: `dvc push` / `dvc pull` (with dvc-s3, scripts/dvc-peer.sh) of the same files to
// the same server, pull into an empty cache; wall and CPU time of both.
// Quick run: BENCH_SMALL=1 (100 files + 32 MiB).
// Usage: npx tsc -p . && node bench/push-pull.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CLI, DVC, ROOT, cairnCpu, dvcReady, freshDvcRepo, prng, reportDvc, timeCpu } from './lib.mjs';

const SMALL = !!process.env.BENCH_SMALL;
const NFILES = SMALL ? 100 : 1000;
const BIG_MIB = SMALL ? 32 : 256;
const KEY = 'AKIACI0000000000TEST';
const SECRET = 'ci-secret-key-0000000000000000000000000';
const AWS = '/usr/bin/aws';

export async function freePort() {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });
}

/** Start Ceph RGW through scripts/s3-server.sh unless an endpoint is given; returns {endpoint, stop}. */
export async function s3Server() {
  if (process.env.CAIRN_BENCH_S3_ENDPOINT) return { endpoint: process.env.CAIRN_BENCH_S3_ENDPOINT, stop() {} };
  const dir = mkdtempSync('/tmp/cairn-bench-ceph-');
  const port = await freePort();
  const env = { ...process.env, CEPH_DIR: dir, RGW_PORT: String(port), MON_PORT: String(await freePort()), MON_V1_PORT: String(await freePort()), MEMSTORE_BYTES: String(6 * 1024 ** 3) };
  const script = join(ROOT, 'scripts', 's3-server.sh');
  const r = spawnSync('bash', [script, 'start'], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`s3-server.sh start failed: ${r.stderr}`);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop() {
      spawnSync('bash', [script, 'stop'], { env });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const awsEnv = { ...process.env, AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: SECRET, AWS_DEFAULT_REGION: 'us-east-1', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: '', CAIRN_NO_PROGRESS: '1' };

export function run(cwd, cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env: awsEnv, encoding: 'utf8', maxBuffer: 1 << 28 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { s, stdout: r.stdout };
}

async function main() {
  const server = await s3Server();
  const ep = server.endpoint;
  const base = '/tmp/cairn-bench-pushpull';
  try {
    rmSync(base, { recursive: true, force: true });
    const repo = join(base, 'repo');
    mkdirSync(join(repo, 'data', 'files'), { recursive: true });
    const rnd = prng(7);
    const buf = Buffer.alloc(100 * 1024);
    for (let i = 0; i < NFILES; i++) {
      const fd = openSync(join(repo, 'data', 'files', `f${String(i).padStart(4, '0')}.bin`), 'w');
      writeSync(fd, rnd(buf));
      closeSync(fd);
    }
    const big = Buffer.alloc(16 * 1024 * 1024);
    const fd = openSync(join(repo, 'data', 'big.bin'), 'w');
    for (let i = 0; i < BIG_MIB / 16; i++) writeSync(fd, rnd(big));
    closeSync(fd);
    execFileSync('git', ['init', '-q'], { cwd: repo });
    run(repo, process.execPath, [CLI, 'init', '-q']);
    run(repo, process.execPath, [CLI, 'add', 'data']);
    const b1 = `cairn-bench-${Date.now().toString(36)}`;
    const b2 = `aws-bench-${Date.now().toString(36)}`;
    run(repo, AWS, ['--endpoint-url', ep, 's3', 'mb', `s3://${b1}`]);
    run(repo, AWS, ['--endpoint-url', ep, 's3', 'mb', `s3://${b2}`]);
    run(repo, process.execPath, [CLI, 'remote', 'add', '-d', 'bench', `s3://${b1}/store`]);
    run(repo, process.execPath, [CLI, 'remote', 'modify', 'bench', 'endpoint', ep]);
    // warm the server (RGW creates its pools on the first writes)
    run(repo, AWS, ['--endpoint-url', ep, 's3', 'cp', join(repo, '.cairn', 'config.yaml'), `s3://${b2}/warm`]);

    const up = run(repo, AWS, ['--endpoint-url', ep, 's3', 'sync', '--only-show-errors', join(repo, 'data'), `s3://${b2}/data`]).s;
    const push = run(repo, process.execPath, [CLI, 'push', '--json']);
    const pj = JSON.parse(push.stdout);
    const down = run(base, AWS, ['--endpoint-url', ep, 's3', 'sync', '--only-show-errors', `s3://${b2}/data`, join(base, 'aws-down')]).s;
    execFileSync('sh', ['-c', `chmod -R u+w .cairn/cache data; rm -rf .cairn/cache data`], { cwd: repo });
    const pull = run(repo, process.execPath, [CLI, 'pull', '--json']);
    const pl = JSON.parse(pull.stdout);
    // the same download without the checkout (workspace writes), for the breakdown
    execFileSync('sh', ['-c', `chmod -R u+w .cairn/cache data; rm -rf .cairn/cache data`], { cwd: repo });
    const fetch = run(repo, process.execPath, [CLI, 'fetch', '--json']);
    const mb = (NFILES * 100 * 1024 + BIG_MIB * 1024 * 1024) / 1e6;
    console.log(`push-pull: ${NFILES} x 100 KiB + ${BIG_MIB} MiB (${mb.toFixed(0)} MB), S3 at ${ep}`);
    console.log(`  up:   aws s3 sync ${up.toFixed(2)} s | cairn push ${push.s.toFixed(2)} s (${pj.transferred} objects, ${pj.requests.requests} requests) | ratio ${(push.s / up).toFixed(2)}`);
    console.log(`  down: aws s3 sync ${down.toFixed(2)} s | cairn pull ${pull.s.toFixed(2)} s (${pl.fetch.transferred} objects, incl. checkout) | ratio ${(pull.s / down).toFixed(2)}`);
    console.log(`  down without checkout: cairn fetch ${fetch.s.toFixed(2)} s | ratio ${(fetch.s / down).toFixed(2)}`);
    if (dvcReady()) {
      // the same data in a DVC repo, its own bucket on the same server
      const d = freshDvcRepo(join(base, 'dvc'));
      execFileSync('cp', ['-a', join(base, 'aws-down'), join(d.dir, 'data')]);
      const env = { ...awsEnv, DVC_NO_ANALYTICS: '1', DVC_SITE_CACHE_DIR: d.env.DVC_SITE_CACHE_DIR };
      const b3 = `dvc-bench-${Date.now().toString(36)}`;
      run(repo, AWS, ['--endpoint-url', ep, 's3', 'mb', `s3://${b3}`]);
      const dvc = (...a) => timeCpu(DVC, a, { cwd: d.dir, env });
      dvc('add', '-q', 'data');
      dvc('remote', 'add', '-d', 'bench', `s3://${b3}/store`);
      dvc('remote', 'modify', 'bench', 'endpointurl', ep);
      const dPush = dvc('push', '-q');
      execFileSync('sh', ['-c', 'chmod -R u+w .dvc/cache data; rm -rf .dvc/cache data'], { cwd: d.dir });
      const dPull = dvc('pull', '-q');
      // cairn again, with its CPU time: push into a fresh prefix, pull into an empty cache
      run(repo, process.execPath, [CLI, 'remote', 'add', 'bench2', `s3://${b1}/store2`]);
      run(repo, process.execPath, [CLI, 'remote', 'modify', 'bench2', 'endpoint', ep]);
      const env2 = { ...awsEnv };
      const cPush = timeCpu(process.execPath, [CLI, 'push', '-r', 'bench2'], { cwd: repo, env: env2 });
      execFileSync('sh', ['-c', 'chmod -R u+w .cairn/cache data 2>/dev/null; rm -rf .cairn/cache data'], { cwd: repo });
      const cPull = timeCpu(process.execPath, [CLI, 'pull', '-r', 'bench2'], { cwd: repo, env: env2 });
      reportDvc('  up:   dvc push vs cairn push', dPush, cPush);
      reportDvc('  down: dvc pull vs cairn pull (into an empty cache, with checkout)', dPull, cPull);
    }
  } finally {
    server.stop();
    rmSync(base, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
