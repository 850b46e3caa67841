// From a cell as read (CSV text, JSON value, Parquet value) to the typed value a column's
// checks compare, or FAIL when the value is not of the column's type. Nulls never get here.
import type { ColumnType } from './schema.js';

export const FAIL: unique symbol = Symbol('type-failure');
export type Typed = number | bigint | string | boolean;
export type Coerce = (v: unknown) => Typed | typeof FAIL;

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function toInt(v: unknown): Typed | typeof FAIL {
  if (typeof v === 'number') return Number.isInteger(v) ? v : FAIL;
  if (typeof v === 'bigint') return v >= MIN_SAFE && v <= MAX_SAFE ? Number(v) : v;
  if (typeof v === 'string') {
    const s = v.length && (v.charCodeAt(0) === 32 || v.charCodeAt(v.length - 1) === 32) ? v.trim() : v;
    if (!INT.test(s)) return FAIL;
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : BigInt(s);
  }
  return FAIL;
}

function toFloat(v: unknown): Typed | typeof FAIL {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const s = v.length && (v.charCodeAt(0) === 32 || v.charCodeAt(v.length - 1) === 32) ? v.trim() : v;
    return FLOAT.test(s) ? Number(s) : FAIL;
  }
  return FAIL;
}

function toBool(v: unknown): Typed | typeof FAIL {
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === '1') return true;
    if (s === 'false' || s === '0') return false;
  }
  return FAIL;
}

function toStr(v: unknown): Typed | typeof FAIL {
  return typeof v === 'string' ? v : FAIL;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A date format (tokens YYYY MM DD HH mm ss SSS Z; anything else literal) as a parser to
 * epoch milliseconds (UTC unless the value has an offset), or undefined when not a valid date.
 */
export function dateParser(format: string): (s: string) => number | undefined {
  if (format === 'YYYY-MM-DD') return isoDate;
  const parts: string[] = [];
  const fields: string[] = [];
  const re = /YYYY|MM|DD|HH|mm|ss|SSS|Z/g;
  let last = 0;
  for (const m of format.matchAll(re)) {
    parts.push(format.slice(last, m.index).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const t = m[0];
    fields.push(t);
    parts.push(t === 'YYYY' ? '(\\d{4})' : t === 'SSS' ? '(\\d{1,9})' : t === 'Z' ? '(Z|[+-]\\d{2}:?\\d{2})' : '(\\d{2})');
    last = m.index + t.length;
  }
  parts.push(format.slice(last).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const rx = new RegExp(`^${parts.join('')}$`);
  return (s) => {
    const m = rx.exec(s);
    if (!m) return undefined;
    let y = 1970, mo = 1, d = 1, h = 0, mi = 0, se = 0, ms = 0, off = 0;
    for (let i = 0; i < fields.length; i++) {
      const g = m[i + 1]!;
      switch (fields[i]) {
        case 'YYYY': y = +g; break;
        case 'MM': mo = +g; break;
        case 'DD': d = +g; break;
        case 'HH': h = +g; break;
        case 'mm': mi = +g; break;
        case 'ss': se = +g; break;
        case 'SSS': ms = Math.floor(+`0.${g}` * 1000); break;
        case 'Z':
          if (g !== 'Z') {
            const sign = g[0] === '-' ? -1 : 1;
            const digits = g.slice(1).replace(':', '');
            off = sign * (+digits.slice(0, 2) * 60 + +digits.slice(2));
          }
      }
    }
    if (mo < 1 || mo > 12 || d < 1 || d > DAYS[mo - 1]! || h > 23 || mi > 59 || se > 60) return undefined;
    if (mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return undefined;
    return Date.UTC(y, mo - 1, d, h, mi, se, ms) - off * 60_000;
  };
}

/** YYYY-MM-DD read digit by digit: the commonest format, and a regex per value is most of its cost. */
function isoDate(s: string): number | undefined {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return undefined;
  let y = 0;
  for (let i = 0; i < 4; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    y = y * 10 + d;
  }
  const m1 = s.charCodeAt(5) - 48, m2 = s.charCodeAt(6) - 48, d1 = s.charCodeAt(8) - 48, d2 = s.charCodeAt(9) - 48;
  if (m1 < 0 || m1 > 9 || m2 < 0 || m2 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return undefined;
  const mo = m1 * 10 + m2;
  const d = d1 * 10 + d2;
  if (mo < 1 || mo > 12 || d < 1 || d > DAYS[mo - 1]!) return undefined;
  if (mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return undefined;
  return Date.UTC(y, mo - 1, d);
}

const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** ISO 8601 date or date-time (T or space; seconds, fraction and offset optional). */
function isoParser(s: string): number | undefined {
  const m = ISO_DATETIME.exec(s);
  if (!m) return undefined;
  const f = `YYYY-MM-DD${m[4] ? 'THH:mm' : ''}${m[6] ? ':ss' : ''}${m[7] ? '.SSS' : ''}${m[8] ? 'Z' : ''}`;
  return cachedParser(f)(s.replace(' ', 'T'));
}
const parsers = new Map<string, (s: string) => number | undefined>();
function cachedParser(f: string): (s: string) => number | undefined {
  let p = parsers.get(f);
  if (!p) parsers.set(f, (p = dateParser(f)));
  return p;
}

/** A first or last character that trim() might remove. */
const edge = (c: number): boolean => c <= 32 || c >= 0x80;

export function dateCoercer(type: 'date' | 'datetime', format: string | undefined): Coerce {
  const parse = format ? dateParser(format) : type === 'date' ? cachedParser('YYYY-MM-DD') : isoParser;
  return (v) => {
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? FAIL : v.getTime();
    if (typeof v !== 'string') return FAIL;
    const t = parse(v.length && (edge(v.charCodeAt(0)) || edge(v.charCodeAt(v.length - 1))) ? v.trim() : v);
    return t === undefined ? FAIL : t;
  };
}

/** The coercer for a column type; untyped columns keep their values as they are. */
export function coercer(type: ColumnType | undefined, format?: string): Coerce {
  switch (type) {
    case 'int': return toInt;
    case 'float': return toFloat;
    case 'bool': return toBool;
    case 'string':
    case 'category': return toStr;
    case 'date':
    case 'datetime': return dateCoercer(type, format);
    default:
      return (v) => (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint' ? v : v instanceof Date ? v.getTime() : JSON.stringify(v));
  }
}
