// The gate's metrics from per-example predictions vs sklearn (fixtures/stats/metrics.json), and
// the weighted (bootstrap) form agreeing with the point value on integer weights.
import { describe, expect, it } from 'vitest';
import { buildSides } from '../../src/mlops/gate/align.js';
import { resolveMetric } from '../../src/mlops/gate/metrics.js';
import { parsePredictions } from '../../src/mlops/gate/predictions.js';
import { fixture } from '../stats-fixtures.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function csvOf(c: any): string {
  const cols = ['id', 'label', 'prediction'];
  if (c.task === 'classification') {
    if (c.classes.length === 2) cols.push('score');
    else cols.push(...c.classes.map((k: string) => `score_${k}`));
  }
  const rows = c.label.map((_: unknown, i: number) => {
    const r = [`ex${i}`, c.label[i], c.prediction[i]];
    if (c.task === 'classification') {
      if (c.classes.length === 2) r.push(c.score[i]);
      else r.push(...c.proba[i]);
    }
    return r.join(',');
  });
  return [cols.join(','), ...rows].join('\n') + '\n';
}

describe('gate metrics vs sklearn', () => {
  for (const c of fixture('metrics')) {
    it(c.name, () => {
      const p = parsePredictions(csvOf(c), `${c.name}.csv`, 'csv');
      const [side] = buildSides(c.task, [p]);
      for (const [name, expected] of Object.entries(c.expected as Record<string, number>)) {
        const m = resolveMetric(name, side!, { where: 'test' });
        const v = m.value(side!, null);
        expect(Math.abs(v - expected), `${name}: ${v} vs ${expected}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
        // weights of 2 everywhere are the same sample twice: same value
        const w2 = new Uint32Array(side!.n).fill(2);
        expect(Math.abs(m.value(side!, w2) - v)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v)));
      }
    });
  }
  it('weighted value equals the value on the sample with examples repeated', () => {
    const c = fixture('metrics').find((x) => x.name === 'three-class');
    const p = parsePredictions(csvOf(c), 'a.csv', 'csv');
    const [side] = buildSides('classification', [p]);
    const w = new Uint32Array(side!.n).map((_, i) => i % 3);
    const rep = { ...c, label: [] as string[], prediction: [] as string[], proba: [] as number[][] };
    w.forEach((k, i) => {
      for (let j = 0; j < k; j++) {
        rep.label.push(c.label[i]);
        rep.prediction.push(c.prediction[i]);
        rep.proba.push(c.proba[i]);
      }
    });
    const [side2] = buildSides('classification', [parsePredictions(csvOf(rep), 'b.csv', 'csv')]);
    for (const name of ['accuracy', 'balanced_accuracy', 'macro_f1', 'log_loss', 'brier', 'auc']) {
      const a = resolveMetric(name, side!, { where: 't' }).value(side!, w);
      const b = resolveMetric(name, side2!, { where: 't' }).value(side2!, null);
      expect(a).toBeCloseTo(b, 10);
    }
  });
});
