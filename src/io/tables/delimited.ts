// CSV/TSV read column by column. A hand-written scanner replaced csv-parse here because
// csv-parse was 60% of `cairn validate`'s time on a 1M-row CSV (record objects, a Buffer slice
// and a UTF-8 decode per field, and the garbage they make); this one decodes each chunk once,
// cuts fields out of that string, and writes them straight into per-column arrays, so a batch
// never makes row arrays unless a consumer asks for them.
//
// Dialect (as csv-parse was configured before): RFC 4180 quoting with "" for a quote, fields
// that may hold the delimiter and line breaks when quoted, records ended by LF, CRLF or CR,
// empty lines skipped, a leading BOM dropped. Errors (CAIRN_BAD_DATA) name the data row, the
// line and the byte where the record starts.
import { StringDecoder } from 'node:string_decoder';
import { CairnError } from '../../core/errors.js';
import { AS_TEXT, columnBatch } from './batch.js';
import type { NumericColumn, RowBatch } from './types.js';

const LF = 10;
const CR = 13;
const QUOTE = 34;

export interface DelimitedOptions {
  delimiter: string;
  batchSize: number;
  maxRecordBytes: number;
  /** 1-based row number of this file's first data row over the table */
  firstRow: number;
  /** columns to read as numbers where they hold plain decimals */
  numeric?: ReadonlySet<string>;
  /** columns to read as dates where they hold YYYY-MM-DD (epoch milliseconds, NumericColumn kind 'date') */
  dates?: ReadonlySet<string>;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil): what
 * Date.UTC gives, divided by a day, without the call per cell.
 */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const MONTH_DAYS = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** 10^k for k <= 22 are exact doubles, so m / 10^k (m < 2^53) rounds as Number() does. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const NO_NUMBER = -1;

type BadData = (what: string, at: { row?: number; line?: number; byte?: number }) => CairnError;

/**
 * Feed it decoded text with feed(); it keeps an unfinished last record for the next call.
 * Complete batches are taken with take().
 */
export class DelimitedScanner {
  columns: string[] | undefined;
  /** per column: its text cells (columns not read as numbers) */
  private cols: string[][] = [];
  /** per column read as numbers: values, fraction digits (AS_TEXT: see text) and text */
  private vals: (Float64Array | undefined)[] = [];
  private fracs: (Uint8Array | undefined)[] = [];
  private texts: (string | undefined)[][] = [];
  private isNum: boolean[] = [];
  /** columns read as numbers that are YYYY-MM-DD dates */
  private isDate: boolean[] = [];
  /**
   * Per column, the distinct texts seen so far while the column looks categorical: a field
   * equal to one of them reuses that string instead of making a new one (most of a CSV's
   * strings are repeats of a few category names, and making them is most of the garbage).
   * A column that keeps missing is dropped from this (null).
   */
  private seen: (string[] | null)[] = [];
  private seenMiss: number[] = [];
  private n = 0;
  private carry = '';
  /** byte offset in the file of carry[0] */
  private carryByte = 0;
  /** 1-based line of carry[0] */
  private line = 1;
  /** data rows completed so far in this file */
  private rows = 0;
  private readonly delim: number;
  private readonly batches: RowBatch[] = [];
  private batchFirst: number;

  constructor(
    private readonly file: string,
    private readonly o: DelimitedOptions,
    private readonly bad: BadData,
  ) {
    if (o.delimiter.length !== 1) throw new CairnError('CAIRN_USAGE', 'delimiter must be one character');
    this.delim = o.delimiter.charCodeAt(0);
    this.batchFirst = o.firstRow;
  }

  /** Batches completed so far (each batchSize rows), removed from the scanner. */
  take(): RowBatch[] {
    return this.batches.splice(0);
  }

  /** The rest after the last feed: the last, short batch (or an empty one with the header). */
  end(): RowBatch {
    const b = this.batch();
    this.n = 0;
    return b;
  }

  private batch(): RowBatch {
    if (!this.columns) return columnBatch(this.file, [], [], this.batchFirst, 0);
    const n = this.n;
    const num = this.isNum.some(Boolean)
      ? this.columns.map((_, j): NumericColumn | undefined => (this.isNum[j] ? { values: this.vals[j]!.subarray(0, n), frac: this.fracs[j]!.subarray(0, n), text: this.texts[j]!, ...(this.isDate[j] ? { kind: 'date' as const } : {}) } : undefined))
      : undefined;
    return columnBatch(this.file, this.columns, this.cols, this.batchFirst, n, num);
  }

  private newColumns(): void {
    const size = this.o.batchSize;
    const isNum = this.isNum;
    this.cols = isNum.map(() => []);
    this.vals = isNum.map((x) => (x ? new Float64Array(size) : undefined));
    this.fracs = isNum.map((x) => (x ? new Uint8Array(size) : undefined));
    this.texts = isNum.map(() => []);
  }

