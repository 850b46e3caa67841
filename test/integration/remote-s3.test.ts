// S3-only behaviour against the real test server: clear errors at once for bad
// credentials and missing buckets, multipart for big files, interop with Debian's aws CLI,
// and a server that goes away in the middle of a push.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { add } from '../../src/api/add.js';
import { status } from '../../src/api/status.js';

const cloudStatus = async (o: { cwd: string }) => (await status({ ...o, cloud: true })).cloud!;
import { pull } from '../../src/api/pull.js';
import { push } from '../../src/api/push.js';
import { remoteAdd, remoteModify } from '../../src/api/remote.js';
import { CairnError } from '../../src/core/errors.js';
import { openRemote, remoteSpec } from '../../src/remote/open.js';
import { Repo } from '../../src/repo/repo.js';
import { cleanup, gen, tempRepo } from '../helpers.js';
import { aws, bucketName, client, makeBucket, noAwsCli, noS3, notRealS3, s3, useS3Env } from '../s3-helpers.js';

afterEach(cleanup);

async function s3Repo(files: Record<string, string | Buffer>, target = 'data') {
  useS3Env();
  const dir = await tempRepo(files);
  await add({ cwd: dir, targets: [target] });
  const bucket = bucketName('s3');
  await makeBucket(bucket);
  await remoteAdd({ cwd: dir, name: 'store', url: `s3://${bucket}/p`, default: true });
  await remoteModify({ cwd: dir, name: 'store', key: 'endpoint', value: s3!.endpoint });
  return { dir, bucket };
}

function sha(p: string): string {
  return createHash('sha256').update(readFileSync(p)).digest('hex');
}

function wipeCache(dir: string) {
  execFileSync('sh', ['-c', `chmod -R u+w "${dir}/.cairn/cache" 2>/dev/null; rm -rf "${dir}/.cairn/cache"`]);
}

