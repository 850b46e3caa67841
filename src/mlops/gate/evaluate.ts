// Rule evaluation: metrics of both sides, one test per comparison rule, one shared set of
// seeded bootstrap resamples, the correction across comparison rules, verdicts. Pure.
import { CairnError } from '../../core/errors.js';
import type { Verdict } from '../../core/verdict.js';
import { bootstrapStatistics, summarizeBootstrap, type Statistic } from '../../stats/bootstrap.js';
import { delong } from '../../stats/delong.js';
import { mcnemar } from '../../stats/mcnemar.js';
import { adjust } from '../../stats/multiple.js';
import { detectableEffect, pairedT, wilcoxon } from '../../stats/paired.js';
import type { GateConfig, MetricRule } from './config.js';
import { resolveMetric, type Metric, type Side } from './metrics.js';
import type { GateRule } from './report.js';
import type { MetricTest } from './tests.js';

export interface Evaluation {
  verdict: Verdict;
  n: number;
  rules: GateRule[];
  notes: string[];
}

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

function where(cfg: GateConfig, r: MetricRule): string {
  return `${cfg.file}${r.line ? `:${r.line}` : ''}: metrics.${r.metric}`;
}

function chooseTest(cfg: GateConfig, r: MetricRule, m: Metric, cand: Side): MetricTest {
  const binaryAuc = m.name === 'auc' && cand.task === 'classification' && cand.classes.length === 2;
  if (r.test) {
    const ok =
      r.test === 'bootstrap' ||
      (r.test === 'mcnemar' && m.name === 'accuracy' && r.margin === 0) ||
      (r.test === 'delong' && binaryAuc) ||
      ((r.test === 'paired-t' || r.test === 'wilcoxon') && !!m.perExample);
    if (!ok) {
      const why =
        r.test === 'mcnemar' ? 'McNemar tests accuracy with margin 0 only' : r.test === 'delong' ? "DeLong tests a binary task's auc only" : 'paired-t and wilcoxon need a metric that is a mean of per-example values (accuracy, log_loss, brier, mae, mape, a column)';
      throw new CairnError('CAIRN_CONFIG', `${where(cfg, r)}.test: '${r.test}' does not fit '${m.name}': ${why}`, { hint: 'drop `test:` to let the gate choose, or use bootstrap', data: { file: cfg.file, line: r.line } });
    }
    return r.test;
  }
  if (m.name === 'accuracy' && r.margin === 0) return 'mcnemar';
  if (binaryAuc) return 'delong';
  if (cand.task === 'regression' && m.perExample) return 'paired-t';
  return 'bootstrap';
}

interface Pending {
  row: GateRule;
  metric: Metric;
  rule: MetricRule;
  sign: number;
  /** index of this row's statistic among the bootstrap statistics, if any */
  stat?: number;
  finish?: (reps: Float64Array | undefined) => void;
}

/** Evaluate every rule of `cfg` for the candidate against the baseline (null: minimums only). */
/** Largest histogram the fused bootstrap keeps per resample (label × candidate × baseline classes). */
const MAX_BINS = 1 << 16;

/** Per-example codes of (label, candidate prediction[, baseline prediction]), shared by every rule. */
function codesOf(cand: Side, base: Side | null): Uint32Array {
  const k = cand.classes.length;
  return cached(cand, base ? 'codes:pair' : 'codes:one', () => Uint32Array.from({ length: cand.n }, (_, i) => (base ? cand.y[i]! * k * k + cand.yhat[i]! * k + base.yhat[i]! : cand.y[i]! * k + cand.yhat[i]!)));
}

function cached<T>(s: Side, key: string, make: () => T): T {
  if (!s.cache.has(key)) s.cache.set(key, make());
  return s.cache.get(key) as T;
}

/** The candidate's value of a metric, as a bootstrap statistic. */
function valueStatistic(m: Metric, cand: Side): Statistic {
  const k = cand.classes.length;
  if (m.perExample) return { kind: 'mean', values: m.perExample(cand) };
  if (m.fromConfusion && k * k <= MAX_BINS) {
    const f = m.fromConfusion;
    return { kind: 'hist', codes: codesOf(cand, null), bins: k * k, value: (h) => f(h, k) };
  }
  return { kind: 'weights', value: (w) => m.value(cand, w) };
}