  private errorAt(what: string, s: string, recStart: number, line: number): CairnError {
    const byte = this.carryByte + Buffer.byteLength(s.slice(0, recStart));
    return this.bad(what, { row: this.o.firstRow + this.rows, line, byte });
  }

  private tooLong(s: string, from: number, to: number): boolean {
    const chars = to - from;
    if (chars <= this.o.maxRecordBytes / 3) return false;
    return chars > this.o.maxRecordBytes || Buffer.byteLength(s.slice(from, to)) > this.o.maxRecordBytes;
  }

  feed(text: string, final: boolean): void {
    let s = this.carry ? this.carry + text : text;
    if (this.carryByte === 0 && this.line === 1 && this.carry === '' && s.charCodeAt(0) === 0xfeff) {
      s = s.slice(1);
      this.carryByte = 3;
    }
    let p = 0;
    if (!this.columns) {
      p = this.header(s, final);
      if (p < 0 || !this.columns) {
        if (p < 0 && this.tooLong(s, 0, s.length)) throw this.errorAt(`a record is longer than ${this.o.maxRecordBytes} bytes`, s, 0, this.line);
        this.keep(s, p < 0 ? 0 : s.length);
        return;
      }
    }
    const done = this.records(s, p, final);
    if (done < s.length) {
      if (final) throw new CairnError('CAIRN_IO', 'unreachable: text left after the final feed');
      if (this.tooLong(s, done, s.length)) throw this.errorAt(`a record is longer than ${this.o.maxRecordBytes} bytes`, s, done, this.line);
    }
    this.keep(s, done);
  }

  private keep(s: string, done: number): void {
    this.carryByte += done === s.length ? Buffer.byteLength(s) : Buffer.byteLength(s.slice(0, done));
    this.carry = done === s.length ? '' : s.slice(done);
  }

  /** Reads the header record; returns where the data starts, or -1 when it needs more text. */
  private header(s: string, final: boolean): number {
    const len = s.length;
    let p = 0;
    let line = this.line;
    // empty lines before the header
    while (p < len) {
      const c = s.charCodeAt(p);
      if (c === LF) p++;
      else if (c === CR) {
        if (p + 1 === len && !final) return -1;
        p += s.charCodeAt(p + 1) === LF ? 2 : 1;
      } else break;
      line++;
    }
    if (p === len) return final ? len : -1;
    const names: string[] = [];
    for (;;) {
      const f = this.field(s, p, final, names.length);
      if (!f) return -1;
      names.push(f.value.trim());
      p = f.end;
      const c = p < len ? s.charCodeAt(p) : -1;
      if (c === this.delim) {
        p++;
        if (p === len && !final) return -1;
        if (p === len) {
          names.push('');
          break;
        }
        continue;
      }
      if (c === CR) {
        if (p + 1 === len && !final) return -1;
        p += s.charCodeAt(p + 1) === LF ? 2 : 1;
      } else if (c === LF) p++;
      break;
    }
    if (this.tooLong(s, 0, p)) throw this.errorAt(`a record is longer than ${this.o.maxRecordBytes} bytes`, s, 0, line);
    const seen = new Set<string>();
    for (const name of names) {
      if (seen.has(name)) throw this.bad(`the header names column '${name}' twice`, { line: 1 });
      seen.add(name);
    }
    this.line = line + 1;
    this.columns = names;
    this.isDate = names.map((c) => this.o.dates?.has(c) ?? false);
    this.isNum = names.map((c, j) => (this.o.numeric?.has(c) ?? false) || this.isDate[j]!);
    this.seen = names.map(() => []);
    this.seenMiss = names.map(() => 0);
    this.newColumns();
    return p;
  }

  /** One field of the header (any dialect case), or undefined when it needs more text. */
  private field(s: string, p: number, final: boolean, k: number): { value: string; end: number } | undefined {
    const len = s.length;
    if (s.charCodeAt(p) === QUOTE) {
      const q = this.quoted(s, p, final, 0, this.line);
      if (!q) return undefined;
      return { value: q.value, end: q.end };
    }
    let e = p;
    while (e < len) {
      const c = s.charCodeAt(e);
      if (c === this.delim || c === LF || c === CR) break;
      if (c === QUOTE) throw this.errorAt(`a quote inside an unquoted field ${k + 1} (quote the whole field and double the quote)`, s, 0, this.line);
      e++;
    }
    if (e === len && !final) return undefined;
    return { value: s.slice(p, e), end: e };
  }

