// The validation schema: its model, and a loader that turns YAML into it or throws
// CAIRN_BAD_SCHEMA (exit 2) naming the file, line and key. Unknown keys are errors (a typo
// must never switch a check off), and regexes run on V8's linear-time engine only, so no
// pattern can backtrack catastrophically (backreferences and lookaround are refused).
import { setFlagsFromString } from 'node:v8';
import { CairnError } from '../../core/errors.js';
import type { Document, LineCounter, isMap, parseDocument } from 'yaml';
import { yaml } from '../../io/yaml.js';

export type ColumnType = 'int' | 'float' | 'string' | 'bool' | 'date' | 'datetime' | 'category';
export const COLUMN_TYPES: readonly ColumnType[] = ['int', 'float', 'string', 'bool', 'date', 'datetime', 'category'];
export type Severity = 'error' | 'warn';
export type NullPolicy = 'ignore' | 'count';

/** Every check name a failure can carry. */
export type CheckName = 'type' | 'nullable' | 'min' | 'max' | 'in' | 'regex' | 'length' | 'unique' | 'missing_column' | 'extra_columns' | 'ordered' | 'rows';
/** The checks `mostly` applies to. */
export const VALUE_CHECKS: readonly CheckName[] = ['type', 'min', 'max', 'in', 'regex', 'length'];

export interface ColumnSpec {
  name: string;
  type?: ColumnType;
  /** date/datetime format, e.g. YYYY-MM-DD or DD/MM/YYYY HH:mm */
  format?: string;
  nullable: boolean;
  /** strings that count as null in this column */
  nullValues: string[];
  min?: number | string;
  max?: number | string;
  exclusiveMin: boolean;
  exclusiveMax: boolean;
  in?: unknown[];
  /** on V8's linear-time engine: safe for any pattern and any value */
  regex?: RegExp;
  /** the same pattern on the (much faster) backtracking engine, for values up to regexFastMax characters */
  regexFast?: RegExp;
  regexFastMax?: number;
  length?: { min?: number; max?: number };
  unique: boolean;
  mostly?: number;
  nulls: NullPolicy;
  severity: Severity;
  required: boolean;
  /** 1-based line of the column's key in the schema file */
  line?: number;
}

export interface Schema {
  file: string;
  columns: ColumnSpec[];
  /** false: columns the schema does not list are a failure (check extra_columns) */
  extraColumns: boolean;
  /** true: the listed columns must appear in the schema's order (check ordered) */
  ordered: boolean;
  rows?: { min?: number; max?: number; severity: Severity };
  /** column sets whose combined values must be unique */
  unique: string[][];
  nullValues: string[];
}

export const DEFAULT_NULL_VALUES = [''];
/** The largest schema file read (a schema is hand-written; anything bigger is not one). */
export const MAX_SCHEMA_BYTES = 1 << 20;

const TOP_KEYS = ['columns', 'rows', 'extra_columns', 'ordered', 'unique', 'null_values', 'description', 'desc'];
const COLUMN_KEYS = ['type', 'format', 'nullable', 'null_values', 'min', 'max', 'exclusive_min', 'exclusive_max', 'in', 'regex', 'length', 'unique', 'mostly', 'nulls', 'severity', 'required', 'description', 'desc'];

let linearRegex = false;
/** V8's linear-time regexp engine (the `l` flag), switched on once per process. */
export function compileLinear(source: string): RegExp {
  if (!linearRegex) {
    setFlagsFromString('--enable-experimental-regexp-engine');
    linearRegex = true;
  }
  return new RegExp(source, 'l');
}

/**
 * When the backtracking engine is safe for a pattern: never with nested quantifiers or a
 * quantified alternation (exponential); otherwise its worst case is polynomial, about
 * n^(q+1) steps for q quantifiers, so it runs only on values short enough to keep that
 * under ~10^6 steps. Returns the longest such value, or 0 for "linear engine only".
 */
