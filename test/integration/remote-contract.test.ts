// One contract every remote kind passes: folder and S3 (the real test server).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CairnError } from '../../src/core/errors.js';
import { FolderRemote } from '../../src/remote/folder.js';
import type { Remote } from '../../src/remote/remote.js';
import { S3Remote } from '../../src/remote/s3.js';
import { runPool } from '../../src/remote/pool.js';
import { cleanup, tempDir } from '../helpers.js';
import { bucketName, makeBucket, noS3, notRealS3, s3, useS3Env } from '../s3-helpers.js';

interface Kind {
  name: string;
  skip?: string;
  /** a new empty remote */
  make(): Promise<Remote>;
  /** skip reason for tests needing a real server */
  real?: string;
}

const kinds: Kind[] = [
  { name: 'folder', make: async () => new FolderRemote('test', tempDir('cairn-remote-')) },
  {
    name: 's3',
    skip: noS3,
    real: notRealS3,
    make: async () => {
      useS3Env();
      const b = bucketName('contract');
      await makeBucket(b);
      return new S3Remote({ url: `s3://${b}/some/prefix`, bucket: b, prefix: 'some/prefix', endpoint: s3!.endpoint, pathStyle: true, jobs: 8 });
    },
  },
];

afterEach(cleanup);

for (const kind of kinds) {
  describe.skipIf(!!kind.skip)(`Remote contract: ${kind.name}${kind.skip ? ` (skipped: ${kind.skip})` : ''}`, () => {
    let r: Remote;
    beforeAll(async () => {
      r = await kind.make();
      await r.ready();
    });
    afterAll(async () => r?.close());

    it('put bytes and files, get them back byte for byte', async () => {
      const dir = tempDir();
      await r.put('xxh64x2/aa/one', { bytes: Buffer.from('hello'), size: 5 });
      const src = join(dir, 'src');
      const data = Buffer.alloc(300_000, 7);
      writeFileSync(src, data);
      await r.put('xxh64x2/ab/two', { file: src, size: data.length });
      const dst = join(dir, 'dst');
      expect(await r.get('xxh64x2/aa/one', dst)).toBe(5);
      expect(readFileSync(dst, 'utf8')).toBe('hello');
      expect(await r.get('xxh64x2/ab/two', dst)).toBe(data.length);
      expect(readFileSync(dst).equals(data)).toBe(true);
      // overwrite replaces
      await r.put('xxh64x2/aa/one', { bytes: Buffer.from('bye'), size: 3 });
      await r.get('xxh64x2/aa/one', dst);
      expect(readFileSync(dst, 'utf8')).toBe('bye');
    });

    it('an empty object and one spanning several download ranges', async () => {
      const dir = tempDir();
      await r.put('xxh64x2/00/empty', { bytes: Buffer.alloc(0), size: 0 });
      const dst = join(dir, 'dst');
      expect(await r.get('xxh64x2/00/empty', dst)).toBe(0);
      expect(readFileSync(dst).length).toBe(0);
      const big = Buffer.alloc(37 * 1024 * 1024 + 5);
      for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) & 0xff;
      const src = join(dir, 'big');
      writeFileSync(src, big);
      await r.put('xxh64x2/01/big', { file: src, size: big.length });
      expect(await r.get('xxh64x2/01/big', dst)).toBe(big.length);
      expect(readFileSync(dst).equals(big)).toBe(true);
    });

    it('existsMany answers for few and many keys (HEADs and listings)', async () => {
      const keys = Array.from({ length: 40 }, (_, i) => `xxh64x2/c${i % 4}/k${i}`);
      await runPool(keys.map((k) => () => r.put(k, { bytes: Buffer.from(k), size: k.length })), 8);
      const asked = [...keys.slice(0, 20), 'xxh64x2/c0/none', 'xxh64x2/ff/none', 'runs/00/none'];
      const found = await r.existsMany(asked);
      expect([...found].sort()).toEqual(keys.slice(0, 20).sort());
      const few = await r.existsMany([keys[0]!, 'xxh64x2/zz/nope']);
      expect([...few]).toEqual([keys[0]]);
      expect((await r.existsMany([])).size).toBe(0);
    });

    it('lists a prefix and deletes many', async () => {
      const keys = ['runs/ab/1', 'runs/ab/2', 'runs/cd/3'];
      for (const k of keys) await r.put(k, { bytes: Buffer.from('x'), size: 1 });
      const listed: string[] = [];
      for await (const k of r.list('runs/')) listed.push(k);
      expect(listed.sort()).toEqual(keys);
      await r.deleteMany(['runs/ab/1', 'runs/cd/3']);
      const after: string[] = [];
      for await (const k of r.list('runs/')) after.push(k);
      expect(after).toEqual(['runs/ab/2']);
    });

    it('get of a missing object is CAIRN_NOT_FOUND naming the key', async () => {
      const dst = join(tempDir(), 'x');
      await expect(r.get('xxh64x2/ee/missing', dst)).rejects.toSatisfy((e: unknown) => e instanceof CairnError && e.code === 'CAIRN_NOT_FOUND' && e.message.includes('xxh64x2/ee/missing'));
    });

    it.skipIf(!!kind.real)(`lists and checks more than 1000 keys in one prefix (pagination)${kind.real ? ` (skipped: ${kind.real})` : ''}`, async () => {
      const keys = Array.from({ length: 1100 }, (_, i) => `xxh64x2/dd/${String(i).padStart(5, '0')}`);
      await runPool(keys.map((k) => () => r.put(k, { bytes: Buffer.from('p'), size: 1 })), 16);
      const listed: string[] = [];
      for await (const k of r.list('xxh64x2/dd/')) listed.push(k);
      expect(listed.length).toBe(1100);
      const found = await r.existsMany(keys);
      expect(found.size).toBe(1100);
    });
  });
}
