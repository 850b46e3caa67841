// One rollout analysis: canary against stable over one window. The accuracy test's p-values are
// scipy.stats.chi2_contingency's on the same 2 × 2 tables (values below computed with SciPy 1.x:
// chi2_contingency([[90,10],[70,30]]) = (11.28125, 0.0007829382178911184),
// chi2_contingency([[45,5],[40,10]]) = (1.2549019607843137, 0.2626182904425174)); the percentile
// is numpy.percentile's linear one (np.percentile([1..9, 100], 99) = 91.81).
import { describe, expect, it } from 'vitest';
import { analyseWindow, parseWindow, percentile, predictionPsi, type VariantWindow, type Window } from '../../src/mlops/deploy/analysis.js';
import { DEFAULT_THRESHOLDS } from '../../src/mlops/deploy/config.js';

const T = { ...DEFAULT_THRESHOLDS };

function side(o: Partial<VariantWindow> & { requests: number }): VariantWindow {
  return { version: 'v', errors: 0, latency_ms: Array.from({ length: o.requests }, () => 5), outputs: Array.from({ length: o.requests }, (_, i) => i % 4), ...o };
}

function win(stable: VariantWindow | null, canary: VariantWindow | null): Window {
  return { since: '2026-01-01T00:00:00.000Z', until: '2026-01-01T00:01:00.000Z', variants: { stable, canary } };
}

const labelled = (right: number, wrong: number) => [...Array.from({ length: right }, () => ({ output: 'a', label: 'a' })), ...Array.from({ length: wrong }, () => ({ output: 'a', label: 'b' }))];

