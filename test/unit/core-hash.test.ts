import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashBytes, hashFileSync, hasherFactory, HASH_ALGORITHMS } from '../../src/core/hash.js';
import { cleanup, tempDir } from '../helpers.js';

afterEach(cleanup);

describe('hashing (core)', () => {
  it('XXH64 published vectors, seed 0 half', async () => {
    // xxHash reference: XXH64("", 0) = ef46db3751d8e999
    expect((await hashBytes('xxh64x2', '')).slice(0, 16)).toBe('ef46db3751d8e999');
    expect((await hashBytes('xxh64x2', 'abc')).slice(0, 16)).toBe('44bc2cf5ad770999');
  });

  it('md5 and sha256 of the empty input', async () => {
    expect(await hashBytes('md5', '')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(await hashBytes('sha256', '')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it.each(HASH_ALGORITHMS)('%s: a file hashed by hashFileSync equals hashBytes of its content, across chunk boundaries', async (algo) => {
    const d = tempDir();
    const factory = await hasherFactory(algo);
    // 9 MiB + 7 bytes: more than two 4 MiB read chunks and a ragged tail
    const data = Buffer.alloc(9 * 1024 * 1024 + 7);
    for (let i = 0; i < data.length; i += 4096) data.writeUInt32LE((i * 2654435761) >>> 0, i);
    const f = join(d, 'f.bin');
    writeFileSync(f, data);
    const got = hashFileSync(f, factory);
    expect(got.size).toBe(data.length);
    expect(got.id).toBe(await hashBytes(algo, data));
    writeFileSync(f, '');
    expect(hashFileSync(f, factory).id).toBe(await hashBytes(algo, ''));
  });
});
