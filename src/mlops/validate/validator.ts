// The validation engine: batches of rows in, every violation of a schema out, in one pass with
// no early exit. Semantics (docs/validation.md): a null is judged only by `nullable`; a value
// that fails `type` is judged only by `type`; any other value is judged by every check it
// breaks; `unique` reports every repeat except the first; `mostly` turns a value check's
// failure into a fraction test but still lists every failing row.
import { CairnError } from '../../core/errors.js';
import type { Verdict } from '../../core/verdict.js';
import { AS_TEXT, cellString, cellValue, NULL_CELL } from '../../io/tables/batch.js';
import { batchLength, type NumericColumn, type RowBatch } from '../../io/tables/index.js';
import { coercer, dateCoercer, FAIL, type Coerce, type Typed } from './coerce.js';
import { VALUE_CHECKS, type CheckName, type ColumnSpec, type Schema, type Severity } from './schema.js';

export interface Failure {
  /** null for table-level checks (rows, extra_columns, ordered, unique over a column set) */
  column: string | null;
  check: CheckName;
  severity: Severity;
  /** rows (or, for table-level checks, items) that failed */
  count: number;
  /** count as a percentage of the rows read */
  percent: number;
  /** 1-based data row numbers (a CSV header is not a row), ascending; capped by maxExamples */
  rows: number[];
  /** the failing values, one per entry of rows (table-level checks: what was found) */
  examples: unknown[];
  /** what the check wanted, in words */
  expected: string;
  /** the columns of a table-level unique check */
  columns?: string[];
  /** with `mostly`: the required fraction and the fraction that passed */
  mostly?: number;
  fraction?: number;
}

export interface CheckResult {
  column: string | null;
  check: CheckName;
  severity: Severity;
  status: 'pass' | 'fail' | 'skipped';
  /** failing rows (with mostly, also when the check passed) */
  count: number;
  expected: string;
  /** the columns of a table-level unique check */
  columns?: string[];
  fraction?: number;
}

export interface TableFileInfo {
  name: string;
  firstRow: number;
  rows: number;
  columns: string[];
}

export interface ValidationReport {
  verdict: Verdict;
  rows: number;
  columns: string[];
  files: TableFileInfo[];
  failures: Failure[];
  checks: CheckResult[];
  summary: { checks: number; passed: number; failed: number; errors: number; warnings: number; skipped: number };
}

export interface ValidateOptions {
  /** keep at most this many rows/examples per failure (the count is always exact) */
  maxExamples?: number;
}

class Acc {
  count = 0;
  readonly rows: number[] = [];
  readonly examples: unknown[] = [];
  constructor(private readonly cap: number) {}
  add(row: number, v: unknown): void {
    this.count++;
    if (this.rows.length < this.cap) {
      this.rows.push(row);
      this.examples.push(v);
    }
  }
}

function jsonSafe(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v === undefined ? null : v;
}

