// Columns for drift: a table (any format the table readers know) or a request log read into one
// accumulator per column, in flat memory: numbers go to a growing Float64Array, categories to a
// count map. A column's kind comes from the reference (numeric when every present value is a
// finite number or a numeric string), unless the caller fixes it; the current sample is read
// with the reference's kinds.
import { badData, readTable, type Cell, type TableFile, type TableFormat } from '../../io/tables/index.js';

export type ColumnKind = 'numeric' | 'categorical';

/** One column's values: numbers (numeric) or counts per category; missing cells counted apart. */
export interface ColumnSample {
  kind: ColumnKind;
  /** numeric values, ascending once `finish` ran */
  values: Float64Array;
  /** category → count */
  counts: Map<string, number>;
  /** present values */
  n: number;
  /** null, empty, NaN cells */
  missing: number;
  /** cells a numeric column could not read as a number (counted as missing too) */
  invalid: number;
}

export interface Sample {
  /** rows read */
  rows: number;
  /** column names in first-seen order */
  names: string[];
  columns: Map<string, ColumnSample>;
}

/** The text cells pandas.read_csv reads as missing by default (so both sides agree on CSVs). */
export const NA_STRINGS: ReadonlySet<string> = new Set(['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']);

/** A cell that holds no value: null/undefined, NaN, an empty or NA string (pandas' list). */
export function isMissing(v: Cell): boolean {
  return v === null || v === undefined || (typeof v === 'string' && NA_STRINGS.has(v.trim())) || (typeof v === 'number' && Number.isNaN(v));
}

/** The number a cell holds, or NaN. */
export function numberOf(v: Cell): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : Number.NaN;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const s = v.trim();
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number.NaN;
    return Number(s);
  }
  return Number.NaN;
}

/** The category a cell names. */
export function categoryOf(v: Cell): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

/** Accumulates a sample column by column; `kinds` fixes kinds (others are inferred). */
export class SampleBuilder {
  private cols = new Map<string, ColumnSample>();
  private fixed: boolean;
  private names: string[] = [];
  rows = 0;

  constructor(private kinds: ReadonlyMap<string, ColumnKind> = new Map(), opts: { inferKinds?: boolean } = {}) {
    this.fixed = opts.inferKinds === false;
  }

  private col(name: string): ColumnSample {
    let c = this.cols.get(name);
    if (!c) {
      c = { kind: this.kinds.get(name) ?? 'numeric', values: new Float64Array(1024), counts: new Map(), n: 0, missing: this.rows, invalid: 0 };
      this.cols.set(name, c);
      this.names.push(name);
    }
    return c;
  }

  /** Add rows given as arrays aligned with `columns`. */
  addRows(columns: readonly string[], rows: readonly Cell[][], only?: ReadonlySet<string>): void {
    const cs = columns.map((name) => (only && !only.has(name) ? undefined : this.col(name)));
    const seen = new Set(cs);
    for (const r of rows) {
      for (let j = 0; j < cs.length; j++) {
        const c = cs[j];
        if (c) this.add(c, columns[j]!, r[j]);
      }
    }
    // columns known but absent from this batch's header: every row is missing there
    for (const c of this.cols.values()) if (!seen.has(c)) c.missing += rows.length;
    this.rows += rows.length;
  }

  /** Add one row given as an object. */
  addObject(o: Record<string, unknown>, only?: ReadonlySet<string>): void {
    const keys = Object.keys(o).filter((k) => !only || only.has(k));
    this.addRows(keys, [keys.map((k) => o[k])], only);
  }

  private add(c: ColumnSample, name: string, v: Cell): void {
    if (isMissing(v)) {
      c.missing++;
      return;
    }
    if (c.kind === 'numeric') {
      const x = numberOf(v);
      if (!Number.isNaN(x)) {
        if (c.n === c.values.length) {
          const g = new Float64Array(c.values.length * 2);
          g.set(c.values);
          c.values = g;
        }
        c.values[c.n++] = x;
        return;
      }
      if (this.fixed || this.kinds.has(name)) {
        c.invalid++;
        c.missing++;
        return;
      }
      // the first non-number turns an inferred column categorical; numbers so far become labels
      c.kind = 'categorical';
      for (let i = 0; i < c.n; i++) bump(c.counts, String(c.values[i]));
      c.values = new Float64Array(0);
    }
    bump(c.counts, categoryOf(v));
    c.n++;
  }