describe('analyseWindow', () => {
  it('too few canary requests is inconclusive, whatever else the window shows', () => {
    const a = analyseWindow(win(side({ requests: 500 }), side({ requests: 19 })), T, 20);
    expect(a.verdict).toBe('inconclusive');
    expect(a.reason).toMatch(/19 canary requests of the 20 needed/);
    // no canary at all
    expect(analyseWindow(win(side({ requests: 500 }), null), T, 1).verdict).toBe('inconclusive');
  });

  it('passes a canary like the stable', () => {
    const a = analyseWindow(win(side({ requests: 200 }), side({ requests: 100 })), T, 20);
    expect(a.verdict).toBe('pass');
    expect(a.checks.map((c) => [c.check, c.verdict])).toEqual([
      ['traffic', 'pass'],
      ['error_rate', 'pass'],
      ['p99_latency', 'pass'],
      ['prediction_psi', 'pass'],
      ['accuracy', 'skipped'],
    ]);
  });

  it('fails on the error rate: 1 error in 20 is 5% > 1%; a stable that errs as much raises the ceiling', () => {
    expect(analyseWindow(win(side({ requests: 200 }), side({ requests: 20, errors: 1 })), T, 20).verdict).toBe('fail');
    const noisy = analyseWindow(win(side({ requests: 200, errors: 10 }), side({ requests: 20, errors: 1 })), T, 20);
    expect(noisy.checks.find((c) => c.check === 'error_rate')!.verdict).toBe('pass');
    expect(noisy.checks.find((c) => c.check === 'error_rate')!.limit).toBeCloseTo(0.06, 12);
    // with no stable traffic (the 100% step) the absolute ceiling applies
    expect(analyseWindow(win(null, side({ requests: 100, errors: 2 })), T, 20).verdict).toBe('fail');
  });

  it('fails on P99 only when it is both 1.5x and 50 ms above the stable', () => {
    const slow = (ms: number) => side({ requests: 100, latency_ms: Array.from({ length: 100 }, () => ms) });
    expect(analyseWindow(win(slow(5), slow(40)), T, 20).checks.find((c) => c.check === 'p99_latency')!.verdict).toBe('pass'); // 8x, but +35 ms
    expect(analyseWindow(win(slow(200), slow(260)), T, 20).checks.find((c) => c.check === 'p99_latency')!.verdict).toBe('pass'); // +60 ms, but 1.3x
    const f = analyseWindow(win(slow(5), slow(80)), T, 20);
    expect(f.verdict).toBe('fail');
    expect(f.reason).toMatch(/p99_latency/);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], 99)).toBeCloseTo(91.81, 10);
    // a window without latencies but with p99_ms (a metrics hook) uses it
    const hook = analyseWindow(win({ version: 'a', requests: 50, errors: 0, p99_ms: 5 }, { version: 'b', requests: 50, errors: 0, p99_ms: 500 }), T, 20);
    expect(hook.checks.find((c) => c.check === 'p99_latency')!.verdict).toBe('fail');
  });

  it('PSI needs min_outputs predictions on each side (its noise at small n would fail unchanged models)', () => {
    const a = analyseWindow(win(side({ requests: 200 }), side({ requests: 99 })), T, 20);
    expect(a.checks.find((c) => c.check === 'prediction_psi')).toMatchObject({ verdict: 'skipped', detail: expect.stringContaining('needs 100 predictions') });
  });

  it('fails on prediction PSI when the canary predicts differently', () => {
    const same = side({ requests: 100, outputs: Array.from({ length: 100 }, (_, i) => (i % 2 ? 'adelie' : 'gentoo')) });
    const shifted = side({ requests: 100, outputs: Array.from({ length: 100 }, (_, i) => (i % 10 ? 'chinstrap' : 'gentoo')) });
    expect(analyseWindow(win(same, same), T, 20).checks.find((c) => c.check === 'prediction_psi')!.canary).toBe(0);
    const a = analyseWindow(win(same, shifted), T, 20);
    expect(a.checks.find((c) => c.check === 'prediction_psi')!.verdict).toBe('fail');
    // identical data: PSI 0, never drift (Evidently #171)
    expect(predictionPsi([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])).toBe(0);
    expect(predictionPsi([], [1])).toBeNull();
  });

  it('accuracy from labels: chi-square as scipy, fails only when the canary is significantly worse', () => {
    const w = (s: [number, number], c: [number, number]) => win(side({ requests: 200, labelled: labelled(...s) }), side({ requests: 200, labelled: labelled(...c) }));
    const worse = analyseWindow(w([90, 10], [70, 30]), T, 20).checks.find((c) => c.check === 'accuracy')!;
    expect(worse.verdict).toBe('fail');
    expect(worse.p_value).toBeCloseTo(0.0007829382178911184, 12);
    const n = analyseWindow(w([45, 5], [40, 10]), T, 20).checks.find((c) => c.check === 'accuracy')!;
    expect(n.verdict).toBe('pass');
    expect(n.p_value).toBeCloseTo(0.2626182904425174, 12);
    // better is never a failure
    expect(analyseWindow(w([70, 30], [90, 10]), T, 20).checks.find((c) => c.check === 'accuracy')!.verdict).toBe('pass');
    // under min_labels on either side: skipped, not judged
    expect(analyseWindow(w([20, 0], [0, 20]), T, 20).checks.find((c) => c.check === 'accuracy')!.verdict).toBe('skipped');
  });
});

describe('parseWindow (serve or a metrics hook)', () => {
  it('reads the contract shape', () => {
    const w = parseWindow({ since: 'a', until: 'b', variants: { stable: { version: 'v1.0.0', requests: 3, errors: 1, latency_ms: [1, 2, 3], p99_ms: 3, outputs: [1, 2], labelled: [{ output: 1, label: 1 }] }, canary: null } }, 'x');
    expect(w.variants.stable!.requests).toBe(3);
    expect(w.variants.canary).toBeNull();
  });

  it.each([
    [null, /JSON object/],
    [{ variants: [] }, /variants/],
    [{ variants: { stable: { requests: -1, errors: 0 } } }, /requests must be a whole number/],
    [{ variants: { canary: { requests: 1, errors: 2 } } }, /exceeds requests/],
    [{ variants: { canary: { requests: 1, errors: 0, latency_ms: ['x'] } } }, /latency_ms/],
    [{ variants: { canary: { requests: 1, errors: 0, labelled: [{ output: 1 }] } } }, /labelled/],
  ])('refuses a malformed window %#', (doc, re) => {
    expect(() => parseWindow(doc, 'the metrics hook')).toThrow(re);
  });
});
