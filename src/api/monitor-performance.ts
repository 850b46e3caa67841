// cairn monitor performance: accuracy (or MAE) of the served model per time window, from the
// request log joined with feedback labels by request id; an alert when a window with enough
// labels falls below the floor (accuracy) or above the ceiling (MAE). Returns plain data with a
// verdict (fail = an alert; inconclusive = no window had enough labels).
import { CairnError } from '../core/errors.js';
import { tableFiles } from '../io/tables/index.js';
import { parseDuration } from '../mlops/monitor/config.js';
import { performanceWindows, readRequestsAndFeedback, type PerformanceMetric, type PerformanceReport } from '../mlops/monitor/performance.js';
import { resolve } from 'node:path';

export interface MonitorPerformanceOptions {
  cwd: string;
  /** the request log (JSON Lines; a file or a folder of rotated files) */
  log: string;
  /** extra feedback files (JSON Lines of {id, label}); feedback lines in the log count too */
  feedback?: string[];
  metric?: PerformanceMetric;
  /** window length (default 1h) */
  window?: string;
  /** alert when accuracy < floor */
  floor?: number;
  /** alert when MAE > ceiling */
  ceiling?: number;
  /** a window needs this many labels to be judged (default 20) */
  minLabels?: number;
  /** only requests newer than this duration */
  since?: string;
  now?: () => Date;
}

export interface MonitorPerformanceResult extends PerformanceReport {
  log: string;
  lines: number;
  unmatched_feedback: number;
}

export async function monitorPerformance(o: MonitorPerformanceOptions): Promise<MonitorPerformanceResult> {
  const metric = o.metric ?? 'accuracy';
  if (metric !== 'accuracy' && metric !== 'mae') throw new CairnError('CAIRN_USAGE', `--metric ${String(metric)}: use accuracy or mae`);
  if (metric === 'accuracy' && o.ceiling !== undefined) throw new CairnError('CAIRN_USAGE', '--ceiling applies to --metric mae; accuracy alerts below --floor');
  if (metric === 'mae' && o.floor !== undefined) throw new CairnError('CAIRN_USAGE', '--floor applies to --metric accuracy; MAE alerts above --ceiling');
  for (const [flag, v] of [['--floor', o.floor], ['--ceiling', o.ceiling]] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new CairnError('CAIRN_USAGE', `${flag} must be a number >= 0, got '${v}'`);
  }
  const minLabels = o.minLabels ?? 20;
  if (!Number.isInteger(minLabels) || minLabels < 1) throw new CairnError('CAIRN_USAGE', `--min-labels must be a whole number >= 1, got '${o.minLabels}'`);
  const windowMs = parseDuration('--window', o.window ?? '1h');
  if (windowMs < 1000) throw new CairnError('CAIRN_USAGE', `--window must be at least 1s, got '${o.window}'`);
  const now = o.now ?? (() => new Date());
  const sinceMs = o.since === undefined ? undefined : now().getTime() - parseDuration('--since', o.since);
  const logFiles = tableFiles(resolve(o.cwd, o.log), o.log);
  const fb = (o.feedback ?? []).flatMap((f) => tableFiles(resolve(o.cwd, f), f));
  const data = await readRequestsAndFeedback(logFiles, fb, { sinceMs });
  const report = performanceWindows(data.predictionTimes, data.labelled, { metric, windowMs, floor: o.floor, ceiling: o.ceiling, minLabels });
  return { ...report, log: o.log, lines: data.lines, unmatched_feedback: data.unmatched };
}
