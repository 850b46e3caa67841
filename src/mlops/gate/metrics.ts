// Metrics computed by cairn from per-example predictions, so candidate and baseline are scored
// identically. Every metric is a function of example weights (w[i] = how often example i is in
// the sample; null = each once), so the same code gives the point value and the bootstrap
// replicates. Point values match sklearn (fixtures/stats/metrics.json).
import { CairnError } from '../../core/errors.js';
import { sortedOrder } from '../../stats/ranks.js';
import type { Task } from './config.js';
import { numericColumn, type Predictions } from './predictions.js';

/** One side (candidate or baseline) of an aligned comparison. */
export interface Side {
  n: number;
  task: Task;
  pred: Predictions;
  /** classification */
  classes: string[];
  y: Int32Array;
  yhat: Int32Array;
  /** n × k class probabilities (row-major), when the file has score / score_<class> */
  proba: Float64Array | null;
  positive: number;
  /** regression */
  yNum: Float64Array | null;
  pNum: Float64Array | null;
  cache: Map<string, unknown>;
}

export interface Metric {
  name: string;
  higherIsBetter: boolean;
  /** per-example values whose mean is the metric (accuracy, log loss, Brier, MAE, columns ...) */
  perExample?: (s: Side) => Float64Array;
  /** the metric from a k × k confusion matrix (row = label), for the fused bootstrap */
  fromConfusion?: (cm: Float64Array, k: number) => number;
  /** the metric on weighted examples */
  value: (s: Side, w: Uint32Array | null) => number;
}

export const EPS_LOG = 1e-15;
const MAPE_EPS = 2.220446049250313e-16; // numpy float64 eps, as sklearn

const weightOf = (w: Uint32Array | null, i: number): number => (w ? w[i]! : 1);

function meanOf(values: Float64Array, w: Uint32Array | null): number {
  let s = 0;
  let t = 0;
  for (let i = 0; i < values.length; i++) {
    const wi = weightOf(w, i);
    s += wi * values[i]!;
    t += wi;
  }
  return s / t;
}

function cached<T>(s: Side, key: string, make: () => T): T {
  if (!s.cache.has(key)) s.cache.set(key, make());
  return s.cache.get(key) as T;
}

function meanMetric(name: string, higherIsBetter: boolean, perExample: (s: Side) => Float64Array): Metric {
  const pe = (s: Side) => cached(s, `pe:${name}`, () => perExample(s));
  return { name, higherIsBetter, perExample: pe, value: (s, w) => meanOf(pe(s), w) };
}

/** k × k weighted confusion counts, row = label, column = prediction. */
function confusion(s: Side, w: Uint32Array | null): Float64Array {
  const k = s.classes.length;
  const cm = new Float64Array(k * k);
  const y = s.y;
  const yhat = s.yhat;
  for (let i = 0; i < s.n; i++) {
    const c = y[i]! * k + yhat[i]!;
    cm[c] = cm[c]! + (w ? w[i]! : 1);
  }
  return cm;
}

interface ClassStats {
  tp: Float64Array;
  support: Float64Array;
  predicted: Float64Array;
  total: number;
}

function classStats(cm: Float64Array, k: number): ClassStats {
  const tp = new Float64Array(k);
  const support = new Float64Array(k);
  const predicted = new Float64Array(k);
  let total = 0;
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) {
      const v = cm[a * k + b]!;
      support[a] = support[a]! + v;
      predicted[b] = predicted[b]! + v;
      total += v;
      if (a === b) tp[a] = v;
    }
  return { tp, support, predicted, total };
}

const div = (a: number, b: number): number => (b === 0 ? 0 : a / b); // sklearn zero_division=0
const prec = (c: ClassStats, j: number) => div(c.tp[j]!, c.predicted[j]!);
const rec = (c: ClassStats, j: number) => div(c.tp[j]!, c.support[j]!);
const f1 = (c: ClassStats, j: number) => div(2 * c.tp[j]!, c.support[j]! + c.predicted[j]!);

/** A metric of the confusion matrix. */
function cmMetric(name: string, fromConfusion: (cm: Float64Array, k: number) => number): Metric {
  return { name, higherIsBetter: true, fromConfusion, value: (s, w) => fromConfusion(confusion(s, w), s.classes.length) };
}

