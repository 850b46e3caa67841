// Text formats, streamed in flat memory: CSV/TSV through the scanner in delimited.ts, JSON Lines line by line,
// JSON arrays element by element (a small scanner finds each top-level element, JSON.parse
// reads it), so no format ever holds more than one batch and one record.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { CairnError } from '../../core/errors.js';
import { readDelimitedColumns } from './delimited.js';
import type { Cell, RowBatch, TableFile } from './types.js';

export interface TextReadOptions {
  batchSize: number;
  maxRecordBytes: number;
  /** 1-based row number of this file's first row over the table */
  firstRow: number;
  /** CSV/TSV columns to read as numbers (ReadTableOptions.numeric) */
  numeric?: ReadonlySet<string>;
  /** CSV/TSV columns to read as YYYY-MM-DD dates (ReadTableOptions.dates) */
  dates?: ReadonlySet<string>;
}

export function badData(file: string, what: string, at: { row?: number; line?: number; byte?: number } = {}): CairnError {
  const where = [at.row !== undefined ? `row ${at.row}` : '', at.line !== undefined ? `line ${at.line}` : '', at.byte !== undefined ? `byte ${at.byte}` : ''].filter(Boolean).join(', ');
  return new CairnError('CAIRN_BAD_DATA', `cannot read ${file}${where ? ` at ${where}` : ''}: ${what}`, {
    hint: `fix or replace ${file}${at.line !== undefined ? ` near line ${at.line}` : ''}; \`cairn validate\` checks only data it can read`,
    data: { file, ...at },
  });
}

function byteStream(f: TableFile): Readable {
  if (f.bytes) return Readable.from([Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength)]);
  return createReadStream(f.path!, { highWaterMark: 1 << 20 });
}

async function* chunks(f: TableFile): AsyncIterable<Buffer> {
  try {
    for await (const c of byteStream(f)) yield c as Buffer;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err instanceof CairnError) throw err;
    throw new CairnError(err.code === 'ENOENT' ? 'CAIRN_NOT_FOUND' : 'CAIRN_IO', `cannot read ${f.name}: ${err.message}`, { data: { file: f.name }, cause: e });
  }
}

/** CSV or TSV: the first record is the header; every later record is a row (read by columns). */
export function readDelimited(f: TableFile, delimiter: string, o: TextReadOptions): AsyncIterable<RowBatch> {
  return readDelimitedColumns(f.name, chunks(f), { delimiter, ...o }, (what, at) => badData(f.name, what, at));
}

/** Turns parsed JSON objects into rows aligned with a growing list of column names. */
class ObjectRows {
  readonly columns: string[] = [];
  private readonly index = new Map<string, number>();
  constructor(private readonly file: string) {}

  row(v: unknown, at: { row: number; line?: number; byte?: number }): Cell[] {
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw badData(this.file, 'expected a JSON object (one row)', at);
    const r: Cell[] = new Array(this.columns.length);
    for (const k in v as Record<string, unknown>) {
      let j = this.index.get(k);
      if (j === undefined) {
        j = this.columns.length;
        this.columns.push(k);
        this.index.set(k, j);
      }
      r[j] = (v as Record<string, unknown>)[k];
    }
    return r;
  }
}