  finish(): Sample {
    for (const c of this.cols.values()) {
      if (c.kind === 'numeric') c.values = c.values.slice(0, c.n).sort();
      c.missing = this.rows - c.n; // rows before a column first appeared count as missing
    }
    return { rows: this.rows, names: [...this.names], columns: this.cols };
  }
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

/** Read a table into a sample. */
export async function readSample(input: string | TableFile[], opts: { kinds?: ReadonlyMap<string, ColumnKind>; inferKinds?: boolean; only?: ReadonlySet<string>; format?: TableFormat } = {}): Promise<Sample> {
  const b = new SampleBuilder(opts.kinds, { inferKinds: opts.inferKinds });
  for await (const batch of readTable(input, { format: opts.format })) b.addRows(batch.columns, batch.rows, opts.only);
  return b.finish();
}

/** What a request log contributed: lines read, kept by `since`, and rows flattened from them. */
export interface RequestLogInfo {
  lines: number;
  kept: number;
  rows: number;
  /** earliest and latest `time` kept (ISO) */
  from?: string;
  to?: string;
}

/**
 * Read a request log (JSON Lines with `time` and `inputs`: one object per row, or a list of them;
 * `outputs`, when it is a list as long as `inputs` or a single value for a single row, becomes the
 * `prediction` column, an object output contributing `prediction.<key>` columns). Lines with
 * `time` before `since` are skipped; lines with `status` other than "ok" still count (their inputs
 * arrived); feedback lines (`"type": "feedback"`, docs/serving.md#request-log) are skipped.
 */
export async function readRequestLog(input: string | TableFile[], opts: { kinds?: ReadonlyMap<string, ColumnKind>; since?: Date; only?: ReadonlySet<string> } = {}): Promise<{ sample: Sample; log: RequestLogInfo }> {
  const b = new SampleBuilder(opts.kinds, { inferKinds: true });
  const info: RequestLogInfo = { lines: 0, kept: 0, rows: 0 };
  const sinceMs = opts.since?.getTime();
  let minT = Infinity;
  let maxT = -Infinity;
  for await (const batch of readTable(input, { format: 'jsonl' })) {
    const ti = batch.columns.indexOf('time');
    const ii = batch.columns.indexOf('inputs');
    const oi = batch.columns.indexOf('outputs');
    const ki = batch.columns.indexOf('type');
    batch.rows.forEach((r, k) => {
      const row = batch.firstRow + k;
      info.lines++;
      // cairn serve writes feedback labels into the same log: no inputs to compare
      if (ki >= 0 && r[ki] === 'feedback') return;
      const t = ti < 0 ? undefined : r[ti];
      const ms = typeof t === 'string' || typeof t === 'number' ? new Date(t).getTime() : Number.NaN;
      if (Number.isNaN(ms)) throw badData(batch.file, 'a request log line needs `time` (an ISO date or epoch milliseconds)', { row, line: row });
      if (sinceMs !== undefined && ms < sinceMs) return;
      const inputs = ii < 0 ? undefined : r[ii];
      const list = Array.isArray(inputs) ? inputs : [inputs];
      if (!list.length || list.some((x) => x === null || typeof x !== 'object' || Array.isArray(x))) {
        throw badData(batch.file, '`inputs` must be an object (one row) or a list of objects', { row, line: row });
      }
      const outputs = oi < 0 ? undefined : r[oi];
      const outs = Array.isArray(outputs) && outputs.length === list.length ? outputs : list.length === 1 && outputs !== undefined && !Array.isArray(outputs) ? [outputs] : undefined;
      list.forEach((o, j) => {
        const rowObj: Record<string, unknown> = { ...(o as Record<string, unknown>) };
        const out = outs?.[j];
        if (out !== undefined) {
          if (out !== null && typeof out === 'object' && !Array.isArray(out)) for (const [kk, vv] of Object.entries(out)) rowObj[`prediction.${kk}`] = vv;
          else rowObj.prediction = out;
        }
        b.addObject(rowObj, opts.only);
      });
      info.kept++;
      info.rows += list.length;
      minT = Math.min(minT, ms);
      maxT = Math.max(maxT, ms);
    });
  }
  if (info.kept) {
    info.from = new Date(minT).toISOString();
    info.to = new Date(maxT).toISOString();
  }
  return { sample: b.finish(), log: info };
}