/** Macro average over the classes present in the labels or the predictions (sklearn's label set). */
function macro(fn: (c: ClassStats, j: number) => number): (cm: Float64Array, k: number) => number {
  return (cm, k) => {
    const c = classStats(cm, k);
    let sum = 0;
    let m = 0;
    for (let j = 0; j < k; j++) {
      if (c.support[j] === 0 && c.predicted[j] === 0) continue;
      sum += fn(c, j);
      m++;
    }
    return m ? sum / m : 0;
  };
}

function micro(cm: Float64Array, k: number): number {
  const c = classStats(cm, k);
  let tp = 0;
  for (let j = 0; j < k; j++) tp += c.tp[j]!;
  return div(tp, c.total);
}

function needProba(s: Side, metric: string): Float64Array {
  if (!s.proba) {
    throw new CairnError('CAIRN_CONFIG', `${s.pred.path}: metric '${metric}' needs class probabilities: a 'score' column (binary) or 'score_<class>' for every class`, {
      hint: 'add the probabilities to the predictions file, or drop the rule (see docs/gate.md)',
      data: { file: s.pred.path, metric },
    });
  }
  return s.proba;
}

/** AUC of a score for one class vs the rest on weighted examples; ties count one half. */
function weightedAuc(s: Side, cls: number, w: Uint32Array | null): number {
  const k = s.classes.length;
  const proba = s.proba!;
  const order = cached(s, `order:${cls}`, () => sortedOrder(Float64Array.from({ length: s.n }, (_, i) => proba[i * k + cls]!)));
  let negBelow = 0;
  let sum = 0;
  let P = 0;
  let i = 0;
  while (i < s.n) {
    const v = proba[order[i]! * k + cls]!;
    let pos = 0;
    let neg = 0;
    while (i < s.n && proba[order[i]! * k + cls] === v) {
      const e = order[i]!;
      const wi = weightOf(w, e);
      if (s.y[e] === cls) pos += wi;
      else neg += wi;
      i++;
    }
    sum += pos * (negBelow + neg / 2);
    negBelow += neg;
    P += pos;
  }
  return P === 0 || negBelow === 0 ? Number.NaN : sum / (P * negBelow);
}

function auc(s: Side, w: Uint32Array | null): number {
  needProba(s, 'auc');
  if (s.classes.length === 2) return weightedAuc(s, s.positive, w);
  let sum = 0;
  let m = 0;
  for (let j = 0; j < s.classes.length; j++) {
    const a = weightedAuc(s, j, w);
    if (Number.isNaN(a)) continue; // a class absent from this sample's labels
    sum += a;
    m++;
  }
  return m ? sum / m : Number.NaN;
}

const CLASSIFICATION: Record<string, Metric> = {
  accuracy: meanMetric('accuracy', true, (s) => Float64Array.from({ length: s.n }, (_, i) => (s.y[i] === s.yhat[i] ? 1 : 0))),
  balanced_accuracy: cmMetric('balanced_accuracy', (cm, k) => {
    const c = classStats(cm, k);
    let sum = 0;
    let m = 0;
    for (let j = 0; j < k; j++)
      if (c.support[j]! > 0) {
        sum += rec(c, j);
        m++;
      }
    return m ? sum / m : 0;
  }),
  macro_precision: cmMetric('macro_precision', macro(prec)),
  macro_recall: cmMetric('macro_recall', macro(rec)),
  macro_f1: cmMetric('macro_f1', macro(f1)),
  micro_precision: cmMetric('micro_precision', micro),
  micro_recall: cmMetric('micro_recall', micro),
  micro_f1: cmMetric('micro_f1', micro),
  log_loss: meanMetric('log_loss', false, (s) => {
    const p = needProba(s, 'log_loss');
    const k = s.classes.length;
    return Float64Array.from({ length: s.n }, (_, i) => -Math.log(Math.min(1 - EPS_LOG, Math.max(EPS_LOG, p[i * k + s.y[i]!]!))));
  }),
  brier: meanMetric('brier', false, (s) => {
    const p = needProba(s, 'brier');
    const k = s.classes.length;
    if (k === 2) return Float64Array.from({ length: s.n }, (_, i) => (p[i * k + s.positive]! - (s.y[i] === s.positive ? 1 : 0)) ** 2);
    return Float64Array.from({ length: s.n }, (_, i) => {
      let e = 0;
      for (let j = 0; j < k; j++) e += (p[i * k + j]! - (s.y[i] === j ? 1 : 0)) ** 2;
      return e;
    });
  }),
  auc: { name: 'auc', higherIsBetter: true, value: auc },
};