/** JSON Lines: one object per non-empty line. */
export async function* readJsonLines(f: TableFile, o: TextReadOptions): AsyncIterable<RowBatch> {
  const obj = new ObjectRows(f.name);
  let rows: Cell[][] = [];
  let firstRow = o.firstRow;
  let row = o.firstRow - 1;
  let line = 0;
  let byte = 0;
  let rest: Buffer | undefined;
  const take = (lineBuf: Buffer): void => {
    line++;
    const start = byte;
    byte += lineBuf.length + 1;
    let s = lineBuf.toString('utf8');
    if (line === 1 && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    if (s.endsWith('\r')) s = s.slice(0, -1);
    if (!s.trim()) return;
    row++;
    let v: unknown;
    try {
      v = JSON.parse(s);
    } catch (e) {
      throw badData(f.name, `invalid JSON: ${(e as Error).message}`, { row, line, byte: start });
    }
    rows.push(obj.row(v, { row, line, byte: start }));
  };
  for await (const c of chunks(f)) {
    let buf = rest ? Buffer.concat([rest, c]) : c;
    let i: number;
    let from = 0;
    while ((i = buf.indexOf(10, from)) !== -1) {
      if (i - from > o.maxRecordBytes) throw badData(f.name, `a line is longer than ${o.maxRecordBytes} bytes`, { row: row + 1, line: line + 1, byte });
      take(buf.subarray(from, i));
      from = i + 1;
    }
    rest = from < buf.length ? Buffer.from(buf.subarray(from)) : undefined;
    buf = Buffer.alloc(0);
    if (rest && rest.length > o.maxRecordBytes) throw badData(f.name, `a line is longer than ${o.maxRecordBytes} bytes`, { row: row + 1, line: line + 1, byte });
    if (rows.length >= o.batchSize) {
      yield { file: f.name, columns: [...obj.columns], rows, firstRow };
      firstRow += rows.length;
      rows = [];
    }
  }
  if (rest) take(rest);
  yield { file: f.name, columns: [...obj.columns], rows, firstRow };
}

/** A JSON array of objects, read one element at a time. */
export async function* readJsonArray(f: TableFile, o: TextReadOptions): AsyncIterable<RowBatch> {
  const obj = new ObjectRows(f.name);
  const dec = new StringDecoder('utf8');
  let rows: Cell[][] = [];
  let firstRow = o.firstRow;
  let row = o.firstRow - 1;
  let state: 'start' | 'between' | 'end' = 'start';
  let depth = 0; // nesting inside the current element
  let inStr = false;
  let esc = false;
  let elem: string[] = [];
  let elemLen = 0;
  let elemByte = 0;
  let byte = 0; // bytes consumed before the current chunk
  let line = 1;
  let elemLine = 1;
  let seenElem = false;
  const finish = (): void => {
    const text = elem.join('');
    elem = [];
    elemLen = 0;
    row++;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw badData(f.name, `invalid JSON: ${(e as Error).message}`, { row, line: elemLine, byte: elemByte });
    }
    rows.push(obj.row(v, { row, line: elemLine, byte: elemByte }));
  };
  const bad = (what: string, s: string, i: number): CairnError => badData(f.name, what, { line, byte: byte + Buffer.byteLength(s.slice(0, i)) });
  for await (const c of chunks(f)) {
    let s = dec.write(c);
    if (byte === 0 && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    let segStart = depth > 0 ? 0 : -1; // start of the current element's text within s
    for (let i = 0; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      if (ch === 10) line++;
      if (depth > 0) {
        // inside an object element: strings may hold any bracket
        if (inStr) {
          if (esc) esc = false;
          else if (ch === 92) esc = true;
          else if (ch === 34) inStr = false;
        } else if (ch === 34) inStr = true;
        else if (ch === 123 || ch === 91) depth++;
        else if ((ch === 125 || ch === 93) && --depth === 0) {
          elem.push(s.slice(segStart, i + 1));
          segStart = -1;
          finish();
          state = 'between';
        }
        continue;
      }
      if (ch === 32 || ch === 9 || ch === 10 || ch === 13) continue;
      if (state === 'start') {
        if (ch !== 91) throw bad('expected a JSON array of objects (or name the file .jsonl for JSON Lines)', s, i);
        state = 'between';
        continue;
      }
      if (state === 'end') throw bad('unexpected text after the closing ]', s, i);
      if (ch === 93) {
        state = 'end';
        continue;
      }
      if (ch === 44 && seenElem) {
        seenElem = false;
        continue;
      }
      if (seenElem) throw bad("expected ',' or ']' after an element", s, i);
      if (ch !== 123) throw badData(f.name, 'expected a JSON object (one row)', { row: row + 1, line, byte: byte + Buffer.byteLength(s.slice(0, i)) });
      segStart = i;
      elemByte = byte + Buffer.byteLength(s.slice(0, i));
      elemLine = line;
      seenElem = true;
      depth = 1;
    }
    if (segStart >= 0 && depth > 0) {
      const part = s.slice(segStart);
      elem.push(part);
      elemLen += part.length;
      if (elemLen > o.maxRecordBytes) throw badData(f.name, `an element is longer than ${o.maxRecordBytes} bytes`, { row: row + 1, line: elemLine, byte: elemByte });
    }
    byte += c.length;
    if (rows.length >= o.batchSize) {
      yield { file: f.name, columns: [...obj.columns], rows, firstRow };
      firstRow += rows.length;
      rows = [];
    }
  }
  if (state !== 'end') throw badData(f.name, 'the JSON array is not closed (the file ends early)', { row: row + 1, line, byte });
  yield { file: f.name, columns: [...obj.columns], rows, firstRow };
}