function fmt(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/**
 * A set of numbers: a JS Set of a million doubles was most of a numeric column's check time
 * (each key boxed and hashed as a heap number) and ~3x the memory. Values that arrive in
 * increasing order (an id column) are kept as a sorted run, appended to and binary-searched;
 * the others in an open-addressed Float64Array hash. Same equality as a Set (SameValueZero;
 * NaN never gets here, nulls are judged first).
 */
export class NumSet {
  private run = new Float64Array(1 << 10);
  private runLen = 0;
  private keys = new Float64Array(1 << 10).fill(Number.NaN);
  private shift = 22;
  private size = 0;

  /** Adds x; false when x was there already. */
  add(x: number): boolean {
    if (x === 0) x = 0; // -0 is 0
    const n = this.runLen;
    if (n === 0 || x > this.run[n - 1]!) {
      if (this.size && this.inHash(x)) return false;
      if (n === this.run.length) {
        const r = new Float64Array(n * 2);
        r.set(this.run);
        this.run = r;
      }
      this.run[n] = x;
      this.runLen = n + 1;
      return true;
    }
    const run = this.run;
    let lo = 0;
    let hi = n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = run[mid]!;
      if (v === x) return false;
      if (v < x) lo = mid + 1;
      else hi = mid - 1;
    }
    return this.hashAdd(x);
  }

  private slot(x: number): number {
    F64[0] = x;
    return Math.imul(U32[0]! ^ Math.imul(U32[1]!, 0x85ebca6b), 0x9e3779b1) >>> this.shift;
  }

  private inHash(x: number): boolean {
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let i = this.slot(x); ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k !== k) return false;
      if (k === x) return true;
    }
  }

  private hashAdd(x: number): boolean {
    const keys = this.keys;
    const mask = keys.length - 1;
    let i = this.slot(x);
    for (;;) {
      const k = keys[i]!;
      if (k !== k) break;
      if (k === x) return false;
      i = (i + 1) & mask;
    }
    keys[i] = x;
    if (++this.size * 2 > keys.length) this.grow();
    return true;
  }

  private grow(): void {
    const old = this.keys;
    this.keys = new Float64Array(old.length * 2).fill(Number.NaN);
    this.shift--;
    this.size = 0;
    for (let i = 0; i < old.length; i++) {
      const k = old[i]!;
      if (k === k) this.hashAdd(k);
    }
  }
}

/** The values a unique column has seen: numbers in a NumSet, anything else in a Set. */
class Uniq {
  readonly nums = new NumSet();
  private readonly rest = new Set<Typed>();
  /** Adds t (not a number); false when it was there already. */
  add(t: Typed): boolean {
    if (this.rest.has(t)) return false;
    this.rest.add(t);
    return true;
  }
}

interface ColumnState {
  spec: ColumnSpec;
  coerce: Coerce;
  /** comparison value for min/max of an untyped column (as a number) */
  nullSet: Set<string>;
  min?: number;
  max?: number;
  inSet?: Set<unknown>;
  seen?: Uniq;
  nulls: number;
  nonNull: number;
  present: boolean;
  acc: Partial<Record<CheckName, Acc>>;
}

function badBound(spec: ColumnSpec, schema: Schema, key: string, v: unknown): CairnError {
  return new CairnError('CAIRN_BAD_SCHEMA', `${schema.file}${spec.line ? `:${spec.line}` : ''}: columns.${spec.name}.${key}: ${fmt(v)} is not a ${spec.type}${spec.format ? ` in format ${spec.format}` : ''}`, {
    hint: `fix ${schema.file}${spec.line ? ` at line ${spec.line}` : ''}`,
    data: { file: schema.file, line: spec.line, key: `columns.${spec.name}.${key}` },
  });
}

function columnState(spec: ColumnSpec, schema: Schema, cap: number): ColumnState {
  const coerce = coercer(spec.type, spec.format);
  const numericBound = spec.type === 'date' || spec.type === 'datetime' ? dateCoercer(spec.type, spec.format) : (v: unknown) => (typeof v === 'number' ? v : FAIL);
  const bound = (k: 'min' | 'max'): number | undefined => {
    const v = spec[k];
    if (v === undefined) return undefined;
    const t = numericBound(v);
    if (t === FAIL) throw badBound(spec, schema, k, v);
    return Number(t);
  };
  let inSet: Set<unknown> | undefined;
  if (spec.in) {
    inSet = new Set();
    for (const x of spec.in) {
      if (x === null) continue;
      if (spec.type === undefined) inSet.add(String(x));
      else {
        const t = coerce(typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? (spec.type === 'string' || spec.type === 'category' ? String(x) : x) : String(x));
        if (t === FAIL) throw badBound(spec, schema, 'in', x);
        inSet.add(t);
      }
    }
  }
  const acc: ColumnState['acc'] = {};
  const add = (c: CheckName) => (acc[c] = new Acc(cap));
  if (!spec.nullable) add('nullable');
  if (spec.type) add('type');
  if (spec.min !== undefined) add('min');
  if (spec.max !== undefined) add('max');
  if (spec.in) add('in');
  if (spec.regex) add('regex');
  if (spec.length) add('length');
  if (spec.unique) add('unique');
  return { spec, coerce, nullSet: new Set(spec.nullValues), min: bound('min'), max: bound('max'), inSet, seen: spec.unique ? new Uniq() : undefined, nulls: 0, nonNull: 0, present: false, acc };
}