function regResiduals(s: Side): { y: Float64Array; p: Float64Array } {
  return { y: s.yNum!, p: s.pNum! };
}

const REGRESSION: Record<string, Metric> = {
  mae: meanMetric('mae', false, (s) => {
    const { y, p } = regResiduals(s);
    return Float64Array.from(y, (v, i) => Math.abs(v - p[i]!));
  }),
  mape: meanMetric('mape', false, (s) => {
    const { y, p } = regResiduals(s);
    return Float64Array.from(y, (v, i) => Math.abs(v - p[i]!) / Math.max(Math.abs(v), MAPE_EPS));
  }),
  rmse: {
    name: 'rmse',
    higherIsBetter: false,
    value: (s, w) => {
      const { y, p } = regResiduals(s);
      let se = 0;
      let t = 0;
      for (let i = 0; i < s.n; i++) {
        const wi = weightOf(w, i);
        se += wi * (y[i]! - p[i]!) ** 2;
        t += wi;
      }
      return Math.sqrt(se / t);
    },
  },
  r2: {
    name: 'r2',
    higherIsBetter: true,
    value: (s, w) => {
      const { y, p } = regResiduals(s);
      let t = 0;
      let sy = 0;
      for (let i = 0; i < s.n; i++) {
        const wi = weightOf(w, i);
        t += wi;
        sy += wi * y[i]!;
      }
      const mean = sy / t;
      let res = 0;
      let tot = 0;
      for (let i = 0; i < s.n; i++) {
        const wi = weightOf(w, i);
        res += wi * (y[i]! - p[i]!) ** 2;
        tot += wi * (y[i]! - mean) ** 2;
      }
      if (tot === 0) return res === 0 ? 1 : 0; // sklearn's force_finite
      return 1 - res / tot;
    },
  },
};

/** Resolve a rule's metric name: built-in for the task, per-class (f1_<class>, ...), or a numeric column. */
export function resolveMetric(name: string, s: Side, opts: { better?: 'higher' | 'lower'; where: string }): Metric {
  const table = s.task === 'classification' ? CLASSIFICATION : REGRESSION;
  const builtin = Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
  if (builtin) return builtin;
  if (s.task === 'classification') {
    const alias = { precision: prec, recall: rec, f1 }[name as 'precision' | 'recall' | 'f1'];
    if (alias) {
      // binary: the positive class, as sklearn's average='binary'; multi-class: the macro average
      if (s.classes.length === 2) {
        const pos = s.positive;
        return cmMetric(name, (cm, k) => alias(classStats(cm, k), pos));
      }
      return cmMetric(name, macro(alias));
    }
    const m = /^(precision|recall|f1)_(.+)$/.exec(name);
    if (m && s.classes.includes(m[2]!)) {
      const j = s.classes.indexOf(m[2]!);
      const fn = { precision: prec, recall: rec, f1 }[m[1] as 'precision' | 'recall' | 'f1'];
      return cmMetric(name, (cm, k) => fn(classStats(cm, k), j));
    }
  }
  if (s.pred.columns.has(name) && !['id', 'label', 'prediction'].includes(name)) {
    return meanMetric(name, opts.better === 'higher', (x) => numericColumn(x.pred, name));
  }
  const known = [...Object.keys(table), ...(s.task === 'classification' ? ['precision', 'recall', 'f1', 'precision_<class>', 'recall_<class>', 'f1_<class>'] : [])];
  throw new CairnError('CAIRN_CONFIG', `${opts.where}: unknown metric '${name}' for a ${s.task} task, and no column of that name in ${s.pred.path}`, {
    hint: `use one of: ${known.join(', ')}, or a numeric column of the predictions file`,
    data: { metric: name },
  });
}

export const BUILTIN_METRICS = { classification: Object.keys(CLASSIFICATION), regression: Object.keys(REGRESSION) };
