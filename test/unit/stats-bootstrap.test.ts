// The seeded PRNG and the paired bootstrap: reference vectors, reproducibility from the seed,
// and the coverage of its 95% CI in a simulation with a known true difference.
import { describe, expect, it } from 'vitest';
import { binomialDraw, xoshiro128, xoshiro128FromState } from '../../src/stats/prng.js';
import { binomialCdf } from '../../src/stats/distributions.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';
import { bootstrapStatistics, bootstrapThreadStats, pairedBootstrap, quantileSorted, resampleMeansRange, summarizeBootstrap, weightedMean } from '../../src/stats/bootstrap.js';

describe('xoshiro128**', () => {
  it('matches the reference implementation from state {1, 2, 3, 4}', () => {
    const r = xoshiro128FromState([1, 2, 3, 4]);
    expect(Array.from({ length: 10 }, () => r.nextU32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804]);
  });
  it('fillCounts draws the same indices as below()', () => {
    const a = xoshiro128(42);
    const b = xoshiro128(42);
    const w1 = new Uint32Array(37);
    const w2 = new Uint32Array(37);
    a.fillCounts(w1, 5000);
    for (let i = 0; i < 5000; i++) w2[b.below(37)]!++;
    expect(Array.from(w1)).toEqual(Array.from(w2));
    expect(a.nextU32()).toBe(b.nextU32());
  });
  it('is uniform enough: chi-square of 100k draws into 10 bins', () => {
    const r = xoshiro128(1);
    const w = new Uint32Array(10);
    r.fillCounts(w, 100_000);
    const chi = Array.from(w).reduce((s, o) => s + (o - 10_000) ** 2 / 10_000, 0);
    expect(chi).toBeLessThan(27.9); // chi2(9) 0.999 quantile
  });
  it('rejects seeds that are not non-negative integers', () => {
    expect(() => xoshiro128(-1)).toThrow(RangeError);
    expect(() => xoshiro128(1.5)).toThrow(RangeError);
  });
});

/** Synthetic paired correctness: candidate right with p = 0.8, baseline with 0.75, correlated. */
function synth(n: number, seed: number): { d: Float64Array } {
  const r = xoshiro128(seed + 1_000_000);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    const cand = u < 0.8 ? 1 : 0;
    const base = u < 0.7 ? 1 : r.uniform() < 0.05 / 0.3 ? 1 : 0; // P(base) = 0.7 + 0.3·(1/6) = 0.75
    d[i] = cand - base;
  }
  return { d };
}

