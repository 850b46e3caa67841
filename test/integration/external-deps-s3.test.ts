// External dependencies (s3:// objects and prefixes, http(s) URLs) against the real S3 test
// server and a local HTTP server: tracked without downloading, recorded in cairn.lock, shown
// by status, and only the stages whose source changed rerun. import-url / update / get-url.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importUrl } from '../../src/api/import-url.js';
import { getUrl } from '../../src/api/get-url.js';
import { remoteAdd, remoteModify } from '../../src/api/remote.js';
import { repro } from '../../src/api/repro.js';
import { status } from '../../src/api/status.js';
import { update } from '../../src/api/update.js';
import { readLock } from '../../src/repo/lockfile.js';
import { cairn, CLI, cleanup, gen, tempDir, tempRepo } from '../helpers.js';
import { bucketName, client, makeBucket, noS3, s3, useS3Env } from '../s3-helpers.js';

afterEach(cleanup);

/** A `cairn` on PATH (import-url stages run `cairn get-url`). */
function cairnOnPath(): void {
  const bin = tempDir('cairn-bin-');
  writeFileSync(join(bin, 'cairn'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, 'cairn'), 0o755);
  process.env.PATH = `${bin}:${process.env.PATH}`;
}

async function put(bucket: string, key: string, body: string): Promise<void> {
  const c = client(S3Client);
  await c.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  c.destroy();
}

async function s3Repo(files: Record<string, string>) {
  useS3Env();
  const dir = await tempRepo(files);
  const store = bucketName('ext-store');
  await makeBucket(store);
  await remoteAdd({ cwd: dir, name: 'store', url: `s3://${store}/c`, default: true });
  await remoteModify({ cwd: dir, name: 'store', key: 'endpoint', value: s3!.endpoint });
  return dir;
}

const ran = (r: Awaited<ReturnType<typeof repro>>) => r.stages.filter((s) => s.status === 'ran').map((s) => s.id).sort();

