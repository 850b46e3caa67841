// push / fetch / pull / status --cloud against both remote kinds, through the api.
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { add } from '../../src/api/add.js';
import { status } from '../../src/api/status.js';

const cloudStatus = async (o: { cwd: string }) => (await status({ ...o, cloud: true })).cloud!;
import { fetch } from '../../src/api/fetch.js';
import { pull } from '../../src/api/pull.js';
import { push } from '../../src/api/push.js';
import { remoteAdd, remoteModify } from '../../src/api/remote.js';
import { transferError } from '../../src/remote/selection.js';
import { writeRunEntry, listRunEntries } from '../../src/cache/run-cache.js';
import { CairnError } from '../../src/core/errors.js';
import { hashBytes } from '../../src/core/hash.js';
import { objectKey } from '../../src/core/ids.js';
import { serializeManifest } from '../../src/core/manifest.js';
import { pushObjects } from '../../src/remote/transfer.js';
import { openRemote, remoteSpec } from '../../src/remote/open.js';
import type { Remote } from '../../src/remote/remote.js';
import { writeLock } from '../../src/repo/lockfile.js';
import { Repo } from '../../src/repo/repo.js';
import { cleanup, gen, tempDir, tempRepo } from '../helpers.js';
import { bucketName, client, makeBucket, noS3, s3, useS3Env } from '../s3-helpers.js';

afterEach(cleanup);

interface Kind {
  name: string;
  skip?: string;
  /** configure a fresh remote named 'store' as the default in repo `dir` */
  setup(dir: string): Promise<void>;
  /** overwrite an object on the remote with other bytes */
  overwrite(dir: string, key: string, bytes: Buffer): Promise<void>;
}

const folderRoots = new Map<string, string>();
const buckets = new Map<string, string>();

const kinds: Kind[] = [
  {
    name: 'folder',
    async setup(dir) {
      const root = join(tempDir('cairn-store-'), 'store');
      folderRoots.set(dir, root);
      await remoteAdd({ cwd: dir, name: 'store', url: root, default: true, create: true });
    },
    async overwrite(dir, key, bytes) {
      const p = join(folderRoots.get(dir)!, key);
      if (existsSync(p)) chmodSync(p, 0o644);
      mkdirSync(join(p, '..'), { recursive: true });
      writeFileSync(p, bytes);
    },
  },
  {
    name: 's3',
    skip: noS3,
    async setup(dir) {
      useS3Env();
      const b = bucketName('pp');
      await makeBucket(b);
      buckets.set(dir, b);
      await remoteAdd({ cwd: dir, name: 'store', url: `s3://${b}/team/data`, default: true });
      await remoteModify({ cwd: dir, name: 'store', key: 'endpoint', value: s3!.endpoint });
    },
    async overwrite(dir, key, bytes) {
      const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
      const c = client(S3Client);
      await c.send(new PutObjectCommand({ Bucket: buckets.get(dir)!, Key: `team/data/${key}`, Body: bytes }));
      c.destroy();
    },
  },
];

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(d, e.name), r);
      else out[r] = readFileSync(join(d, e.name), 'latin1');
    }
  };
  walk(dir, '');
  return out;
}

async function repoWithData(kind: Kind, files: Record<string, string | Buffer> = { 'data/a.txt': 'alpha', 'data/sub/b.txt': 'beta', 'data/sub/c.bin': Buffer.alloc(70_000, 3) }) {
  const dir = await tempRepo(files);
  await add({ cwd: dir, targets: ['data'] });
  gen(dir, { 'model.bin': Buffer.alloc(1234, 9) });
  await add({ cwd: dir, targets: ['model.bin'] });
  await kind.setup(dir);
  return dir;
}

