// A small seeded PRNG, so a bootstrap is reproducible from the seed in the report on any
// machine and Node version: xoshiro128** 1.1 (Blackman & Vigna), period 2^128 - 1, its
// 128-bit state filled from the 32-bit seed by splitmix32.

export interface Rng {
  /** next uniform 32-bit unsigned integer */
  nextU32(): number;
  /** uniform integer in [0, n), n <= 2^32 (multiply-high: bias below n / 2^32) */
  below(n: number): number;
  /** uniform double in [0, 1) with 53 random bits */
  uniform(): number;
  /** add `draws` uniform picks from [0, w.length) into w as counts (one bootstrap resample) */
  fillCounts(w: Uint32Array, draws: number): void;
  /** fill out with uniform picks from [0, range): the same stream as below() */
  fillIndices(out: Uint32Array, range: number): void;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** xoshiro128** seeded from a non-negative integer (seeds differing above 2^32 are folded). */
export function xoshiro128(seed: number): Rng {
  if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  const sm = splitmix32((seed >>> 0) ^ Math.floor(seed / 2 ** 32));
  return xoshiro128FromState([sm(), sm(), sm(), sm()]);
}

/** The generator from an explicit 128-bit state (for the reference test vectors). */
export function xoshiro128FromState(state: readonly [number, number, number, number]): Rng {
  let [a, b, c, d] = state.map((x) => x >>> 0) as [number, number, number, number];
  if ((a | b | c | d) === 0) a = 1; // the all-zero state is the one fixed point
  const nextU32 = (): number => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return r;
  };
  // the bootstrap's inner loop: the generator step inlined, ~4x faster than calling nextU32
  const fillCounts = (w: Uint32Array, draws: number): void => {
    const scale = w.length / 4294967296;
    let s0 = a;
    let s1 = b;
    let s2 = c;
    let s3 = d;
    for (let k = 0; k < draws; k++) {
      const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      w[Math.floor(r * scale)]!++;
    }
    a = s0;
    b = s1;
    c = s2;
    d = s3;
  };
  const fillIndices = (out: Uint32Array, range: number): void => {
    const scale = range / 4294967296;
    let s0 = a;
    let s1 = b;
    let s2 = c;
    let s3 = d;
    for (let k = 0; k < out.length; k++) {
      const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      out[k] = Math.floor(r * scale);
    }
    a = s0;
    b = s1;
    c = s2;
    d = s3;
  };
  return {
    nextU32,
    fillCounts,
    fillIndices,
    below: (n) => Math.floor(nextU32() * (n / 4294967296)),
    uniform: () => ((nextU32() >>> 5) * 67108864 + (nextU32() >>> 6)) / 9007199254740992,
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