/** candidate - baseline of a metric, as a bootstrap statistic. */
function deltaStatistic(m: Metric, cand: Side, base: Side): Statistic {
  const k = cand.classes.length;
  if (m.perExample) {
    const pc = m.perExample(cand);
    const pb = m.perExample(base);
    return { kind: 'mean', values: Float64Array.from(pc, (v, i) => v - pb[i]!) };
  }
  if (m.fromConfusion && k * k * k <= MAX_BINS) {
    const f = m.fromConfusion;
    const cmC = new Float64Array(k * k);
    const cmB = new Float64Array(k * k);
    return {
      kind: 'hist',
      codes: codesOf(cand, base),
      bins: k * k * k,
      value: (h) => {
        cmC.fill(0);
        cmB.fill(0);
        for (let a = 0; a < k; a++)
          for (let b = 0; b < k; b++)
            for (let c = 0; c < k; c++) {
              const v = h[a * k * k + b * k + c]!;
              cmC[a * k + b] = cmC[a * k + b]! + v;
              cmB[a * k + c] = cmB[a * k + c]! + v;
            }
        return f(cmC, k) - f(cmB, k);
      },
    };
  }
  return { kind: 'weights', value: (w) => m.value(cand, w) - m.value(base, w) };
}

export function evaluateRules(cfg: GateConfig, cand: Side, base: Side | null): Evaluation {
  const statistics: Statistic[] = [];
  const pending: Pending[] = [];
  const notes: string[] = [];
  for (const rule of cfg.metrics) {
    const metric = resolveMetric(rule.metric, cand, { better: rule.better, where: where(cfg, rule) });
    const higher = rule.better ? rule.better === 'higher' : metric.higherIsBetter;
    const sign = higher ? 1 : -1;
    const cv = metric.value(cand, null);
    const bv = base ? metric.value(base, null) : Number.NaN;
    const blank = (kind: GateRule['kind']): GateRule => ({
      metric: rule.metric, kind, higher_is_better: higher, threshold: null, margin: null, candidate: num(cv), baseline: base ? num(bv) : null,
      delta: null, ci: null, p: null, p_adjusted: null, test: null, verdict: 'inconclusive', se: null, detectable_effect: null,
    });
    for (const kind of ['min', 'max'] as const) {
      const t = rule[kind];
      if (t === undefined) continue;
      const row = blank(kind);
      row.threshold = t;
      row.verdict = Number.isNaN(cv) ? 'fail' : (kind === 'min' ? cv >= t : cv <= t) ? 'pass' : 'fail';
      const stat = statistics.push(valueStatistic(metric, cand)) - 1;
      pending.push({
        row, metric, rule, sign, stat,
        finish: (reps) => {
          const s = summarizeBootstrap(reps!, cfg.alpha, t);
          row.ci = [num(s.ci[0]), num(s.ci[1])];
        },
      });
    }
    if (!rule.beat) continue;
    const row = blank('beat');
    row.margin = rule.margin;
    if (!base) {
      row.verdict = 'skipped';
      pending.push({ row, metric, rule, sign });
      continue;
    }
    const delta = cv - bv;
    row.delta = num(delta);
    const nullRaw = sign * rule.margin;
    const test = chooseTest(cfg, rule, metric, cand);
    let stat: number | undefined;
    if (test !== 'delong' && test !== 'paired-t') stat = statistics.push(deltaStatistic(metric, cand, base)) - 1;
    const p: Pending = { row, metric, rule, sign, stat };
    if (test === 'delong') {
      const pos = Array.from(cand.y, (c) => c === cand.positive);
      const k = cand.classes.length;
      const sa = Float64Array.from({ length: cand.n }, (_, i) => cand.proba![i * k + cand.positive]!);
      const sb = Float64Array.from({ length: base.n }, (_, i) => base.proba![i * k + base.positive]!);
      if (!pos.some(Boolean) || pos.every(Boolean)) throw new CairnError('CAIRN_CONFIG', `${where(cfg, rule)}: auc needs both classes among the labels of ${cand.pred.path}`, { hint: 'the eval set has a single class: drop the auc rule' });
      const r = delong(pos, sa, sb, { alpha: cfg.alpha, margin: nullRaw });
      Object.assign(row, { test: 'delong', p: r.p, ci: [r.ci[0], r.ci[1]], se: r.se });
      row.detail = { positives: r.positives, negatives: r.negatives, z: r.z };
    } else if (test === 'paired-t') {
      const pc = metric.perExample!(cand);
      const pb = metric.perExample!(base);
      const r = pairedT(Float64Array.from(pc, (v, i) => v - pb[i]!), { alpha: cfg.alpha, margin: nullRaw });
      Object.assign(row, { test: 'paired-t', p: r.p, ci: [r.ci[0], r.ci[1]], se: r.se });
      row.detail = { t: r.statistic, df: r.df };
    } else {
      p.finish = (reps) => {
        const s = summarizeBootstrap(reps!, cfg.alpha, nullRaw);
        row.ci = [s.ci[0], s.ci[1]];
        row.se = s.se;
        if (test === 'bootstrap') {
          row.test = 'bootstrap';
          row.p = s.p;
        } else if (test === 'mcnemar') {
          let b = 0;
          let c = 0;
          for (let i = 0; i < cand.n; i++) {
            const cr = cand.y[i] === cand.yhat[i];
            const br = base.y[i] === base.yhat[i];
            if (cr && !br) b++;
            else if (!cr && br) c++;
          }
          const r = mcnemar(b, c);
          row.test = r.test;
          row.p = r.p;
          row.detail = { b, c, statistic: r.statistic };
        } else {
          const pc = metric.perExample!(cand);
          const pb = metric.perExample!(base);
          const r = wilcoxon(Float64Array.from(pc, (v, i) => v - pb[i]!), { margin: nullRaw });
          row.test = 'wilcoxon';
          row.p = r.p;
          row.detail = { statistic: r.statistic, method: r.method, nonzero: r.n };
        }
      };
    }
    pending.push(p);
  }
  const reps = statistics.length ? bootstrapStatistics(cand.n, statistics, { resamples: cfg.resamples, seed: cfg.seed }) : [];
  for (const p of pending) p.finish?.(p.stat === undefined ? undefined : reps[p.stat]);

  // the correction runs across the comparison rules that have a p-value
  const compared = pending.filter((p) => p.row.kind === 'beat' && p.row.verdict !== 'skipped');
  const adjusted = adjust(compared.map((p) => (p.row.p === null || Number.isNaN(p.row.p) ? Number.NaN : p.row.p)), cfg.correction);
  compared.forEach((p, i) => {
    const row = p.row;
    row.p_adjusted = num(adjusted[i]!);
    const ci = row.ci;
    const lo = ci && ci[0] !== null && ci[1] !== null ? (p.sign > 0 ? ci[0] : -ci[1]) : Number.NaN;
    const hi = ci && ci[0] !== null && ci[1] !== null ? (p.sign > 0 ? ci[1] : -ci[0]) : Number.NaN;
    const significant = row.p_adjusted !== null && row.p_adjusted < cfg.alpha;
    row.verdict = significant && lo > p.rule.margin ? 'pass' : significant && hi < p.rule.margin ? 'fail' : 'inconclusive';
    if (row.verdict === 'inconclusive' && row.se !== null && Number.isFinite(row.se) && row.se > 0) row.detectable_effect = detectableEffect(row.se, cfg.alpha);
    if (row.verdict === 'inconclusive' && row.se === 0) notes.push(`${row.metric}: candidate and baseline score the same on every resample (no difference to test)`);
    for (const k of ['p', 'se'] as const) if (row[k] !== null && !Number.isFinite(row[k]!)) row[k] = null;
    if (row.ci) row.ci = [num(row.ci[0] ?? Number.NaN), num(row.ci[1] ?? Number.NaN)];
  });
  if (!base && pending.some((p) => p.row.kind === 'beat')) notes.push('no baseline: only the minimums apply (the beat rules are skipped)');
  const rules = pending.map((p) => p.row);
  const judged = rules.filter((r) => r.verdict !== 'skipped');
  const verdict: Verdict = judged.some((r) => r.verdict === 'fail') ? 'fail' : judged.some((r) => r.verdict === 'inconclusive') ? 'inconclusive' : 'pass';
  return { verdict, n: cand.n, rules, notes };
}