function wipe(dir: string, ...paths: string[]) {
  const cache = join(dir, '.cairn', 'cache');
  for (const p of [cache, ...paths.map((x) => join(dir, x))]) {
    if (!existsSync(p)) continue;
    const chmodAll = (d: string) => {
      chmodSync(d, 0o755);
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) chmodAll(join(d, e.name));
        else chmodSync(join(d, e.name), 0o644);
      }
    };
    try {
      chmodAll(p);
    } catch {
      /* a file */
    }
    rmSync(p, { recursive: true, force: true });
  }
}

/** A remote that fails every put after `okPuts` successful ones. */
function failingAfter(inner: Remote, okPuts: number): Remote {
  let n = 0;
  return new Proxy(inner, {
    get(t, prop, recv) {
      if (prop === 'put') {
        return async (key: string, src: Parameters<Remote['put']>[1]) => {
          if (++n > okPuts) throw new CairnError('CAIRN_REMOTE', `injected failure uploading ${key}`);
          return t.put(key, src);
        };
      }
      const v = Reflect.get(t, prop, recv);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}

for (const kind of kinds) {
  describe.skipIf(!!kind.skip)(`push/pull: ${kind.name}${kind.skip ? ` (skipped: ${kind.skip})` : ''}`, () => {
    it('push, status in sync, wipe, pull restores bytes; a second push sends nothing', async () => {
      const dir = await repoWithData(kind);
      const before = tree(join(dir, 'data'));
      const st0 = await cloudStatus({ cwd: dir });
      expect(st0.targets.map((t) => t.status)).toEqual(['local-only', 'local-only']);
      const p = await push({ cwd: dir });
      expect(p.failed).toEqual([]);
      expect(p.transferred).toBe(5); // 3 files + manifest + model
      expect(transferError(p, 'push')).toBeUndefined();
      const st = await cloudStatus({ cwd: dir });
      expect(st.inSync).toBe(true);
      const again = await push({ cwd: dir });
      expect(again.transferred).toBe(0);
      expect(again.skipped).toBe(5);

      wipe(dir, 'data', 'model.bin');
      const st2 = await cloudStatus({ cwd: dir });
      expect(st2.targets.every((t) => t.status === 'remote-only')).toBe(true);
      const r = await pull({ cwd: dir });
      expect(r.fetch.transferred).toBe(5);
      expect(tree(join(dir, 'data'))).toEqual(before);
      expect(readFileSync(join(dir, 'model.bin')).equals(Buffer.alloc(1234, 9))).toBe(true);
      expect((await cloudStatus({ cwd: dir })).inSync).toBe(true);
      expect((await fetch({ cwd: dir })).transferred).toBe(0);
    });

    it('a directory with 2,000 files round-trips', async () => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 2000; i++) files[`big/d${i % 20}/f${i}.txt`] = `file ${i}\n`;
      const dir = await tempRepo(files);
      await add({ cwd: dir, targets: ['big'] });
      await kind.setup(dir);
      const p = await push({ cwd: dir });
      expect(p.transferred).toBe(2001);
      wipe(dir, 'big');
      const r = await pull({ cwd: dir });
      expect(r.fetch.transferred).toBe(2001);
      expect(tree(join(dir, 'big'))).toEqual(Object.fromEntries(Object.entries(files).map(([k, v]) => [k.slice(4), v])));
    });

    it('an object corrupted on the remote is rejected on pull (exit 5), never cached or checked out', async () => {
      const dir = await repoWithData(kind);
      await push({ cwd: dir });
      const repo = await Repo.open(dir);
      const id = await hashBytes(repo.algo, 'beta');
      await kind.overwrite(dir, objectKey(repo.algo, id), Buffer.from('evil'));
      wipe(dir, 'data');
      const err = await pull({ cwd: dir }).catch((e) => e);
      expect(err).toBeInstanceOf(CairnError);
      expect(err.exitCode).toBe(5);
      expect(err.message).toContain(objectKey(repo.algo, id));
      expect(err.message).toContain('data/sub/b.txt');
      expect(existsSync(join(dir, 'data'))).toBe(false);
      expect(repo.cache.has(id)).toBe(false);
      expect(readdirSync(join(dir, '.cairn', 'tmp')).filter((f) => f.startsWith('fetch.'))).toEqual([]);
    });

    it('a truncated download is rejected', async () => {
      const dir = await repoWithData(kind);
      await push({ cwd: dir });
      const repo = await Repo.open(dir);
      const full = Buffer.alloc(70_000, 3);
      const id = await hashBytes(repo.algo, full);
      await kind.overwrite(dir, objectKey(repo.algo, id), full.subarray(0, 1000));
      wipe(dir, 'data');
      const f = await fetch({ cwd: dir });
      expect(f.failed.map((x) => x.code)).toEqual(['CAIRN_INTEGRITY']);
      expect(f.failed[0]!.message).toContain('truncated');
      expect(transferError(f, 'fetch')!.exitCode).toBe(5);
      expect(repo.cache.has(id)).toBe(false);
      expect(f.incompleteDirs.length).toBe(1); // its manifest did not enter the cache either
    });

    it("a hostile manifest with '../../x' is rejected and nothing is written outside", async () => {
      const dir = await repoWithData(kind);
      await push({ cwd: dir });
      const repo = await Repo.open(dir);
      // a name no other test or checkout can have made beside the temp repo
      const escape = `cairn-escape-${basename(dir)}`;
      const fileId = await hashBytes(repo.algo, 'alpha');
      const bytes = serializeManifest([{ relpath: `../../${escape}`, hash: fileId, size: 5, isexec: false }]);
      const dirId = (await hashBytes(repo.algo, bytes)) + '.dir';
      await kind.overwrite(dir, objectKey(repo.algo, dirId), bytes);
      writeFileSync(join(dir, 'data.cairn'), `outs:\n  - path: data\n    hash: ${repo.algo}\n    id: ${dirId}\n    size: 5\n    nfiles: 1\n`);
      wipe(dir, 'data');
      const err = await pull({ cwd: dir }).catch((e) => e);
      expect(err).toBeInstanceOf(CairnError);
      expect(err.exitCode).toBe(5);
      expect(err.message).toContain(`../../${escape}`);
      expect(repo.cache.has(dirId)).toBe(false);
      expect(existsSync(join(dir, '..', escape))).toBe(false);
    });

    it("an upload failing midway leaves its directory's manifest unpushed; the rerun sends only what is missing", async () => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 30; i++) files[`ds/f${i}`] = `content ${i}`;
      const dir = await tempRepo(files);
      await add({ cwd: dir, targets: ['ds'] });
      await kind.setup(dir);
      const repo = await Repo.open(dir);
      const real = await openRemote(remoteSpec(repo.config), repo.root, 4);
      const items = [{ path: 'ds', id: (await cloudStatus({ cwd: dir })).targets[0]!.id }];
      const r1 = await pushObjects(repo, failingAfter(real, 12), items, { jobs: 4 });
      expect(r1.transferred).toBe(12);
      expect(r1.failed.length).toBe(18);
      expect(r1.incompleteDirs).toEqual([{ id: items[0]!.id, path: 'ds' }]);
      expect((await real.existsMany([objectKey(repo.algo, items[0]!.id)])).size).toBe(0);
      const st = await cloudStatus({ cwd: dir });
      expect(st.targets[0]!.status).toBe('local-only');
      const r2 = await push({ cwd: dir });
      expect(r2.transferred).toBe(18 + 1);
      expect(r2.skipped).toBe(12);
      expect((await cloudStatus({ cwd: dir })).inSync).toBe(true);
      await real.close();
    });

    it('a new version of a pushed directory checks only its new files (known directories)', async () => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 200; i++) files[`ds/f${i}`] = `v1 ${i}`;
      const dir = await tempRepo(files);
      await add({ cwd: dir, targets: ['ds'] });
      await kind.setup(dir);
      await push({ cwd: dir });
      gen(dir, { 'ds/new1': 'n1', 'ds/new2': 'n2' });
      await add({ cwd: dir, targets: ['ds'] });
      const p = await push({ cwd: dir });
      expect(p.transferred).toBe(3);
      expect(p.skipped).toBe(200);
      // the old manifest: one check; the 2 new files: at most 2; plus the new manifest
      expect(p.requests.heads + p.requests.lists).toBeLessThanOrEqual(4);
    });

    it('--run-cache pushes and pulls run-cache entries with their outputs', async () => {
      const dir = await repoWithData(kind);
      const repo = await Repo.open(dir);
      const outBytes = Buffer.from('model weights v7');
      gen(dir, { 'out.bin': outBytes });
      const id = repo.cache.putFile(join(dir, 'out.bin')).id;
      const key = 'ab'.padEnd(64, '0');
      writeRunEntry(repo.cache.dir, key, { cmd: 'node train.js', deps: [], params: {}, outs: [{ path: 'out.bin', hash: repo.algo, id, size: outBytes.length }] });
      const p = await push({ cwd: dir, runCache: true });
      expect(p.runs).toEqual({ transferred: 1, skipped: 0, failed: 0 });
      expect((await push({ cwd: dir, runCache: true })).runs).toEqual({ transferred: 0, skipped: 1, failed: 0 });
      wipe(dir);
      const f = await fetch({ cwd: dir, runCache: true });
      expect(f.runs).toEqual({ transferred: 1, skipped: 0, failed: 0 });
      expect(listRunEntries(join(dir, '.cairn', 'cache')).map((e) => e.key)).toEqual([key]);
      expect((await Repo.open(dir)).cache.has(id)).toBe(true);
    });

    it('pipeline outputs in cairn.lock are pushed and fetched; cache: false outputs are left to git', async () => {
      const dir = await tempRepo({
        'cairn.yaml': 'stages:\n  train:\n    cmd: node train.js\n    outs:\n      - model.bin\n      - report.txt:\n          cache: false\n',
        'model.bin': 'weights',
        'report.txt': 'accuracy 0.9',
      });
      await kind.setup(dir);
      const repo = await Repo.open(dir);
      const model = repo.cache.putFile(join(dir, 'model.bin')).id;
      const report = await hashBytes(repo.algo, 'accuracy 0.9');
      writeLock(join(dir, 'cairn.lock'), {
        stages: {
          train: {
            cmd: 'node train.js',
            deps: [],
            params: {},
            outs: [
              { path: 'model.bin', hash: repo.algo, id: model, size: 7 },
              { path: 'report.txt', hash: repo.algo, id: report, size: 12 },
            ],
          },
        },
      });
      const p = await push({ cwd: dir });
      expect(p).toMatchObject({ transferred: 1, missing: [], failed: [] });
      expect((await cloudStatus({ cwd: dir })).targets.map((t) => [t.path, t.status])).toEqual([['model.bin', 'in-sync']]);
      wipe(dir);
      const pl = await pull({ cwd: dir, targets: ['model.bin'] });
      expect(pl.fetch).toMatchObject({ transferred: 1, missing: [], failed: [] });
      // checkout handles stage outputs too: the workspace file already matches the lock
      expect(pl.checkout.targets).toEqual([expect.objectContaining({ path: 'model.bin', pointerFile: 'cairn.lock:train', status: 'unchanged' })]);
      expect((await Repo.open(dir)).cache.has(model)).toBe(true);
    });

    it('status --cloud says missing when an object is nowhere; push reports it (exit 1)', async () => {
      const dir = await repoWithData(kind);
      wipe(dir);
      const st = await cloudStatus({ cwd: dir });
      expect(st.targets.map((t) => t.status)).toEqual(['missing', 'missing']);
      const p = await push({ cwd: dir });
      expect(p.missing.length).toBe(2);
      const err = transferError(p, 'push')!;
      expect(err.exitCode).toBe(1);
      expect(err.message).toContain('model.bin');
    });
  });
}