function expectedOf(c: ColumnSpec, check: CheckName): string {
  switch (check) {
    case 'type': return `type ${c.type}${c.format ? ` (${c.format})` : ''}`;
    case 'nullable': return 'no nulls';
    case 'min': return `${c.exclusiveMin ? '>' : '>='} ${c.min}`;
    case 'max': return `${c.exclusiveMax ? '<' : '<='} ${c.max}`;
    case 'in': return `one of ${JSON.stringify(c.in)}`;
    case 'regex': return `matches /${c.regex!.source}/`;
    case 'length': return c.length!.min === c.length!.max ? `length ${c.length!.min}` : `length ${c.length!.min ?? 0}..${c.length!.max ?? '∞'}`;
    case 'unique': return 'unique values';
    case 'missing_column': return 'the column is present';
    default: return check;
  }
}

function columnOf(rows: unknown[][], j: number): unknown[] {
  const out = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = rows[i]![j];
  return out;
}

/** Feed batches with push(), then finish() for the report. */
export class Validator {
  private readonly cols: ColumnState[];
  private readonly cap: number;
  private total = 0;
  private readonly files: TableFileInfo[] = [];
  private readonly seenColumns: string[] = [];
  private readonly seenColumnSet = new Set<string>();
  private readonly setSeen: Set<string>[];
  private readonly setAcc: Acc[];
  private lastColumns: string[] | undefined;
  private lastIndex: number[] = [];

  constructor(
    private readonly schema: Schema,
    opts: ValidateOptions = {},
  ) {
    this.cap = opts.maxExamples ?? Number.POSITIVE_INFINITY;
    this.cols = schema.columns.map((c) => columnState(c, schema, this.cap));
    this.setSeen = schema.unique.map(() => new Set());
    this.setAcc = schema.unique.map(() => new Acc(this.cap));
  }

  private isNull(s: ColumnState, v: unknown): boolean {
    return v === undefined || v === null || (typeof v === 'string' && s.nullSet.has(v)) || (typeof v === 'number' && v !== v);
  }

  push(b: RowBatch): void {
    let f = this.files[this.files.length - 1];
    if (!f || f.name !== b.file) {
      f = { name: b.file, firstRow: b.firstRow, rows: 0, columns: b.columns };
      this.files.push(f);
    }
    f.columns = b.columns;
    const count = batchLength(b);
    f.rows += count;
    this.total += count;
    if (b.columns !== this.lastColumns) {
      this.lastColumns = b.columns;
      this.lastIndex = this.cols.map((c) => b.columns.indexOf(c.spec.name));
      for (const c of b.columns) {
        if (!this.seenColumnSet.has(c)) {
          this.seenColumnSet.add(c);
          this.seenColumns.push(c);
        }
      }
    }
    const n = count;
    for (let k = 0; k < this.cols.length; k++) {
      const j = this.lastIndex[k]!;
      const nc = j >= 0 ? b.numeric?.[j] : undefined;
      if (nc) this.judgeNumeric(this.cols[k]!, nc, n, b.firstRow);
      else {
        const cols = b.textCols ?? b.cols;
        this.judgeColumn(this.cols[k]!, j >= 0 ? (cols ? cols[j]! : columnOf(b.rows, j)) : undefined, n, b.firstRow);
      }
    }
    for (let u = 0; u < this.schema.unique.length; u++) this.judgeSet(u, b);
  }

