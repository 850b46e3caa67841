// cairn monitor drift: compare a current sample (a table, or a request log) with the reference
// (the training features) column by column; the dataset drifts when enough columns do. Returns
// plain data with a verdict (fail = drift); optionally writes the HTML page and runs the
// on-drift command under a cooldown. The clock and the command runner are injectable.
import { spawn } from 'node:child_process';
import { openSync, readSync, closeSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CairnError } from '../core/errors.js';
import type { Verdict } from '../core/verdict.js';
import { formatOf, tableFiles, type TableFormat } from '../io/tables/index.js';
import { readRequestLog, readSample, type ColumnKind, type RequestLogInfo } from '../mlops/monitor/columns.js';
import { driftConfigFromFlags, parseDuration, type DriftConfig, type DriftFlags } from '../mlops/monitor/config.js';
import { compareSamples, type ColumnDrift } from '../mlops/monitor/drift.js';
import { lastOnDrift, planOnDrift, recordOnDrift } from '../mlops/monitor/on-drift.js';
import { findRepoRoot, repoPaths } from '../repo/repo.js';

export interface MonitorDriftOptions {
  cwd: string;
  /** the reference table (file or folder; CSV, TSV, JSON, JSON Lines, Parquet) */
  reference: string;
  /** the current table, or a request log (JSON Lines with `time` and `inputs`) */
  current: string;
  /** settings as flags (`driftConfigFromFlags`), or a whole config */
  flags?: DriftFlags;
  config?: DriftConfig;
  /** how to read CUR: 'auto' (a request log when its first line has `time` and `inputs`), 'table', 'log' */
  currentAs?: 'auto' | 'table' | 'log';
  /** force a table format for both sides */
  format?: TableFormat;
  /** only request-log lines newer than this duration (`1h`, `30m`) */
  since?: string;
  /** write the HTML page here */
  html?: string;
  /** run this (through sh -c, in the repo root or cwd) when the dataset drifts */
  onDrift?: string;
  /** no second on-drift run within this duration (default 1h) */
  cooldown?: string;
  /** the clock (default: now) */
  now?: () => Date;
  /** the on-drift runner (default: sh -c with inherited stdio); resolves to the exit code */
  runCommand?: (command: string, cwd: string) => Promise<number>;
}

export interface MonitorDriftResult {
  verdict: Verdict;
  drift: boolean;
  share: number;
  drifted: number;
  tested: number;
  threshold_share: number;
  columns: ColumnDrift[];
  predictions: ColumnDrift[];
  prediction_drift: boolean;
  skipped: { column: string; reason: string }[];
  reference: { name: string; rows: number };
  current: { name: string; rows: number; source: 'table' | 'request-log'; since?: string; log?: RequestLogInfo };
  correction: DriftConfig['correction'];
  min_effect?: number;
  on_drift?: { command: string; ran: boolean; reason: 'drift' | 'no drift' | 'cooldown'; exit_code?: number; next_allowed?: string };
  html?: string;
}

export const DEFAULT_COOLDOWN = '1h';

