// Production performance from the request log plus feedback: each labelled prediction is put in
// the time window of its request, and each window gets accuracy (or MAE). A window with fewer
// than `minLabels` labels is `insufficient`, never an alert (low traffic does not halt anything);
// a window below the floor (accuracy) or above the ceiling (MAE) is an alert.
import { badData, readTable, type TableFile } from '../../io/tables/index.js';
import type { Verdict } from '../../core/verdict.js';
import { categoryOf, numberOf } from './columns.js';

export type PerformanceMetric = 'accuracy' | 'mae';

export interface Labelled {
  /** request time, ms */
  time: number;
  prediction: unknown;
  label: unknown;
}

export interface PerformanceWindow {
  start: string;
  end: string;
  /** predictions made in the window (rows) */
  predictions: number;
  /** of them, with a label */
  labelled: number;
  /** accuracy or MAE over the labelled ones; null when none */
  value: number | null;
  status: 'ok' | 'alert' | 'insufficient';
}

export interface PerformanceReport {
  verdict: Verdict;
  metric: PerformanceMetric;
  window_ms: number;
  floor?: number;
  ceiling?: number;
  min_labels: number;
  windows: PerformanceWindow[];
  overall: { predictions: number; labelled: number; value: number | null };
  alerts: number;
}

export interface PerformanceConfig {
  metric: PerformanceMetric;
  windowMs: number;
  floor?: number;
  ceiling?: number;
  minLabels: number;
}

function score(metric: PerformanceMetric, items: readonly Labelled[]): number | null {
  if (!items.length) return null;
  let s = 0;
  let n = 0;
  for (const it of items) {
    if (metric === 'accuracy') {
      s += categoryOf(it.prediction) === categoryOf(it.label) ? 1 : 0;
      n++;
    } else {
      const p = typeof it.prediction === 'number' ? it.prediction : numberOf(it.prediction);
      const l = typeof it.label === 'number' ? it.label : numberOf(it.label);
      if (Number.isNaN(p) || Number.isNaN(l)) continue;
      s += Math.abs(p - l);
      n++;
    }
  }
  return n ? s / n : null;
}

/** Windows aligned to multiples of windowMs (UTC), each window that saw a prediction. */
export function performanceWindows(predictionTimes: readonly number[], labelled: readonly Labelled[], cfg: PerformanceConfig): PerformanceReport {
  const w = cfg.windowMs;
  const counts = new Map<number, number>();
  for (const t of predictionTimes) counts.set(Math.floor(t / w), (counts.get(Math.floor(t / w)) ?? 0) + 1);
  const groups = new Map<number, Labelled[]>();
  for (const l of labelled) {
    const k = Math.floor(l.time / w);
    const g = groups.get(k);
    if (g) g.push(l);
    else groups.set(k, [l]);
  }
  const keys = [...counts.keys()].sort((a, b) => a - b);
  const windows: PerformanceWindow[] = [];
  // only windows that saw traffic: a long quiet span does not print thousands of empty rows
  {
    for (const k of keys) {
      const items = groups.get(k) ?? [];
      const value = score(cfg.metric, items);
      const bad = value !== null && ((cfg.floor !== undefined && value < cfg.floor) || (cfg.ceiling !== undefined && value > cfg.ceiling));
      windows.push({
        start: new Date(k * w).toISOString(),
        end: new Date((k + 1) * w).toISOString(),
        predictions: counts.get(k) ?? 0,
        labelled: items.length,
        value,
        status: items.length < cfg.minLabels || value === null ? 'insufficient' : bad ? 'alert' : 'ok',
      });
    }
  }
  const alerts = windows.filter((x) => x.status === 'alert').length;
  const judged = windows.filter((x) => x.status !== 'insufficient').length;
  const verdict: Verdict = alerts ? 'fail' : judged ? 'pass' : 'inconclusive';
  return {
    verdict,
    metric: cfg.metric,
    window_ms: w,
    ...(cfg.floor !== undefined ? { floor: cfg.floor } : {}),
    ...(cfg.ceiling !== undefined ? { ceiling: cfg.ceiling } : {}),
    min_labels: cfg.minLabels,
    windows,
    overall: { predictions: predictionTimes.length, labelled: labelled.length, value: score(cfg.metric, labelled) },
    alerts,
  };
}

export interface RequestsAndFeedback {
  /** request time per prediction row */
  predictionTimes: number[];
  labelled: Labelled[];
  /** feedback whose id matches no request (or whose labels do not line up with its outputs) */
  unmatched: number;
  lines: number;
}

function timeOf(v: unknown): number {
  return typeof v === 'string' || typeof v === 'number' ? new Date(v).getTime() : Number.NaN;
}

/**
 * Read request-log lines (`time`, `id`, `outputs`) and feedback lines (`id`, `label`: one value,
 * or a list aligned with that request's outputs), from the log itself (a line with `label` and
 * no `inputs`) and from extra feedback files. The last feedback for an id wins.
 */
export async function readRequestsAndFeedback(log: TableFile[], feedback: TableFile[], opts: { sinceMs?: number } = {}): Promise<RequestsAndFeedback> {
  const requests = new Map<string, { time: number; outputs: unknown[] }>();
  const labels = new Map<string, unknown>();
  const predictionTimes: number[] = [];
  let lines = 0;
  const read = async (files: TableFile[], isFeedbackFile: boolean): Promise<void> => {
    for await (const b of readTable(files, { format: 'jsonl' })) {
      const col = (n: string): number => b.columns.indexOf(n);
      const [ti, ii, oi, li, ini] = [col('time'), col('id'), col('outputs'), col('label'), col('inputs')];
      b.rows.forEach((r, k) => {
        lines++;
        const row = b.firstRow + k;
        const id = ii < 0 ? undefined : r[ii];
        const hasInputs = ini >= 0 && r[ini] !== undefined;
        if (isFeedbackFile || (!hasInputs && li >= 0 && r[li] !== undefined)) {
          if (typeof id !== 'string' && typeof id !== 'number') throw badData(b.file, 'a feedback line needs `id` (the request id) and `label`', { row, line: row });
          labels.set(String(id), li < 0 ? undefined : r[li]);
          return;
        }
        const t = timeOf(ti < 0 ? undefined : r[ti]);
        if (Number.isNaN(t)) throw badData(b.file, 'a request log line needs `time` (an ISO date or epoch milliseconds)', { row, line: row });
        if (opts.sinceMs !== undefined && t < opts.sinceMs) return;
        const out = oi < 0 ? undefined : r[oi];
        const outputs = Array.isArray(out) ? out : out === undefined ? [] : [out];
        for (let j = 0; j < outputs.length; j++) predictionTimes.push(t);
        if (typeof id === 'string' || typeof id === 'number') requests.set(String(id), { time: t, outputs });
      });
    }
  };
  await read(log, false);
  if (feedback.length) await read(feedback, true);
  const labelled: Labelled[] = [];
  let unmatched = 0;
  for (const [id, label] of labels) {
    const req = requests.get(id);
    const list = Array.isArray(label) ? label : [label];
    if (!req || label === undefined || list.length !== req.outputs.length) {
      unmatched++;
      continue;
    }
    list.forEach((l, j) => {
      if (l !== null && l !== undefined) labelled.push({ time: req.time, prediction: req.outputs[j], label: l });
    });
  }
  return { predictionTimes, labelled, unmatched, lines };
}