describe.skipIf(!!noS3)(`external deps on S3${noS3 ? ` (skipped: ${noS3})` : ''}`, () => {
  it('a new object under a prefix reruns only the stages that depend on it', async () => {
    const data = bucketName('ext-data');
    await makeBucket(data);
    await put(data, 'raw/a.csv', 'x\n1\n');
    await put(data, 'raw/b.csv', 'x\n2\n');
    await put(data, 'ref/labels.csv', 'l\n');
    const stamp = `node -e "require('fs').writeFileSync(process.argv[1], String(process.hrtime.bigint()))"`;
    const dir = await s3Repo({
      'cairn.yaml': `stages:
  count:
    cmd: ${stamp} count.txt
    deps: ['s3://${data}/raw/']
    outs: [count.txt]
  summary:
    cmd: ${stamp} summary.txt
    deps: [count.txt]
    outs: [summary.txt]
  labels:
    cmd: ${stamp} labels.txt
    deps: ['s3://${data}/ref/labels.csv']
    outs: [labels.txt]
`,
    });
    expect(ran(await repro({ cwd: dir }))).toEqual(['count', 'labels', 'summary']);
    const lock = readLock(join(dir, 'cairn.lock'), dir)!;
    expect(lock.stages.count!.external).toEqual([expect.objectContaining({ path: `s3://${data}/raw/`, external: 's3-prefix', nfiles: 2, size: 8 })]);
    expect(lock.stages.labels!.external![0]).toMatchObject({ external: 's3', size: 2, etag: expect.stringMatching(/^"/) });
    expect(readFileSync(join(dir, 'cairn.lock'), 'utf8')).toContain(`external: s3-prefix`);
    expect(ran(await repro({ cwd: dir }))).toEqual([]);
    expect((await status({ cwd: dir })).pipeline!.changed).toEqual([]);

    await put(data, 'raw/c.csv', 'x\n3\n');
    const st = await status({ cwd: dir });
    expect(st.pipeline!.changed).toEqual(['count']);
    expect(st.pipeline!.stages.find((s) => s.id === 'count')!.deps).toEqual([{ path: `s3://${data}/raw/`, change: 'modified' }]);
    const r = await repro({ cwd: dir });
    expect(ran(r)).toEqual(['count', 'summary']);
    expect(r.stages.find((s) => s.id === 'labels')!.status).toBe('skipped');
    expect(readLock(join(dir, 'cairn.lock'), dir)!.stages.count!.external![0]!.nfiles).toBe(3);

    // a changed object (same key) is a change too; the CLI says so in status
    await put(data, 'ref/labels.csv', 'l\nm\n');
    const cli = cairn(dir, ['status']);
    expect(cli.stdout).toContain(`modified: s3://${data}/ref/labels.csv`);
    expect(ran(await repro({ cwd: dir }))).toEqual(['labels']);
  });

  it('import-url downloads an object and a prefix into tracked outputs; update refreshes only what changed', async () => {
    cairnOnPath();
    const data = bucketName('ext-imp');
    await makeBucket(data);
    await put(data, 'models/base.bin', 'v1');
    await put(data, 'set/one.txt', '1');
    await put(data, 'set/sub/two.txt', '2');
    const dir = await s3Repo({});
    const a = await importUrl({ cwd: dir, url: `s3://${data}/models/base.bin`, path: 'models/base.bin' });
    expect(a).toMatchObject({ stage: 'import-base.bin', status: 'ran' });
    expect(readFileSync(join(dir, 'models/base.bin'), 'utf8')).toBe('v1');
    const b = await importUrl({ cwd: dir, url: `s3://${data}/set/`, path: 'data/set' });
    expect(b.status).toBe('ran');
    expect(readFileSync(join(dir, 'data/set/sub/two.txt'), 'utf8')).toBe('2');
    expect(readFileSync(join(dir, 'cairn.yaml'), 'utf8')).toContain(`cairn get-url 's3://${data}/set/' 'data/set'`);
    expect(readFileSync(join(dir, 'data/.gitignore'), 'utf8')).toContain('set');

    expect((await update({ cwd: dir, targets: ['models/base.bin', 'data/set'] })).stages.map((s) => s.status)).toEqual(['skipped', 'skipped']);
    await put(data, 'set/three.txt', '3');
    const u = await update({ cwd: dir, targets: ['models/base.bin', 'data/set'] });
    expect(u.stages.map((s) => [s.id, s.status])).toEqual([
      ['import-base.bin', 'skipped'],
      ['import-set', 'ran'],
    ]);
    expect(readFileSync(join(dir, 'data/set/three.txt'), 'utf8')).toBe('3');

    // refusals: existing path, path outside the repo, credentials in the URL, unknown target
    await expect(importUrl({ cwd: dir, url: `s3://${data}/models/base.bin`, path: 'models/base.bin', name: 'again' })).rejects.toMatchObject({ code: 'CAIRN_USAGE' });
    await expect(importUrl({ cwd: dir, url: `s3://${data}/models/base.bin`, path: '../escape.bin' })).rejects.toMatchObject({ code: 'CAIRN_BAD_PATH' });
    await expect(importUrl({ cwd: dir, url: `s3://${data}/models/base.bin`, path: '.git/hooks/x' })).rejects.toMatchObject({ code: 'CAIRN_BAD_PATH' });
    const creds = cairn(dir, ['import-url', 'https://bob:hunter2secret@example.com/x.csv', 'x.csv']);
    expect(creds.code).toBe(2);
    expect(creds.stderr).toContain('bob:***@example.com');
    expect(creds.stderr).not.toContain('hunter2secret');
    await expect(update({ cwd: dir, targets: ['cairn.yaml'] })).rejects.toMatchObject({ code: 'CAIRN_BAD_TARGET' });
    // a size cap holds
    await expect(getUrl({ cwd: dir, url: `s3://${data}/set/`, path: 'capped', maxSize: 2 })).rejects.toMatchObject({ code: 'CAIRN_FAILED' });
    expect(existsSync(join(dir, 'capped'))).toBe(false);
    // a hostile listing: keys that climb out of the target folder (the server stores them as is)
    for (const [k, body] of [['evil/ok.txt', 'ok'], ['evil/../../escaped.txt', 'x'], ['evil//abs.txt', 'y']] as const) await put(data, k, body);
    await expect(getUrl({ cwd: dir, url: `s3://${data}/evil/`, path: 'evil' })).rejects.toMatchObject({ code: 'CAIRN_BAD_PATH', message: expect.stringContaining('outside the target folder') });
    expect(existsSync(join(dir, 'evil'))).toBe(false);
    expect(existsSync(join(dir, '..', 'escaped.txt'))).toBe(false);
  });
});

describe('external deps over HTTP (local server)', () => {
  let server: Server;
  let base = '';
  const state = { etag: '"v1"' as string | undefined, lastModified: undefined as string | undefined, body: 'a,b\n1,2\n', heads: 0, gets: 0 };
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/missing.csv') {
        res.writeHead(404).end();
        return;
      }
      const h: Record<string, string> = { 'content-length': String(Buffer.byteLength(state.body)) };
      if (state.etag) h.etag = state.etag;
      if (state.lastModified) h['last-modified'] = state.lastModified;
      res.writeHead(200, h);
      if (req.method === 'HEAD') {
        state.heads++;
        res.end();
      } else {
        state.gets++;
        res.end(state.body);
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('tracks by ETag (HEAD only), then by Last-Modified; a server that sends neither is refused', async () => {
    const stamp = `node -e "require('fs').writeFileSync('out.txt', String(process.hrtime.bigint()))"`;
    const dir = await tempRepo({ 'cairn.yaml': `stages:\n  s:\n    cmd: ${stamp}\n    deps: ['${base}/data.csv']\n    outs: [out.txt]\n` });
    state.etag = '"v1"';
    const gets = state.gets;
    expect(ran(await repro({ cwd: dir }))).toEqual(['s']);
    expect(ran(await repro({ cwd: dir }))).toEqual([]);
    expect(state.gets).toBe(gets); // never downloaded
    expect(readLock(join(dir, 'cairn.lock'), dir)!.stages.s!.external![0]).toMatchObject({ external: 'http', etag: '"v1"', size: 8 });
    state.etag = '"v2"';
    expect((await status({ cwd: dir })).pipeline!.changed).toEqual(['s']);
    expect(ran(await repro({ cwd: dir }))).toEqual(['s']);
    state.etag = undefined;
    state.lastModified = 'Wed, 02 Dec 2026 07:00:00 GMT';
    expect(ran(await repro({ cwd: dir }))).toEqual(['s']);
    expect(ran(await repro({ cwd: dir }))).toEqual([]);
    state.lastModified = undefined;
    await expect(repro({ cwd: dir })).rejects.toMatchObject({ code: 'CAIRN_REMOTE', message: expect.stringContaining('neither ETag nor Last-Modified') });
    state.etag = '"v3"';
  });

  it('get-url downloads with a size cap; plain http is refused for non-loopback hosts; a 404 is a missing dep', async () => {
    state.etag = '"v3"';
    const dir = await tempRepo({});
    expect(await getUrl({ cwd: dir, url: `${base}/data.csv`, path: 'd/data.csv' })).toMatchObject({ files: 1, bytes: 8 });
    expect(readFileSync(join(dir, 'd/data.csv'), 'utf8')).toBe(state.body);
    await expect(getUrl({ cwd: dir, url: `${base}/data.csv`, path: 'big.csv', maxSize: 4 })).rejects.toMatchObject({ code: 'CAIRN_FAILED', message: expect.stringContaining('limit') });
    expect(existsSync(join(dir, 'big.csv'))).toBe(false);
    gen(dir, { 'cairn.yaml': `stages:\n  s:\n    cmd: echo\n    deps: ['http://example.com/data.csv']\n    outs: [o]\n` });
    const r = cairn(dir, ['repro']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cairn\.yaml:4.*plain http is accepted only for loopback/);
    gen(dir, { 'cairn.yaml': `stages:\n  s:\n    cmd: echo\n    deps: ['${base}/missing.csv']\n    outs: [o]\n` });
    const st = await status({ cwd: dir });
    expect(st.pipeline!.stages[0]!.deps).toEqual([{ path: `${base}/missing.csv`, change: 'missing' }]);
    await expect(repro({ cwd: dir })).rejects.toMatchObject({ code: 'CAIRN_NOT_FOUND' });
    mkdirSync(join(dir, 'x'), { recursive: true });
  });
});