/** A request log's first line carries `time` and `inputs`. */
function looksLikeRequestLog(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(1 << 16);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const first = buf.subarray(0, n).toString('utf8').split('\n').find((l) => l.trim());
    if (!first) return false;
    const v = JSON.parse(first) as unknown;
    return !!v && typeof v === 'object' && 'time' in v && 'inputs' in v;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function defaultRunner(command: string, cwd: string): Promise<number> {
  return new Promise((res, rej) => {
    // the command's output goes to stderr, so --json on stdout stays one document
    const child = spawn('sh', ['-c', command], { cwd, stdio: ['ignore', 2, 2] });
    child.on('error', rej);
    child.on('close', (code, signal) => res(code ?? (signal ? 128 : 1)));
  });
}

export async function monitorDrift(opts: MonitorDriftOptions): Promise<MonitorDriftResult> {
  const cfg = opts.config ?? driftConfigFromFlags(opts.flags ?? {});
  const now = opts.now ?? (() => new Date());
  const refPath = resolve(opts.cwd, opts.reference);
  const curPath = resolve(opts.cwd, opts.current);
  const refFiles = tableFiles(refPath, opts.reference);
  const curFiles = tableFiles(curPath, opts.current);
  const kinds = new Map<string, ColumnKind>(Object.entries(cfg.kinds));
  const only = cfg.columns ? new Set([...cfg.columns, ...cfg.predictions]) : undefined;
  const reference = await readSample(refFiles, { kinds, only, format: opts.format });
  if (!reference.rows) throw new CairnError('CAIRN_BAD_DATA', `the reference ${opts.reference} has no rows`, { hint: 'point --reference at the training features', data: { file: opts.reference } });
  for (const c of cfg.columns ?? []) {
    if (!reference.columns.has(c)) throw new CairnError('CAIRN_USAGE', `--columns names '${c}', which is not a column of ${opts.reference}`, { hint: `its columns: ${reference.names.join(', ')}` });
  }
  // the current sample is read with the reference's kinds
  const refKinds = new Map<string, ColumnKind>([...reference.columns].map(([n, c]) => [n, c.kind]));
  const asLog =
    opts.currentAs === 'log' ||
    (opts.currentAs !== 'table' && curFiles.length === 1 && formatOf(curFiles[0]!.name) === 'jsonl' && !opts.format && looksLikeRequestLog(curFiles[0]!.path!));
  if (opts.since !== undefined && !asLog) throw new CairnError('CAIRN_USAGE', `--since filters a request log by time, and ${opts.current} is not one`, { hint: 'a request log is JSON Lines whose lines have `time` and `inputs`; pass --current-as log to force it' });
  let current;
  let log: RequestLogInfo | undefined;
  let since: Date | undefined;
  if (asLog) {
    since = opts.since === undefined ? undefined : sinceOf(opts.since, now());
    const r = await readRequestLog(curFiles, { kinds: refKinds, since, only });
    current = r.sample;
    log = r.log;
  } else current = await readSample(curFiles, { kinds: refKinds, inferKinds: false, only, format: opts.format });
  const cfgWithPred = asLog && !cfg.predictions.length && current.columns.has('prediction') && reference.columns.has('prediction') ? { ...cfg, predictions: ['prediction'] } : cfg;
  const report = compareSamples(reference, current, cfgWithPred, { histograms: opts.html !== undefined });
  const result: MonitorDriftResult = {
    verdict: report.verdict,
    drift: report.drift,
    share: report.share,
    drifted: report.drifted,
    tested: report.tested,
    threshold_share: cfg.share,
    columns: report.columns,
    predictions: report.predictions,
    prediction_drift: report.prediction_drift,
    skipped: report.skipped,
    reference: { name: opts.reference, rows: reference.rows },
    current: { name: opts.current, rows: current.rows, source: asLog ? 'request-log' : 'table', ...(since ? { since: since.toISOString() } : {}), ...(log ? { log } : {}) },
    correction: cfg.correction,
    ...(cfg.minEffect !== undefined ? { min_effect: cfg.minEffect } : {}),
  };
  if (opts.html !== undefined) {
    const file = resolve(opts.cwd, opts.html);
    const { driftCharts } = await import('../render/drift-charts.js');
    const { writePlotsPage } = await import('../metrics/plots.js');
    mkdirSync(dirname(file), { recursive: true });
    writePlotsPage(file, driftCharts([...report.columns, ...report.predictions]), `drift: ${opts.current} vs ${opts.reference}`);
    result.html = opts.html;
    // the bins fed the page; the JSON keeps its documented shape
    for (const c of [...result.columns, ...result.predictions]) delete c.bins;
  }
  if (opts.onDrift !== undefined) {
    const root = findRepoRoot(opts.cwd);
    const stateDir = root ? repoPaths(root).stateDir : join(resolve(opts.cwd), '.cairn', 'state');
    const cooldownMs = parseDuration('--cooldown', opts.cooldown ?? DEFAULT_COOLDOWN);
    const t = now();
    const plan = planOnDrift({ drift: report.drift, now: t, last: lastOnDrift(stateDir, opts.onDrift), cooldownMs });
    result.on_drift = { command: opts.onDrift, ran: plan.run, reason: plan.reason, ...(plan.next_allowed ? { next_allowed: plan.next_allowed } : {}) };
    if (plan.run) {
      // recorded before running, so a crash mid-run does not start a second retraining at once
      recordOnDrift(stateDir, opts.onDrift, t);
      result.on_drift.exit_code = await (opts.runCommand ?? defaultRunner)(opts.onDrift, root ?? resolve(opts.cwd));
    }
  }
  return result;
}

/** `--since`: a duration back from now (30m, 1h), or an ISO time (2026-01-01T10:00:00Z) to cut at. */
function sinceOf(s: string, at: Date): Date {
  if (/^\d{4}-\d{2}-\d{2}T/.test(s.trim())) {
    const t = new Date(s.trim());
    if (Number.isNaN(t.getTime())) throw new CairnError('CAIRN_USAGE', `--since: '${s}' is not a time`, { hint: '--since 1h, or --since 2026-01-01T10:00:00Z' });
    return t;
  }
  return new Date(at.getTime() - parseDuration('--since', s));
}