  /** A quoted field starting at p: its value and the index after the closing quote, or undefined when it needs more text. */
  private quoted(s: string, p: number, final: boolean, recStart: number, recLine: number): { value: string; end: number; lines: number } | undefined {
    const len = s.length;
    let q = p + 1;
    let parts: string | undefined;
    let from = q;
    for (;;) {
      const e = s.indexOf('"', q);
      if (e === -1) {
        if (!final) return undefined;
        throw this.errorAt('a quoted field is not closed (the file ends inside quotes)', s, recStart, recLine);
      }
      if (e + 1 === len && !final) return undefined;
      if (s.charCodeAt(e + 1) === QUOTE) {
        parts = (parts ?? '') + s.slice(from, e + 1);
        q = e + 2;
        from = q;
        continue;
      }
      let lines = 0;
      for (let i = s.indexOf('\n', p); i !== -1 && i < e; i = s.indexOf('\n', i + 1)) lines++;
      const end = e + 1;
      const c = end < len ? s.charCodeAt(end) : -1;
      if (c !== this.delim && c !== LF && c !== CR && c !== -1) throw this.errorAt('unexpected character after a closing quote', s, recStart, recLine);
      return { value: parts === undefined ? s.slice(from, e) : parts + s.slice(from, e), end, lines };
    }
  }