describe.skipIf(!!noS3)(`S3 remote${noS3 ? ` (skipped: ${noS3})` : ''}`, () => {
  it.skipIf(!!notRealS3)(`wrong credentials fail at once with a clear error (no retries)${notRealS3 ? ` (skipped: ${notRealS3})` : ''}`, async () => {
    const { dir } = await s3Repo({ 'data/a': 'a' });
    process.env.AWS_SECRET_ACCESS_KEY = 'definitely-wrong-secret-0000000000000000';
    try {
      const repo = await Repo.open(dir);
      const remote = await openRemote(remoteSpec(repo.config), repo.root);
      const err = await remote.ready().catch((e) => e);
      expect(err).toBeInstanceOf(CairnError);
      expect(err.code).toBe('CAIRN_REMOTE_AUTH');
      expect(err.message).toMatch(/s3:\/\/cairn-s3-.*403/);
      expect(err.hint).toContain('AWS_ACCESS_KEY_ID');
      expect(err.message).not.toContain('definitely-wrong');
      expect(remote.stats.retries).toBe(0);
      expect(remote.stats.requests).toBe(1);
      await expect(push({ cwd: dir })).rejects.toMatchObject({ code: 'CAIRN_REMOTE_AUTH' });
    } finally {
      useS3Env();
    }
  });

  it('a missing bucket fails at once, naming the bucket', async () => {
    const { dir } = await s3Repo({ 'data/a': 'a' });
    await remoteModify({ cwd: dir, name: 'store', key: 'url', value: 's3://cairn-no-such-bucket-here/x' });
    const repo = await Repo.open(dir);
    const remote = await openRemote(remoteSpec(repo.config), repo.root);
    const err = await remote.ready().catch((e) => e);
    expect(err).toBeInstanceOf(CairnError);
    expect(err.code).toBe('CAIRN_REMOTE_MISSING');
    expect(err.message).toContain("'cairn-no-such-bucket-here'");
    expect(remote.stats.retries).toBe(0);
    expect(err.exitCode).toBe(1);
  });

  it('a 200 MiB file goes multipart and round-trips', async () => {
    useS3Env();
    const dir = await tempRepo({});
    const f = join(dir, 'big.bin');
    const fd = openSync(f, 'w');
    const chunk = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 200; i++) {
      chunk.fill(i & 0xff);
      chunk.writeUInt32LE(i * 2654435761 >>> 0, 0);
      writeSync(fd, chunk);
    }
    closeSync(fd);
    const before = sha(f);
    await add({ cwd: dir, targets: ['big.bin'] });
    const bucket = bucketName('mp');
    await makeBucket(bucket);
    await remoteAdd({ cwd: dir, name: 'store', url: `s3://${bucket}/p`, default: true });
    await remoteModify({ cwd: dir, name: 'store', key: 'endpoint', value: s3!.endpoint });
    const p = await push({ cwd: dir });
    expect(p.transferred).toBe(1);
    expect(p.bytes).toBe(200 * 1024 * 1024);
    const { S3Client, HeadObjectCommand, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const c = client(S3Client);
    const listed = await c.send(new ListObjectsV2Command({ Bucket: bucket }));
    const key = listed.Contents![0]!.Key!;
    const head = await c.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    c.destroy();
    expect(head.ContentLength).toBe(200 * 1024 * 1024);
    if (s3!.kind !== 's3rver') expect(head.ETag).toMatch(/-\d+"?$/); // a multipart ETag
    wipeCache(dir);
    const { rmSync } = await import('node:fs');
    rmSync(f, { force: true });
    await pull({ cwd: dir });
    expect(sha(f)).toBe(before);
  });

  it.skipIf(!!noAwsCli)(`aws s3 reads what cairn wrote, and pull accepts what aws s3 cp uploaded${noAwsCli ? ` (skipped: ${noAwsCli})` : ''}`, async () => {
    const { dir, bucket } = await s3Repo({ 'data/a.txt': 'alpha\n', 'data/b/c.txt': 'gamma\n' });
    await push({ cwd: dir });
    const ls = aws(['s3', 'ls', '--recursive', `s3://${bucket}/p/`]);
    expect(ls.code).toBe(0);
    const keys = ls.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).pop()!);
    expect(keys.length).toBe(3);
    const repo = await Repo.open(dir);
    const fileKeys = keys.filter((k) => !k.endsWith('.dir'));
    const bodies = fileKeys.map((k) => aws(['s3', 'cp', `s3://${bucket}/${k}`, '-']).stdout).sort();
    expect(bodies).toEqual(['alpha\n', 'gamma\n']);
    // another bucket filled by aws s3 cp in cairn's layout (which is the cache's layout)
    const other = bucketName('awscp');
    expect(aws(['s3', 'mb', `s3://${other}`]).code).toBe(0);
    expect(aws(['s3', 'cp', '--recursive', '--quiet', join(dir, '.cairn', 'cache', repo.algo), `s3://${other}/x/${repo.algo}/`]).code).toBe(0);
    await remoteAdd({ cwd: dir, name: 'other', url: `s3://${other}/x` });
    await remoteModify({ cwd: dir, name: 'other', key: 'endpoint', value: s3!.endpoint });
    wipeCache(dir);
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'data'), { recursive: true, force: true });
    const r = await pull({ cwd: dir, remote: 'other' });
    expect(r.fetch.transferred).toBe(3);
    expect(readFileSync(join(dir, 'data', 'b', 'c.txt'), 'utf8')).toBe('gamma\n');
  });

  it('the server going away mid-push (a loopback proxy that drops every connection): the rerun completes and sends only what is missing', async () => {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 40; i++) files[`data/f${i}`] = Buffer.alloc(40_000, i);
    const { dir, bucket } = await s3Repo(files);
    const target = new URL(s3!.endpoint);
    // a TCP proxy that forwards to the real server and "stops the server" after ~400 KB
    const sockets = new Set<Socket>();
    let uploaded = 0;
    let server: Server;
    let stopped: Promise<void> | undefined;
    const start = (port: number, limit: number) =>
      new Promise<number>((resolve) => {
        server = createServer((c) => {
          const up = connect(Number(target.port), target.hostname);
          sockets.add(c).add(up);
          c.on('data', (d: Buffer) => {
            uploaded += d.length;
            if (uploaded > limit && !stopped) {
              stopped = new Promise((r) => server.close(() => r()));
              for (const s of sockets) s.destroy();
              return;
            }
            up.write(d);
          });
          up.on('data', (d) => c.write(d));
          const end = () => {
            c.destroy();
            up.destroy();
            sockets.delete(c);
            sockets.delete(up);
          };
          c.on('error', end).on('close', end);
          up.on('error', end).on('close', end);
        });
        server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
      });
    const port = await start(0, 400_000);
    await remoteModify({ cwd: dir, name: 'store', key: 'endpoint', value: `http://127.0.0.1:${port}` });
    await remoteModify({ cwd: dir, name: 'store', key: 'retries', value: '2' });
    await remoteModify({ cwd: dir, name: 'store', key: 'jobs', value: '4' });
    const first = await push({ cwd: dir }).catch((e) => e);
    await stopped;
    // either the push reported failures or (if the bucket check failed) threw
    const firstFailed = first instanceof Error ? true : first.failed.length > 0;
    expect(firstFailed).toBe(true);
    // what actually reached the server, counted independently
    const { S3Client, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const c = client(S3Client);
    const onServer = (await c.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents?.length ?? 0;
    expect(onServer).toBeLessThan(41);
    expect(onServer).toBeGreaterThan(0);
    // "restart the server": the proxy comes back on the same port
    uploaded = 0;
    stopped = undefined;
    await start(port, Number.MAX_SAFE_INTEGER);
    const second = await push({ cwd: dir });
    expect(second.failed).toEqual([]);
    expect(second.transferred).toBe(41 - onServer);
    expect(second.skipped).toBe(onServer);
    expect((await c.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents?.length).toBe(41);
    expect((await cloudStatus({ cwd: dir })).inSync).toBe(true);
    c.destroy();
    await new Promise<void>((r) => server.close(() => r()));
    for (const s of sockets) s.destroy();
  });
});