  private judgeColumn(s: ColumnState, col: ArrayLike<unknown> | undefined, n: number, first: number, present = false): void {
    if (col || present) s.present = true;
    const spec = s.spec;
    const { coerce, min, max, inSet, seen } = s;
    const exMin = spec.exclusiveMin;
    const exMax = spec.exclusiveMax;
    const re = spec.regex;
    const fast = spec.regexFast;
    const fastMax = spec.regexFastMax ?? 0;
    const len = spec.length;
    const lmin = len?.min ?? 0;
    const lmax = len?.max ?? Number.POSITIVE_INFINITY;
    const a = s.acc;
    const untypedNumeric = spec.type === undefined && (min !== undefined || max !== undefined);
    const nullSet = s.nullSet;
    const onlyEmpty = nullSet.size === 1 && nullSet.has('');
    for (let i = 0; i < n; i++) {
      const v = col ? col[i] : undefined;
      if (v === undefined || v === null || (typeof v === 'string' ? (onlyEmpty ? v === '' : nullSet.has(v)) : typeof v === 'number' && v !== v)) {
        s.nulls++;
        a.nullable?.add(first + i, null);
        continue;
      }
      s.nonNull++;
      const t = coerce(v);
      if (t === FAIL) {
        a.type!.add(first + i, v);
        continue;
      }
      if (min !== undefined || max !== undefined) {
        const x = (untypedNumeric ? (typeof t === 'number' ? t : typeof t === 'string' ? Number(t) : NaN) : t) as number;
        if (x === x) {
          if (min !== undefined && (exMin ? !(x > min) : !(x >= min))) a.min!.add(first + i, v);
          if (max !== undefined && (exMax ? !(x < max) : !(x <= max))) a.max!.add(first + i, v);
        }
      }
      if (inSet && !inSet.has(spec.type === undefined ? String(t) : t)) a.in!.add(first + i, v);
      if (re || len) {
        const str = typeof v === 'string' ? v : String(t);
        if (re && !(fast && str.length <= fastMax ? fast : re).test(str)) a.regex!.add(first + i, v);
        if (len && (str.length < lmin || str.length > lmax)) a.length!.add(first + i, v);
      }
      if (seen && !(typeof t === 'number' ? seen.nums.add(t) : seen.add(t))) a.unique!.add(first + i, v);
    }
  }

  /**
   * A column read as numbers (numericColumns): a plain decimal cell (CSV) or a number (Parquet)
   * already has its value, and a CSV one is never null (null values that look like numbers keep
   * a column off that path); a null cell counts as one; other cells take judgeColumn's path one
   * at a time. Failing values are reported as read (cellValue), as judgeColumn would.
   */
  private judgeNumeric(s: ColumnState, nc: NumericColumn, n: number, first: number): void {
    s.present = true;
    const spec = s.spec;
    const { min, max, inSet, seen } = s;
    const exMin = spec.exclusiveMin;
    const exMax = spec.exclusiveMax;
    const textChecks = spec.regex !== undefined || spec.length !== undefined;
    const intOnly = spec.type === 'int';
    const a = s.acc;
    const values = nc.values;
    const frac = nc.frac;
    let one: unknown[] | undefined;
    for (let i = 0; i < n; i++) {
      const k = frac[i]!;
      if (k >= NULL_CELL) {
        if (k === NULL_CELL) {
          s.nulls++;
          a.nullable?.add(first + i, null);
        } else {
          (one ??= [undefined])[0] = nc.text[i];
          this.judgeColumn(s, one, 1, first + i, true);
        }
        continue;
      }
      s.nonNull++;
      if (intOnly && k !== 0) {
        a.type!.add(first + i, cellValue(nc, i));
        continue;
      }
      const x = values[i]!;
      if (min !== undefined && (exMin ? !(x > min) : !(x >= min))) a.min!.add(first + i, cellValue(nc, i));
      if (max !== undefined && (exMax ? !(x < max) : !(x <= max))) a.max!.add(first + i, cellValue(nc, i));
      if (inSet && !inSet.has(x)) a.in!.add(first + i, cellValue(nc, i));
      if (textChecks) this.textChecks(s, cellString(nc, i), cellValue(nc, i), first + i);
      if (seen && !seen.nums.add(x)) a.unique!.add(first + i, cellValue(nc, i));
    }
  }