export function backtrackLimit(source: string): number {
  const groups: { quant: boolean; alt: boolean }[] = [{ quant: false, alt: false }];
  let q = 0;
  let last: { quant: boolean; alt: boolean } | undefined;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    let isQuant = false;
    if (ch === '\\') {
      i++;
      last = undefined;
      continue;
    }
    if (ch === '[') {
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
      last = undefined;
      continue;
    }
    if (ch === '(') groups.push({ quant: false, alt: false });
    else if (ch === ')') {
      const g = groups.pop() ?? { quant: false, alt: false };
      last = g;
      if (groups.length === 0) groups.push({ quant: false, alt: false });
      const top = groups[groups.length - 1]!;
      top.quant ||= g.quant;
      continue;
    } else if (ch === '|') groups[groups.length - 1]!.alt = true;
    else if (ch === '*' || ch === '+' || ch === '{') {
      if (ch === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
        if (!m) continue;
        i += m[0].length - 1;
        if (m[2] === undefined || m[3] === '1') continue;
      }
      isQuant = true;
    }
    if (isQuant) {
      if (source[i + 1] === '?' || source[i + 1] === '+') i++;
      if (last && (last.quant || last.alt)) return 0;
      q++;
      groups[groups.length - 1]!.quant = true;
    }
    last = undefined;
  }
  return q === 0 ? Number.POSITIVE_INFINITY : Math.floor(1e6 ** (1 / (q + 1)));
}

class SchemaReader {
  private readonly lc = new (yaml().LineCounter)();
  readonly doc: Document;
  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    this.doc = yaml().parseDocument(text, { lineCounter: this.lc, prettyErrors: false, uniqueKeys: true });
  }

  line(path: (string | number)[]): number | undefined {
    for (let n = path.length; n >= 0; n--) {
      const node = (n === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n), true)) as { range?: [number, number, number] } | null | undefined;
      if (node && Array.isArray(node.range)) return this.lc.linePos(node.range[0]).line;
    }
    return undefined;
  }

  /** the line of a mapping key (better than its value's line for "unknown key") */
  keyLine(path: (string | number)[]): number | undefined {
    const parent = path.length === 1 ? this.doc.contents : this.doc.getIn(path.slice(0, -1), true);
    if (yaml().isMap(parent)) {
      for (const it of parent.items) {
        const k = it.key as { value?: unknown; range?: [number, number, number] } | null;
        if (k && String(k.value) === String(path[path.length - 1]) && k.range) return this.lc.linePos(k.range[0]).line;
      }
    }
    return this.line(path);
  }

  bad(path: (string | number)[], msg: string, useKey = false): CairnError {
    const line = useKey ? this.keyLine(path) : this.line(path);
    const key = path.join('.');
    return new CairnError('CAIRN_BAD_SCHEMA', `${this.file}${line ? `:${line}` : ''}: ${key ? `${key}: ` : ''}${msg}`, {
      hint: `fix ${this.file}${line ? ` at line ${line}` : ''} (see docs/validation.md for the schema keys)`,
      data: { file: this.file, line, key: key || undefined },
    });
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Parse a schema file's text. Throws CAIRN_BAD_SCHEMA naming file, line and key. */
export function parseSchema(text: string, file: string): Schema {
  if (Buffer.byteLength(text) > MAX_SCHEMA_BYTES) {
    throw new CairnError('CAIRN_BAD_SCHEMA', `${file}: a schema file over ${MAX_SCHEMA_BYTES} bytes is refused`, { hint: 'a schema lists columns and checks; generate one with `cairn validate DATA --infer`', data: { file } });
  }
  const r = new SchemaReader(text, file);
  if (r.doc.errors.length) {
    const err = r.doc.errors[0]!;
    const pos = Array.isArray(err.pos) ? err.pos[0] : undefined;
    const line = typeof pos === 'number' ? text.slice(0, pos).split('\n').length : undefined;
    throw new CairnError('CAIRN_BAD_SCHEMA', `${file}${line ? `:${line}` : ''}: malformed YAML: ${err.message.split('\n')[0]}`, {
      hint: `fix the YAML in ${file}${line ? ` near line ${line}` : ''}`,
      data: { file, line },
    });
  }
  let data: unknown;
  try {
    // aliases expand into copies: cap them so a "billion laughs" file cannot exhaust memory
    data = r.doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    throw new CairnError('CAIRN_BAD_SCHEMA', `${file}: refused: ${(e as Error).message}`, { hint: 'write the schema without YAML aliases', data: { file }, cause: e });
  }
  if (!isPlainObject(data)) throw r.bad([], 'a schema is a mapping with a `columns:` mapping');
  for (const k of Object.keys(data)) if (!TOP_KEYS.includes(k)) throw r.bad([k], `unknown key (expected one of: ${TOP_KEYS.join(', ')})`, true);
  const flag = (k: string, dflt: boolean): boolean => {
    const v = data[k];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'boolean') throw r.bad([k], 'must be true or false');
    return v;
  };
  const strList = (path: (string | number)[], v: unknown): string[] => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw r.bad(path, 'must be a list of strings');
    return v as string[];
  };
  const nullValues = data.null_values === undefined ? DEFAULT_NULL_VALUES : strList(['null_values'], data.null_values);
  const cols = data.columns;
  if (cols !== undefined && !isPlainObject(cols)) throw r.bad(['columns'], 'must be a mapping of column name to checks');
  const columns: ColumnSpec[] = [];
  for (const [name, spec] of Object.entries(cols ?? {})) columns.push(parseColumn(r, name, spec ?? {}, nullValues));
  const names = new Set(columns.map((c) => c.name));
  let rows: Schema['rows'];
  if (data.rows !== undefined) {
    const v = data.rows;
    if (!isPlainObject(v)) throw r.bad(['rows'], 'must be a mapping like {min: 100, max: 1000000}');
    for (const k of Object.keys(v)) if (!['min', 'max', 'severity'].includes(k)) throw r.bad(['rows', k], 'unknown key (expected min, max, severity)', true);
    const n = (k: string): number | undefined => {
      if (v[k] === undefined) return undefined;
      if (!Number.isInteger(v[k]) || (v[k] as number) < 0) throw r.bad(['rows', k], 'must be a whole number >= 0');
      return v[k] as number;
    };
    rows = { min: n('min'), max: n('max'), severity: severityOf(r, ['rows', 'severity'], v.severity) };
  }
  let unique: string[][] = [];
  if (data.unique !== undefined) {
    const u = data.unique;
    if (!Array.isArray(u) || u.length === 0) throw r.bad(['unique'], 'must be a list of columns, or a list of such lists');
    unique = u.every((x) => typeof x === 'string') ? [u as string[]] : u.map((x, i) => strList(['unique', i], x));
    unique.forEach((set, i) => {
      for (const c of set) if (!names.has(c)) throw r.bad(['unique', i], `column '${c}' is not in columns:`);
    });
  }
  return { file, columns, extraColumns: flag('extra_columns', true), ordered: flag('ordered', false), rows, unique, nullValues };
}