describe('paired bootstrap', () => {
  it('is reproducible from the seed and changes with it', () => {
    const { d } = synth(500, 3);
    const a = pairedBootstrap(d.length, [weightedMean(d)], { resamples: 2000, seed: 7 })[0]!;
    const b = pairedBootstrap(d.length, [weightedMean(d)], { resamples: 2000, seed: 7 })[0]!;
    const c = pairedBootstrap(d.length, [weightedMean(d)], { resamples: 2000, seed: 8 })[0]!;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const s = summarizeBootstrap(a, 0.05, 0);
    expect(s.ci[0]).toBeLessThan(s.ci[1]);
  });

  it('several statistics share the same resamples', () => {
    const { d } = synth(300, 4);
    const twice = Float64Array.from(d, (v) => 2 * v);
    const [x, y] = pairedBootstrap(d.length, [weightedMean(d), weightedMean(twice)], { resamples: 500, seed: 1 });
    x!.forEach((v, i) => expect(y![i]).toBeCloseTo(2 * v, 12));
  });

  it('the fused form: real-valued means and weight statistics draw the same resamples as pairedBootstrap', () => {
    const { d } = synth(400, 5);
    const r = xoshiro128(11);
    const real = Float64Array.from(d, (v) => v + r.uniform() * 0.1);
    const fused = bootstrapStatistics(real.length, [{ kind: 'mean', values: real }, { kind: 'weights', value: weightedMean(real) }], { resamples: 300, seed: 9 });
    const [ref] = pairedBootstrap(real.length, [weightedMean(real)], { resamples: 300, seed: 9 });
    for (const x of fused) x.forEach((v, i) => expect(v).toBeCloseTo(ref![i]!, 12));
  });

  it('histogram statistics (multinomial code counts) have the bootstrap distribution of index resampling', () => {
    const { d } = synth(400, 5);
    const codes = Uint32Array.from(d, (v) => v + 1);
    const B = 4000;
    const [hist, small] = bootstrapStatistics(d.length, [
      { kind: 'hist', codes, bins: 3, value: (h) => (h[2]! - h[0]!) / 400 },
      { kind: 'mean', values: d }, // small integers: a histogram too
    ], { resamples: B, seed: 9 });
    const [ref] = pairedBootstrap(d.length, [weightedMean(d)], { resamples: B, seed: 10 });
    const moments = (x: Float64Array) => {
      const m = x.reduce((s, v) => s + v, 0) / x.length;
      return [m, Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1))] as const;
    };
    const [mr, sr] = moments(ref!);
    for (const x of [hist!, small!]) {
      const [m, sd] = moments(x);
      expect(Math.abs(m - mr)).toBeLessThan((4 * sr) / Math.sqrt(B)); // means agree within sampling error
      expect(Math.abs(sd / sr - 1)).toBeLessThan(0.06); // and spreads (sd of an sd estimate ≈ 1/sqrt(2B) ≈ 1.1%)
    }
    // the same seed gives the same replicates; another seed others
    const again = bootstrapStatistics(d.length, [{ kind: 'hist', codes, bins: 3, value: (h) => (h[2]! - h[0]!) / 400 }], { resamples: B, seed: 9 })[0]!;
    expect(Array.from(again)).toEqual(Array.from(hist!));
    const other = bootstrapStatistics(d.length, [{ kind: 'hist', codes, bins: 3, value: (h) => (h[2]! - h[0]!) / 400 }], { resamples: B, seed: 8 })[0]!;
    expect(Array.from(other)).not.toEqual(Array.from(hist!));
  });

  it('binomial draws (inversion and BTRS) follow the binomial distribution', () => {
    for (const [n, p] of [[100_000, 0.3], [24_710, 0.7], [1000, 0.005], [50, 0.1], [200, 0.5]] as const) {
      const r = xoshiro128(3);
      const N = 20_000;
      const xs = Float64Array.from({ length: N }, () => binomialDraw(r, n, p)).sort();
      let s = 0;
      for (const x of xs) s += x;
      expect(Math.abs(s / N - n * p)).toBeLessThan(5 * Math.sqrt((n * p * (1 - p)) / N));
      // the empirical CDF against the exact one at its deciles (Kolmogorov 0.999 band ≈ 1.95/sqrt(N))
      for (let q = 0.1; q < 0.95; q += 0.1) {
        const k = xs[Math.floor(q * N)]!;
        let below = 0;
        while (below < N && xs[below]! <= k) below++;
        expect(Math.abs(below / N - binomialCdf(k, n, p))).toBeLessThan(1.95 / Math.sqrt(N));
      }
    }
  });

  it.skipIf(!existsSync(join(ROOT, 'dist', 'stats', 'bootstrap-worker.js')))('a large bootstrap splits over the worker thread and gives the same replicates as one thread', () => {
    const r = xoshiro128(5);
    const v = Float64Array.from({ length: 20_000 }, () => r.uniform());
    const before = { ...bootstrapThreadStats };
    const [two] = bootstrapStatistics(v.length, [{ kind: 'mean', values: v }], { resamples: 1000, seed: 3 });
    expect(bootstrapThreadStats).toEqual({ used: before.used + 1, redone: before.redone });
    const one = new Float64Array(1000);
    resampleMeansRange([v], v.length, 1000, 3, 0, 1000, one);
    expect(Array.from(two!)).toEqual(Array.from(one));
  });

  it('resampled means are the same with and without the worker thread (each resample has its own stream)', () => {
    const r = xoshiro128(2);
    const v = Float64Array.from({ length: 1000 }, () => r.uniform());
    const all = new Float64Array(50);
    resampleMeansRange([v], v.length, 50, 4, 0, 50, all);
    const split = new Float64Array(50);
    resampleMeansRange([v], v.length, 50, 4, 25, 50, split);
    resampleMeansRange([v], v.length, 50, 4, 0, 25, split);
    expect(Array.from(split)).toEqual(Array.from(all));
  });

  it('percentile interpolation is numpy linear', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4, 5], 0.025)).toBeCloseTo(1.1, 12);
  });

  it('p of a null equal to every replicate is 1 (all-equal predictions)', () => {
    const s = summarizeBootstrap(new Float64Array(100), 0.05, 0);
    expect(s.p).toBe(1);
    expect(s.ci).toEqual([0, 0]);
  });

  it('covers the true difference 0.05 at about the nominal 95% (500 seeded repetitions)', () => {
    const reps = 500;
    let covered = 0;
    for (let rep = 0; rep < reps; rep++) {
      const { d } = synth(300, rep);
      const [r] = pairedBootstrap(d.length, [weightedMean(d)], { resamples: 1000, seed: rep });
      const { ci } = summarizeBootstrap(r!, 0.05, 0);
      if (ci[0] <= 0.05 && 0.05 <= ci[1]) covered++;
    }
    const rate = covered / reps;
    expect(rate).toBeGreaterThanOrEqual(0.92);
    expect(rate).toBeLessThanOrEqual(0.98);
  });
});