  private textChecks(s: ColumnState, str: string, v: unknown, row: number): void {
    const spec = s.spec;
    const re = spec.regex;
    const len = spec.length;
    if (re && !(spec.regexFast && str.length <= (spec.regexFastMax ?? 0) ? spec.regexFast : re).test(str)) s.acc.regex!.add(row, v);
    if (len && (str.length < (len.min ?? 0) || str.length > (len.max ?? Number.POSITIVE_INFINITY))) s.acc.length!.add(row, v);
  }

  private judgeSet(u: number, b: RowBatch): void {
    const names = this.schema.unique[u]!;
    const idx = names.map((nm) => b.columns.indexOf(nm));
    const states = names.map((nm) => this.cols.find((c) => c.spec.name === nm)!);
    const seen = this.setSeen[u]!;
    const acc = this.setAcc[u]!;
    const key: unknown[] = new Array(names.length);
    const cols = b.cols;
    const n = batchLength(b);
    const cell = (i: number, j: number): unknown => (j < 0 ? undefined : cols ? cols[j]![i] : b.rows[i]![j]);
    outer: for (let i = 0; i < n; i++) {
      for (let k = 0; k < names.length; k++) {
        const v = cell(i, idx[k]!);
        const s = states[k]!;
        if (this.isNull(s, v)) continue outer;
        const t = s.coerce(v);
        key[k] = t === FAIL ? `\u0000${String(v)}` : typeof t === 'bigint' ? `${t}n` : t;
      }
      const k = JSON.stringify(key);
      if (seen.has(k)) acc.add(b.firstRow + i, Object.fromEntries(names.map((nm, q) => [nm, jsonSafe(idx[q]! >= 0 ? cell(i, idx[q]!) : null)])));
      else seen.add(k);
    }
  }

