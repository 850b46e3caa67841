// vitest globalSetup: a real S3 server on loopback for the remote tests.
//  1. CAIRN_TEST_S3_ENDPOINT set: use that running server (CI may start it first);
//     CAIRN_TEST_S3_KIND says what it is (default 'ceph').
//  2. `radosgw` on PATH: start Ceph RGW through scripts/s3-server.sh on free ports with a
//     CEPH_DIR unique to this run, and stop it at teardown.
//  3. otherwise: s3rver in process, announced loudly: it is a fake (no signature checks,
//     no pagination without --openssl-legacy-provider), so tests needing a real server skip.
// Runs that name only non-remote test files start nothing. CAIRN_TEST_S3_SERVER=s3rver
// forces the fallback (to check the suite still behaves under it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export interface S3TestServer {
  endpoint: string;
  kind: 'ceph' | 's3rver' | 'external';
  key: string;
  secret: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    s3: S3TestServer | null;
  }
}

const KEY = process.env.S3_KEY ?? 'AKIACI0000000000TEST';
const SECRET = process.env.S3_SECRET ?? 'ci-secret-key-0000000000000000000000000';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function wanted(): boolean {
  if (process.env.CAIRN_TEST_S3 === 'off') return false;
  const filters = process.argv.slice(2).filter((a) => !a.startsWith('-') && a !== 'run' && a !== 'watch' && /[/.]|test/.test(a));
  return filters.length === 0 || filters.some((f) => /remote|s3/i.test(f));
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  if (process.env.CAIRN_TEST_S3_ENDPOINT) {
    project.provide('s3', {
      endpoint: process.env.CAIRN_TEST_S3_ENDPOINT,
      kind: (process.env.CAIRN_TEST_S3_KIND as S3TestServer['kind']) ?? 'ceph',
      key: KEY,
      secret: SECRET,
    });
    return;
  }
  if (!wanted()) {
    project.provide('s3', null);
    return;
  }
  if (onPath('radosgw') && process.env.CAIRN_TEST_S3_SERVER !== 's3rver') {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-test-ceph-'));
    const port = await freePort();
    const env = {
      ...process.env,
      CEPH_DIR: dir,
      RGW_PORT: String(port),
      MON_PORT: String(await freePort()),
      MON_V1_PORT: String(await freePort()),
      MEMSTORE_BYTES: String(3 * 1024 ** 3),
      S3_KEY: KEY,
      S3_SECRET: SECRET,
    };
    const script = join(import.meta.dirname, '..', 'scripts', 's3-server.sh');
    const r = spawnSync('bash', [script, 'start'], { env, encoding: 'utf8', timeout: 180_000 });
    if (r.status !== 0) {
      spawnSync('bash', [script, 'stop'], { env });
      throw new Error(`scripts/s3-server.sh start failed (logs in ${dir}/log):\n${r.stdout}\n${r.stderr}`);
    }
    process.stderr.write(`[cairn tests] Ceph RGW started on http://127.0.0.1:${port} (${dir})\n`);
    project.provide('s3', { endpoint: `http://127.0.0.1:${port}`, kind: 'ceph', key: KEY, secret: SECRET });
    return async () => {
      spawnSync('bash', [script, 'stop'], { env });
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const { default: S3rver } = (await import('s3rver')) as unknown as { default: new (o: Record<string, unknown>) => { run(): Promise<{ port: number }>; close(): Promise<void> } };
  const dir = mkdtempSync(join(tmpdir(), 'cairn-test-s3rver-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, resetOnClose: true });
  const { port } = await server.run();
  process.stderr.write(
    `\n[cairn tests] WARNING: radosgw is not installed, so the remote tests run against s3rver, a FAKE S3 server\n` +
      `[cairn tests] (no signature checks, no pagination). Tests that need a real server are skipped.\n` +
      `[cairn tests] Install Ceph RGW (see scripts/s3-server.sh) or set CAIRN_TEST_S3_ENDPOINT for full coverage.\n\n`,
  );
  // s3rver knows one account, S3RVER/S3RVER
  project.provide('s3', { endpoint: `http://127.0.0.1:${port}`, kind: 's3rver', key: 'S3RVER', secret: 'S3RVER' });
  return async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  };
}
