// Predictions files for gate tests: a binary task with a known truth, two models of chosen skill.
import { xoshiro128 } from '../src/stats/prng.js';

export interface Model {
  /** probability of a correct prediction */
  skill: number;
  seed: number;
}

/** CSV text: id,label,prediction,score for n examples; the same labels for every seed of `labelSeed`. */
export function predictionsCsv(n: number, m: Model, opts: { labelSeed?: number; ids?: (i: number) => string; extra?: (i: number) => number } = {}): string {
  const lab = xoshiro128(opts.labelSeed ?? 1);
  const r = xoshiro128(m.seed);
  const rows = ['id,label,prediction,score' + (opts.extra ? ',loss' : '')];
  for (let i = 0; i < n; i++) {
    const y = lab.uniform() < 0.5 ? 1 : 0;
    const right = r.uniform() < m.skill;
    const pred = right ? y : 1 - y;
    const conf = 0.5 + 0.5 * r.uniform();
    const score = pred === 1 ? conf : 1 - conf;
    rows.push(`${opts.ids ? opts.ids(i) : `ex${i}`},${y},${pred},${score.toFixed(5)}${opts.extra ? `,${opts.extra(i)}` : ''}`);
  }
  return rows.join('\n') + '\n';
}
