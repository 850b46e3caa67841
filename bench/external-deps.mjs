// bench/external-deps: how cairn notices new upstream data. A stage depends on an S3 prefix of
// BENCH_EXT_OBJECTS (default 5,000) objects of 4 KiB. After one object is added, `cairn status`
// tells the stage changed by listing the prefix (ETags and sizes; nothing downloaded). Peers:
// Debian's `aws s3 ls --recursive` (the same listing, the floor) and `aws s3 sync` into a local
// copy (what a pipeline without tracked external deps does before it can tell anything).
// S3: CAIRN_BENCH_S3_ENDPOINT or Ceph RGW started here.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from './lib.mjs';
import { awsEnv, run, s3Server } from './push-pull.mjs';

const N = Number(process.env.BENCH_EXT_OBJECTS ?? 5000);
const AWS = '/usr/bin/aws';

async function fill(ep, bucket, n) {
  Object.assign(process.env, awsEnv, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  const { S3Client, PutObjectCommand, CreateBucketCommand } = await import('@aws-sdk/client-s3');
  const c = new S3Client({ endpoint: ep, region: 'us-east-1', forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  await c.send(new CreateBucketCommand({ Bucket: bucket }));
  const body = Buffer.alloc(4096, 7);
  let i = 0;
  const worker = async () => {
    while (i < n) {
      const k = i++;
      await c.send(new PutObjectCommand({ Bucket: bucket, Key: `raw/part-${String(k).padStart(6, '0')}.csv`, Body: body }));
    }
  };
  await Promise.all(Array.from({ length: 48 }, worker));
  return { add: (key) => c.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body })), close: () => c.destroy() };
}

const server = await s3Server();
const ep = server.endpoint;
const base = '/tmp/cairn-bench-external';
try {
  rmSync(base, { recursive: true, force: true });
  const repo = join(base, 'repo');
  mkdirSync(repo, { recursive: true });
  const bucket = `bench-ext-${Date.now().toString(36)}`;
  const s3 = await fill(ep, bucket, N);
  run(repo, 'git', ['init', '-q']);
  run(repo, process.execPath, [CLI, 'init']);
  run(repo, process.execPath, [CLI, 'remote', 'add', '-d', 'store', `s3://${bucket}/cache`]);
  run(repo, process.execPath, [CLI, 'remote', 'modify', 'store', 'endpoint', ep]);
  writeFileSync(join(repo, 'cairn.yaml'), `stages:\n  train:\n    cmd: date > model.txt\n    deps: ['s3://${bucket}/raw/']\n    outs: [model.txt]\n`);
  run(repo, process.execPath, [CLI, 'repro']);
  await s3.add('raw/part-new.csv');
  const ours = run(repo, process.execPath, [CLI, 'status', '--json']);
  if (!JSON.parse(ours.stdout).pipeline.changed.includes('train')) throw new Error('status did not see the new object');
  const ls = run(repo, AWS, ['--endpoint-url', ep, 's3', 'ls', '--recursive', `s3://${bucket}/raw/`]);
  const sync = run(repo, AWS, ['--endpoint-url', ep, 's3', 'sync', '--only-show-errors', `s3://${bucket}/raw/`, join(base, 'copy')]);
  s3.close();
  console.log(`external S3 prefix dep, ${N + 1} objects of 4 KiB, one new object:`);
  console.log(`  cairn status (lists the prefix)   ${ours.s.toFixed(2)} s`);
  console.log(`  aws s3 ls --recursive (peer floor) ${ls.s.toFixed(2)} s   ratio ${(ours.s / ls.s).toFixed(2)}`);
  console.log(`  aws s3 sync to a local copy (peer) ${sync.s.toFixed(2)} s   ratio ${(ours.s / sync.s).toFixed(2)}`);
} finally {
  server.stop();
  rmSync(base, { recursive: true, force: true });
}
