// bench/exists-large-remote: a remote holding 100,000 objects; push of a dataset where 10
// objects are new. Prints time and request count, and the same push against a remote of
// ~1,000 objects: the figures should match (they grow with the new objects, not with the
// remote). Also shows a push from a fresh clone that has no memory of pushed directories.
// Quick run: BENCH_REMOTE_OBJECTS=10000. S3: CAIRN_BENCH_S3_ENDPOINT or Ceph RGW started here.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, prng } from './lib.mjs';
import { awsEnv, run, s3Server } from './push-pull.mjs';

const REMOTE_OBJECTS = Number(process.env.BENCH_REMOTE_OBJECTS ?? 100_000);
const DATASET = 1000;

async function filler(ep, bucket, n) {
  Object.assign(process.env, awsEnv, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
  const c = new S3Client({ endpoint: ep, region: 'us-east-1', forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  let i = 0;
  const worker = async () => {
    while (i < n) {
      const k = (i++ * 2654435761 + 12345).toString(16).padStart(8, '0');
      const id = (k + k + k + k).slice(0, 32);
      await c.send(new PutObjectCommand({ Bucket: bucket, Key: `store/xxh64x2/${id.slice(0, 2)}/${id.slice(2)}`, Body: 'x' }));
    }
  };
  await Promise.all(Array.from({ length: 48 }, worker));
  c.destroy();
}

async function scenario(ep, tag, remoteObjects) {
  const base = `/tmp/cairn-bench-exists-${tag}`;
  rmSync(base, { recursive: true, force: true });
  const repo = join(base, 'repo');
  mkdirSync(join(repo, 'ds'), { recursive: true });
  const rnd = prng(11);
  const buf = Buffer.alloc(1024);
  const write = (name) => {
    const fd = openSync(join(repo, 'ds', name), 'w');
    writeSync(fd, rnd(buf));
    closeSync(fd);
  };
  for (let i = 0; i < DATASET; i++) write(`f${i}`);
  execFileSync('git', ['init', '-q'], { cwd: repo });
  const cli = (...a) => run(repo, process.execPath, [CLI, ...a]);
  cli('init', '-q');
  cli('add', 'ds');
  const bucket = `cairn-exists-${tag}-${Date.now().toString(36)}`;
  run(repo, '/usr/bin/aws', ['--endpoint-url', ep, 's3', 'mb', `s3://${bucket}`]);
  cli('remote', 'add', '-d', 'r', `s3://${bucket}/store`);
  cli('remote', 'modify', 'r', 'endpoint', ep);
  const t0 = Date.now();
  await filler(ep, bucket, Math.max(0, remoteObjects - DATASET - 1));
  const fillS = (Date.now() - t0) / 1000;
  cli('push');
  for (let i = 0; i < 10; i++) write(`new${i}`);
  cli('add', 'ds');
  const p = cli('push', '--json');
  const j = JSON.parse(p.stdout);
  // a fresh clone: no record of pushed directories; the same 10 new files pending
  execFileSync('sh', ['-c', 'rm -rf .cairn/state/remotes'], { cwd: repo });
  for (let i = 0; i < 10; i++) write(`newer${i}`);
  cli('add', 'ds');
  const q = cli('push', '--json');
  const k = JSON.parse(q.stdout);
  rmSync(base, { recursive: true, force: true });
  return { push: p.s, requests: j.requests, transferred: j.transferred, fresh: q.s, freshRequests: k.requests, freshTransferred: k.transferred, fillS };
}

const server = await s3Server();
try {
  const small = await scenario(server.endpoint, 'small', DATASET + 1);
  const large = await scenario(server.endpoint, 'large', REMOTE_OBJECTS);
  const f = (r) => `${r.push.toFixed(2)} s, ${r.requests.requests} requests (${r.requests.heads} HEAD, ${r.requests.lists} LIST), ${r.transferred} objects sent`;
  const g = (r) => `${r.fresh.toFixed(2)} s, ${r.freshRequests.requests} requests (${r.freshRequests.heads} HEAD, ${r.freshRequests.lists} LIST), ${r.freshTransferred} sent`;
  console.log(`exists-large-remote: dataset of ${DATASET} files, 10 new per push`);
  console.log(`  remote of ~${DATASET + 1} objects:   ${f(small)}`);
  console.log(`  remote of ${REMOTE_OBJECTS} objects: ${f(large)}   (filled in ${large.fillS.toFixed(0)} s)`);
  console.log(`  ratio large/small: time ${(large.push / small.push).toFixed(2)}, requests ${(large.requests.requests / small.requests.requests).toFixed(2)}`);
  console.log(`  fresh clone (no memory of pushed dirs): small ${g(small)} | large ${g(large)}`);
} finally {
  server.stop();
}