function severityOf(r: SchemaReader, path: (string | number)[], v: unknown): Severity {
  if (v === undefined || v === null) return 'error';
  if (v !== 'error' && v !== 'warn') throw r.bad(path, "must be 'error' or 'warn'");
  return v;
}

function parseColumn(r: SchemaReader, name: string, spec: unknown, topNulls: string[]): ColumnSpec {
  const at = (k?: string): (string | number)[] => (k ? ['columns', name, k] : ['columns', name]);
  if (!isPlainObject(spec)) throw r.bad(at(), 'must be a mapping of checks, e.g. {type: int, min: 0}');
  for (const k of Object.keys(spec)) if (!COLUMN_KEYS.includes(k)) throw r.bad(at(k), `unknown key (expected one of: ${COLUMN_KEYS.join(', ')})`, true);
  const bool = (k: string, dflt: boolean): boolean => {
    const v = spec[k];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'boolean') throw r.bad(at(k), 'must be true or false');
    return v;
  };
  let type: ColumnType | undefined;
  if (spec.type !== undefined) {
    if (typeof spec.type !== 'string' || !(COLUMN_TYPES as readonly string[]).includes(spec.type)) throw r.bad(at('type'), `unknown type ${JSON.stringify(spec.type)} (expected one of: ${COLUMN_TYPES.join(', ')})`);
    type = spec.type as ColumnType;
  }
  let format: string | undefined;
  if (spec.format !== undefined) {
    if (type !== 'date' && type !== 'datetime') throw r.bad(at('format'), 'format applies to type date or datetime');
    if (typeof spec.format !== 'string' || !/(YYYY|MM|DD|HH|mm|ss)/.test(spec.format)) throw r.bad(at('format'), 'must be a date format such as YYYY-MM-DD or DD/MM/YYYY HH:mm:ss');
    format = spec.format;
  }
  const numeric = type === 'int' || type === 'float' || type === undefined;
  const dated = type === 'date' || type === 'datetime';
  const bound = (k: 'min' | 'max'): number | string | undefined => {
    const v = spec[k];
    if (v === undefined) return undefined;
    if (dated) {
      if (typeof v !== 'string') throw r.bad(at(k), `must be a ${type} written as text, e.g. '2020-01-31'`);
      return v;
    }
    if (!numeric) throw r.bad(at(k), `${k} applies to int, float, date and datetime columns (use length for strings)`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw r.bad(at(k), 'must be a number');
    return v;
  };
  let inList: unknown[] | undefined;
  if (spec.in !== undefined) {
    if (!Array.isArray(spec.in) || spec.in.some((x) => x !== null && typeof x === 'object')) throw r.bad(at('in'), 'must be a list of allowed values');
    inList = spec.in;
  }
  let regex: RegExp | undefined;
  let regexFast: RegExp | undefined;
  let regexFastMax: number | undefined;
  if (spec.regex !== undefined) {
    if (typeof spec.regex !== 'string') throw r.bad(at('regex'), 'must be a string');
    try {
      regex = compileLinear(spec.regex);
      regexFastMax = backtrackLimit(spec.regex);
      if (regexFastMax > 0) regexFast = new RegExp(spec.regex);
    } catch (e) {
      const m = (e as Error).message;
      throw r.bad(at('regex'), /linear time/.test(m) ? 'backreferences and lookaround are not supported: cairn runs regexes on a linear-time engine so no value can make a check hang' : `invalid regex: ${m}`);
    }
  }
  let length: ColumnSpec['length'];
  if (spec.length !== undefined) {
    const v = spec.length;
    const whole = (x: unknown, k: string): number => {
      if (!Number.isInteger(x) || (x as number) < 0) throw r.bad(at('length'), `${k} must be a whole number >= 0`);
      return x as number;
    };
    if (typeof v === 'number') length = { min: whole(v, 'length'), max: v };
    else if (isPlainObject(v)) {
      for (const k of Object.keys(v)) if (k !== 'min' && k !== 'max') throw r.bad(['columns', name, 'length', k], 'unknown key (expected min, max)', true);
      length = { min: v.min === undefined ? undefined : whole(v.min, 'min'), max: v.max === undefined ? undefined : whole(v.max, 'max') };
    } else throw r.bad(at('length'), 'must be a number or {min, max}');
  }
  let mostly: number | undefined;
  if (spec.mostly !== undefined) {
    if (typeof spec.mostly !== 'number' || !(spec.mostly > 0 && spec.mostly <= 1)) throw r.bad(at('mostly'), 'must be a fraction in (0, 1]');
    mostly = spec.mostly;
  }
  let nulls: NullPolicy = 'ignore';
  if (spec.nulls !== undefined) {
    if (spec.nulls !== 'ignore' && spec.nulls !== 'count') throw r.bad(at('nulls'), "must be 'ignore' or 'count'");
    nulls = spec.nulls;
  }
  let nullValues = topNulls;
  if (spec.null_values !== undefined) {
    if (!Array.isArray(spec.null_values) || spec.null_values.some((x) => typeof x !== 'string')) throw r.bad(at('null_values'), 'must be a list of strings');
    nullValues = spec.null_values as string[];
  }
  const c: ColumnSpec = {
    name,
    type,
    format,
    nullable: bool('nullable', false),
    nullValues,
    min: bound('min'),
    max: bound('max'),
    exclusiveMin: bool('exclusive_min', false),
    exclusiveMax: bool('exclusive_max', false),
    in: inList,
    regex,
    regexFast,
    regexFastMax,
    length,
    unique: bool('unique', false),
    mostly,
    nulls,
    severity: severityOf(r, at('severity'), spec.severity),
    required: bool('required', true),
    line: r.keyLine(at()),
  };
  if (c.min !== undefined && c.max !== undefined && typeof c.min === 'number' && typeof c.max === 'number' && c.min > c.max) throw r.bad(at('min'), `min ${c.min} is above max ${c.max}`);
  return c;
}
