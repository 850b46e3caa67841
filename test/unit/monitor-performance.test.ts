// mlops/monitor/performance: windows, accuracy and MAE, insufficient labels never alert, the
// join of requests and feedback (in the log or apart, one label or a list per request).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { performanceWindows, readRequestsAndFeedback } from '../../src/mlops/monitor/performance.js';
import { cleanup, tempDir } from '../helpers.js';

afterEach(() => cleanup());
const H = 3_600_000;
const T = Date.parse('2026-03-01T00:00:00Z');

describe('performance windows', () => {
  const items = [
    ...Array.from({ length: 30 }, (_, i) => ({ time: T + i * 1000, prediction: 'a', label: i < 27 ? 'a' : 'b' })), // 0.9
    ...Array.from({ length: 30 }, (_, i) => ({ time: T + H + i * 1000, prediction: 'a', label: i < 15 ? 'a' : 'b' })), // 0.5
    ...Array.from({ length: 5 }, (_, i) => ({ time: T + 2 * H + i * 1000, prediction: 'a', label: 'b' })), // 0, 5 labels
  ];
  const times = items.map((x) => x.time);
  it('accuracy per window, an alert below the floor, too few labels is insufficient', () => {
    const r = performanceWindows(times, items, { metric: 'accuracy', windowMs: H, floor: 0.8, minLabels: 20 });
    expect(r.windows.map((w) => [w.start, w.labelled, w.value, w.status])).toEqual([
      ['2026-03-01T00:00:00.000Z', 30, 0.9, 'ok'],
      ['2026-03-01T01:00:00.000Z', 30, 0.5, 'alert'],
      ['2026-03-01T02:00:00.000Z', 5, 0, 'insufficient'],
    ]);
    expect([r.verdict, r.alerts]).toEqual(['fail', 1]);
    expect(r.overall.value).toBeCloseTo(42 / 65, 12);
  });
  it('no window with enough labels is inconclusive, never a pass or an alert', () => {
    const r = performanceWindows(times, items, { metric: 'accuracy', windowMs: H, floor: 0.99, minLabels: 100 });
    expect(r.verdict).toBe('inconclusive');
    expect(r.alerts).toBe(0);
  });
  it('MAE with a ceiling', () => {
    const m = [1, 2, 3, 4].map((k) => ({ time: T + k, prediction: k, label: k + (k % 2 ? 1 : -1) * 0.5 }));
    const r = performanceWindows(m.map((x) => x.time), m, { metric: 'mae', windowMs: H, ceiling: 0.4, minLabels: 1 });
    expect(r.windows[0]).toMatchObject({ value: 0.5, status: 'alert' });
  });
});

describe('requests joined with feedback', () => {
  it('feedback lines in the log and in a file, lists aligned with outputs, unmatched counted', async () => {
    const dir = tempDir('cairn-perf-');
    const log = [
      { time: '2026-03-01T00:00:01Z', id: 'a', inputs: [{ x: 1 }, { x: 2 }], outputs: ['cat', 'dog'], status: 'ok' },
      { time: '2026-03-01T00:00:02Z', id: 'b', inputs: { x: 3 }, outputs: ['dog'], status: 'ok' },
      { time: '2026-03-01T00:00:03Z', id: 'c', inputs: { x: 4 }, outputs: ['cat'], status: 'ok' },
      { time: '2026-03-01T00:00:09Z', id: 'b', label: 'cat' },
    ];
    writeFileSync(join(dir, 'log.jsonl'), log.map((l) => JSON.stringify(l)).join('\n') + '\n');
    writeFileSync(join(dir, 'fb.jsonl'), [{ id: 'a', label: ['cat', 'cat'] }, { id: 'zzz', label: 'cat' }, { id: 'c', label: ['cat', 'dog'] }].map((l) => JSON.stringify(l)).join('\n') + '\n');
    const r = await readRequestsAndFeedback([{ name: 'log.jsonl', path: join(dir, 'log.jsonl') }], [{ name: 'fb.jsonl', path: join(dir, 'fb.jsonl') }]);
    expect(r.predictionTimes).toHaveLength(4);
    expect(r.labelled.map((l) => [l.prediction, l.label])).toEqual([['dog', 'cat'], ['cat', 'cat'], ['dog', 'cat']]);
    expect(r.unmatched).toBe(2); // an unknown id, and two labels for one output
  });
});