  finish(): ValidationReport {
    const rows = this.total;
    const failures: Failure[] = [];
    const checks: CheckResult[] = [];
    const pct = (n: number): number => (rows ? Math.round((n / rows) * 1e6) / 1e4 : 0);
    const fail = (f: Omit<Failure, 'percent'>): void => {
      const { column, check, severity, count, rows: rs, examples, ...rest } = f;
      failures.push({ column, check, severity, count, percent: pct(count), rows: rs, examples: examples.map(jsonSafe), ...rest });
    };
    const schema = this.schema;
    if (schema.rows) {
      const { min, max, severity } = schema.rows;
      const expected = [min !== undefined ? `>= ${min}` : '', max !== undefined ? `<= ${max}` : ''].filter(Boolean).join(' and ') + ' rows';
      const bad = (min !== undefined && rows < min) || (max !== undefined && rows > max);
      checks.push({ column: null, check: 'rows', severity, status: bad ? 'fail' : 'pass', count: bad ? 1 : 0, expected });
      if (bad) fail({ column: null, check: 'rows', severity, count: 1, rows: [], examples: [rows], expected });
    }
    if (!schema.extraColumns) {
      const listed = new Set(schema.columns.map((c) => c.name));
      const extra = this.seenColumns.filter((c) => !listed.has(c));
      const expected = 'only the columns the schema lists';
      checks.push({ column: null, check: 'extra_columns', severity: 'error', status: extra.length ? 'fail' : 'pass', count: extra.length, expected });
      if (extra.length) fail({ column: null, check: 'extra_columns', severity: 'error', count: extra.length, rows: [], examples: extra, expected });
    }
    if (schema.ordered) {
      const order = schema.columns.map((c) => c.name);
      const expected = `columns in the order ${order.join(', ')}`;
      const wrong = this.files.filter((f) => {
        const present = f.columns.filter((c) => order.includes(c));
        const want = order.filter((c) => f.columns.includes(c));
        return present.join('\u0000') !== want.join('\u0000');
      });
      checks.push({ column: null, check: 'ordered', severity: 'error', status: wrong.length ? 'fail' : 'pass', count: wrong.length, expected });
      if (wrong.length) fail({ column: null, check: 'ordered', severity: 'error', count: wrong.length, rows: [], examples: wrong.map((f) => `${f.name}: ${f.columns.join(', ')}`), expected });
    }
    for (const s of this.cols) {
      const c = s.spec;
      if (!s.present) {
        if (c.required) {
          const expected = expectedOf(c, 'missing_column');
          checks.push({ column: c.name, check: 'missing_column', severity: c.severity, status: 'fail', count: 1, expected });
          fail({ column: c.name, check: 'missing_column', severity: c.severity, count: 1, rows: [], examples: [], expected });
        }
        for (const check of Object.keys(s.acc) as CheckName[]) checks.push({ column: c.name, check, severity: c.severity, status: 'skipped', count: 0, expected: expectedOf(c, check) });
        continue;
      }
      if (c.required) checks.push({ column: c.name, check: 'missing_column', severity: c.severity, status: 'pass', count: 0, expected: expectedOf(c, 'missing_column') });
      for (const check of Object.keys(s.acc) as CheckName[]) {
        const a = s.acc[check]!;
        const expected = expectedOf(c, check);
        let failed = a.count > 0;
        let fraction: number | undefined;
        if (c.mostly !== undefined && VALUE_CHECKS.includes(check)) {
          const denom = c.nulls === 'count' ? s.nulls + s.nonNull : s.nonNull;
          fraction = denom ? (s.nonNull - a.count) / denom : 1;
          failed = fraction < c.mostly;
          fraction = Math.round(fraction * 1e6) / 1e6;
        }
        checks.push({ column: c.name, check, severity: c.severity, status: failed ? 'fail' : 'pass', count: a.count, expected, ...(fraction !== undefined ? { fraction } : {}) });
        if (failed) fail({ column: c.name, check, severity: c.severity, count: a.count, rows: a.rows, examples: a.examples, expected, ...(fraction !== undefined ? { mostly: c.mostly, fraction } : {}) });
      }
    }
    this.schema.unique.forEach((names, u) => {
      const a = this.setAcc[u]!;
      const expected = `unique combinations of ${names.join(', ')}`;
      checks.push({ column: null, check: 'unique', severity: 'error', status: a.count ? 'fail' : 'pass', count: a.count, expected, columns: names });
      if (a.count) fail({ column: null, check: 'unique', severity: 'error', count: a.count, rows: a.rows, examples: a.examples, expected, columns: names });
    });
    const errors = failures.filter((f) => f.severity === 'error').length;
    const skipped = checks.filter((c) => c.status === 'skipped').length;
    return {
      verdict: errors ? 'fail' : 'pass',
      rows,
      columns: this.seenColumns,
      files: this.files,
      failures,
      checks,
      summary: { checks: checks.length, passed: checks.filter((c) => c.status === 'pass').length, failed: failures.length, errors, warnings: failures.length - errors, skipped },
    };
  }
}

const PLAIN_DECIMAL = /^-?\d/;

/**
 * The int and float columns a CSV reader may hand over as numbers (ReadTableOptions.numeric):
 * those with no null value that starts like a number (a null value "-999" must stay text).
 */
export function numericColumns(schema: Schema): Set<string> {
  return new Set(schema.columns.filter((c) => (c.type === 'int' || c.type === 'float') && !c.nullValues.some((v) => PLAIN_DECIMAL.test(v.trim()))).map((c) => c.name));
}

const YMD = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The date columns a CSV reader may hand over as epoch milliseconds (ReadTableOptions.dates):
 * format YYYY-MM-DD (the default of type date), with no null value that looks like a date.
 */
export function dateColumns(schema: Schema): Set<string> {
  return new Set(schema.columns.filter((c) => c.type === 'date' && (c.format === undefined || c.format === 'YYYY-MM-DD') && !c.nullValues.some((v) => YMD.test(v) || YMD.test(v.trim()))).map((c) => c.name));
}

/** Validate a whole table (batches from io/tables' readTable) against a schema. */
export async function validateBatches(batches: AsyncIterable<RowBatch>, schema: Schema, opts: ValidateOptions = {}): Promise<ValidationReport> {
  const v = new Validator(schema, opts);
  for await (const b of batches) v.push(b);
  return v.finish();
}
