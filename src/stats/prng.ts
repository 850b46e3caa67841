// A small seeded PRNG, so a bootstrap is reproducible from the seed in the report on any
// machine and Node version: xoshiro128** 1.1 (Blackman & Vigna), period 2^128 - 1, its
// 128-bit state filled from the 32-bit seed by splitmix32.
import { lnGamma } from './special.js';

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
  /** the 128-bit state, for loops that inline the generator (xoshiro128FromState continues it) */
  state(): [number, number, number, number];
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

/**
 * Independent generator number `stream` for a seed (splitmix32 over the seed mixed with the
 * stream number): the bootstrap gives resample b its own stream, so any split of the resamples
 * over threads draws the same numbers.
 */
export function xoshiro128Stream(seed: number, stream: number): Rng {
  return xoshiro128FromState(streamState(seed, stream));
}

/** The initial state of xoshiro128Stream(seed, stream), for loops that inline the generator. */
export function streamState(seed: number, stream: number): [number, number, number, number] {
  if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  const folded = ((seed >>> 0) ^ Math.floor(seed / 2 ** 32)) >>> 0;
  const sm = splitmix32((folded ^ Math.imul((stream + 1) >>> 0, 0x85ebca6b)) >>> 0);
  const sm2 = splitmix32((sm() ^ folded ^ Math.imul(stream >>> 0, 0xc2b2ae35)) >>> 0);
  return [sm2(), sm2(), sm2(), sm2()];
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
    state: () => [a, b, c, d],
    fillCounts,
    fillIndices,
    below: (n) => Math.floor(nextU32() * (n / 4294967296)),
    uniform: () => ((nextU32() >>> 5) * 67108864 + (nextU32() >>> 6)) / 9007199254740992,
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * One draw from Binomial(n, p): inversion when n·min(p, 1-p) < 10, else Hörmann's BTRS
 * (transformed rejection with squeeze, 1993), whose acceptance test here uses the exact log
 * ratio of probabilities ln f(k) - ln f(m) from lnGamma.
 */
export function binomialDraw(rng: Rng, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomialDraw(rng, n, 1 - p);
  const q = 1 - p;
  if (n * p < 10) {
    // sequential search from 0: f(0) = q^n, f(k+1)/f(k) = (n - k)/(k + 1) · p/q
    const ratio = p / q;
    let f = Math.pow(q, n);
    let u = rng.uniform();
    let k = 0;
    while (u > f && k < n) {
      u -= f;
      f *= ((n - k) / (k + 1)) * ratio;
      k++;
      if (f === 0) break;
    }
    return k;
  }
  const spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const alpha = (2.83 + 5.1 / b) * spq;
  const lpq = Math.log(p / q);
  const m = Math.floor((n + 1) * p);
  const h = lnGamma(m + 1) + lnGamma(n - m + 1);
  for (;;) {
    const u = rng.uniform() - 0.5;
    let v = rng.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    v = Math.log((v * alpha) / (a / (us * us) + b));
    if (v <= h - lnGamma(k + 1) - lnGamma(n - k + 1) + (k - m) * lpq) return k;
  }
}

/** counts ~ Multinomial(n, weights / Σ weights) by conditional binomials (weights: non-negative integers or reals). */
export function multinomialDraw(rng: Rng, n: number, weights: ArrayLike<number>, counts: Float64Array | Uint32Array): void {
  let rest = 0;
  for (let j = 0; j < weights.length; j++) rest += weights[j]!;
  let left = n;
  for (let j = 0; j < weights.length; j++) {
    const wj = weights[j]!;
    if (left === 0 || wj === 0) {
      counts[j] = 0;
      continue;
    }
    const x = wj >= rest ? left : binomialDraw(rng, left, wj / rest);
    counts[j] = x;
    left -= x;
    rest -= wj;
  }
}