  /** s[p, e) as a string, reusing an equal one of the column's category texts when there is one. */
  private repeat(seen: string[], k: number, s: string, p: number, e: number): string {
    const n = e - p;
    for (let j = 0; j < seen.length; j++) {
      const t = seen[j]!;
      if (t.length !== n) continue;
      let i = 0;
      while (i < n && t.charCodeAt(i) === s.charCodeAt(p + i)) i++;
      if (i === n) return t;
    }
    const text = s.slice(p, e);
    // a copy of its own, so a kept text does not keep the whole chunk it was cut from alive
    if (seen.length < 32 && n <= 64) seen.push(text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string));
    else if (++this.seenMiss[k]! > 256) this.seen[k] = null; // not a category: stop looking
    return text;
  }

  /**
   * Data records from p; every complete one goes straight into the column arrays (an
   * unfinished one is overwritten by the next feed). Returns the end of the last complete record.
   */
  private records(s: string, p: number, final: boolean): number {
    const len = s.length;
    const delim = this.delim;
    const want = this.columns!.length;
    const batchSize = this.o.batchSize;
    const maxChars = this.o.maxRecordBytes / 3;
    const isNum = this.isNum;
    const isDate = this.isDate;
    let cols = this.cols;
    let vals = this.vals;
    let fracs = this.fracs;
    let texts = this.texts;
    let n = this.n;
    let line = this.line;
    let done = p;
    let doneLine = line;
    records: while (p < len) {
      const recStart = p;
      const recLine = line;
      let c = s.charCodeAt(p);
      if (c === LF || c === CR) {
        // an empty line
        if (c === CR) {
          if (p + 1 === len && !final) break;
          p += s.charCodeAt(p + 1) === LF ? 2 : 1;
        } else p++;
        line++;
        done = p;
        doneLine = line;
        continue;
      }
      let k = 0;
      for (;;) {
        if (k === want) {
          throw this.errorAt(`the record has more fields than the header's ${want}`, s, recStart, recLine);
        }
        let text: string | undefined;
        if (c === QUOTE) {
          const q = this.quoted(s, p, final, recStart, recLine);
          if (!q) break records;
          text = q.value;
          line += q.lines;
          p = q.end;
          c = p < len ? s.charCodeAt(p) : -1;
        } else {
          let e = p;
          let fast = false;
          if (isDate[k]) {
            // YYYY-MM-DD, a year from 1000 (what isoDate in validate/coerce reads, as Date.UTC would)
            if (p + 10 < len && s.charCodeAt(p + 4) === 45 && s.charCodeAt(p + 7) === 45) {
              const y0 = s.charCodeAt(p) - 48, y1 = s.charCodeAt(p + 1) - 48, y2 = s.charCodeAt(p + 2) - 48, y3 = s.charCodeAt(p + 3) - 48;
              const m0 = s.charCodeAt(p + 5) - 48, m1 = s.charCodeAt(p + 6) - 48, d0 = s.charCodeAt(p + 8) - 48, d1 = s.charCodeAt(p + 9) - 48;
              const after = s.charCodeAt(p + 10);
              const digits = (y0 >>> 0) <= 9 && (y1 >>> 0) <= 9 && (y2 >>> 0) <= 9 && (y3 >>> 0) <= 9 && (m0 >>> 0) <= 9 && (m1 >>> 0) <= 9 && (d0 >>> 0) <= 9 && (d1 >>> 0) <= 9;
              if (digits && y0 > 0 && (after === delim || after === LF || after === CR)) {
                const y = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
                const mo = m0 * 10 + m1;
                const d = d0 * 10 + d1;
                if (mo >= 1 && mo <= 12 && d >= 1 && d <= MONTH_DAYS[mo]! && !(mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)))) {
                  vals[k]![n] = daysFromCivil(y, mo, d) * 86_400_000;
                  fracs[k]![n] = 0;
                  e = p + 10;
                  c = after;
                  p = e;
                  fast = true;
                }
              }
            }
          } else if (isNum[k]) {
            // a plain decimal: [-]digits[.digits], no leading zero, at most 15 digits
            let neg = false;
            let m = 0;
            let digits = 0;
            let frac = -1;
            let lead0 = false;
            if (c === 45) {
              neg = true;
              c = s.charCodeAt(++e);
            }
            if (c === 48) lead0 = true;
            for (;;) {
              if (c >= 48 && c <= 57) {
                m = m * 10 + (c - 48);
                digits++;
                if (frac >= 0) frac++;
              } else if (c === 46 && frac < 0 && digits > 0) frac = 0;
              else break;
              c = s.charCodeAt(++e);
            }
            if (e < len && (c === delim || c === LF || c === CR) && digits > 0 && digits <= 15 && frac !== 0 && !(lead0 && (frac < 0 ? digits > 1 : digits - frac > 1)) && !(neg && m === 0)) {
              const k10 = frac < 0 ? 0 : frac;
              vals[k]![n] = neg ? -(m / POW10[k10]!) : m / POW10[k10]!;
              fracs[k]![n] = k10;
              p = e;
              fast = true;
            } else e = p;
          }
          if (!fast) {
            while (e < len) {
              c = s.charCodeAt(e);
              if (c === delim || c === LF || c === CR) break;
              if (c === QUOTE) throw this.errorAt(`a quote inside an unquoted field ${k + 1} (quote the whole field and double the quote)`, s, recStart, recLine);
              e++;
            }
            if (e === len) {
              if (!final) break records;
              c = -1;
            }
            const seen = this.seen[k];
            text = seen ? this.repeat(seen, k, s, p, e) : s.slice(p, e);
            p = e;
          }
        }
        if (text !== undefined) {
          if (isNum[k]) {
            fracs[k]![n] = AS_TEXT;
            texts[k]![n] = text;
          } else cols[k]![n] = text;
        }
        k++;
        if (c === delim) {
          p++;
          if (p === len) {
            if (!final) break records;
            // a delimiter at the very end: one more, empty field
            if (k === want) {
              throw this.errorAt(`the record has more fields than the header's ${want}`, s, recStart, recLine);
            }
            if (isNum[k]) {
              fracs[k]![n] = AS_TEXT;
              texts[k]![n] = '';
            } else cols[k]![n] = '';
            k++;
            break;
          }
          c = s.charCodeAt(p);
          continue;
        }
        // the end of the record: LF, CR, CRLF or the end of the file
        if (c === CR) {
          if (p + 1 === len && !final) break records;
          p += s.charCodeAt(p + 1) === LF ? 2 : 1;
          line++;
        } else if (c === LF) {
          p++;
          line++;
        }
        break;
      }
      if (k !== want) {
        throw this.errorAt(`the record has ${k} field${k === 1 ? '' : 's'}, the header ${want}`, s, recStart, recLine);
      }
      if (p - recStart > maxChars && this.tooLong(s, recStart, p)) {
        throw this.errorAt(`a record is longer than ${this.o.maxRecordBytes} bytes`, s, recStart, recLine);
      }
      n++;
      this.rows++;
      done = p;
      doneLine = line;
      if (n === batchSize) {
        this.n = n;
        this.batches.push(this.batch());
        this.batchFirst += n;
        this.newColumns();
        cols = this.cols;
        vals = this.vals;
        fracs = this.fracs;
        texts = this.texts;
        n = 0;
      }
    }
    this.n = n;
    // the line of the first unfinished record
    this.line = doneLine;
    return done;
  }
}

/** Streams a CSV/TSV file's byte chunks as column batches. */
export async function* readDelimitedColumns(file: string, chunks: AsyncIterable<Buffer>, o: DelimitedOptions, bad: BadData): AsyncIterable<RowBatch> {
  const scan = new DelimitedScanner(file, o, bad);
  const dec = new StringDecoder('utf8');
  for await (const c of chunks) {
    scan.feed(dec.write(c), false);
    yield* scan.take();
  }
  scan.feed(dec.end(), true);
  yield* scan.take();
  const last = scan.end();
  if (batchRows(last) || !scan.columns) yield last;
}

function batchRows(b: RowBatch): number {
  return b.cols ? (b.cols[0]?.length ?? 0) : b.rows.length;
}
