import { describe, expect, it } from 'vitest';
import { hashBytes } from '../../src/core/hash.js';

describe('hashing', () => {
  it('xxh64x2 of the empty input is the value DESIGN.md fixes', async () => {
    expect(await hashBytes('xxh64x2', '')).toBe('ef46db3751d8e999c4349fc93c010000');
  });
  it('xxh64x2 seed-0 half matches published XXH64 vectors', async () => {
    // XXH64("a", 0) = d24ec4f1a98c6e5b; XXH64("abc", 0) = 44bc2cf5ad770999
    expect((await hashBytes('xxh64x2', 'a')).slice(0, 16)).toBe('d24ec4f1a98c6e5b');
    expect((await hashBytes('xxh64x2', 'abc')).slice(0, 16)).toBe('44bc2cf5ad770999');
  });
  it('md5 and sha256 match known digests', async () => {
    expect(await hashBytes('md5', 'abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(await hashBytes('sha256', 'abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
