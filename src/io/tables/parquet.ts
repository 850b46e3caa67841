// Parquet through hyparquet (+ hyparquet-compressors for snappy, gzip, zstd, brotli, lz4),
// imported only when a Parquet file is read. One row group at a time, so memory follows the
// row-group size the writer chose, not the file size.
//
// Flat columns (a top-level leaf, not repeated: what a data frame writes) are decoded here
// page by page with hyparquet's own page functions (header, decompression, levels, values,
// type conversion), but laid out flat: hyparquet's general Dremel assembly (assembleLists) and
// its boxed arrays were half of the decode time and most of the garbage of an OPTIONAL column.
// Numeric columns the consumer asks for (ReadTableOptions.numeric) go straight into a
// Float64Array with a null mark per cell (NumericColumn), never one boxed value per cell.
// Nested columns still go through parquetRead.
import { isAscii } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { CairnError } from '../../core/errors.js';
import { AS_TEXT, columnBatch, NULL_CELL } from './batch.js';
import { badData } from './text.js';
import type { Cell, NumericColumn, RowBatch, TableFile } from './types.js';

interface AsyncBuffer {
  byteLength: number;
  slice(start: number, end?: number): Promise<ArrayBuffer>;
}

async function fileBuffer(f: TableFile): Promise<{ buf: AsyncBuffer; close: () => Promise<void> }> {
  if (f.bytes) {
    const b = f.bytes;
    const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    return { buf: { byteLength: ab.byteLength, slice: async (s, e) => ab.slice(s, e) }, close: async () => {} };
  }
  let size: number;
  try {
    size = statSync(f.path!).size;
  } catch (e) {
    throw new CairnError('CAIRN_NOT_FOUND', `cannot read ${f.name}: ${(e as Error).message}`, { data: { file: f.name }, cause: e });
  }
  if (size < 4 << 20) {
    const all = readFileSync(f.path!);
    const ab = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
    return { buf: { byteLength: size, slice: async (s, e) => ab.slice(s, e) }, close: async () => {} };
  }
  const fh = await open(f.path!, 'r');
  return {
    buf: {
      byteLength: size,
      async slice(start, end = size) {
        const out = Buffer.allocUnsafe(end - start);
        let done = 0;
        while (done < out.length) {
          const { bytesRead } = await fh.read(out, done, out.length - done, start + done);
          if (!bytesRead) break;
          done += bytesRead;
        }
        return out.buffer.slice(out.byteOffset, out.byteOffset + done) as ArrayBuffer;
      },
    },
    close: () => fh.close(),
  };
}

type Hyparquet = typeof import('hyparquet');
type ColumnMod = typeof import('hyparquet/src/column.js');
type PageMod = typeof import('hyparquet/src/datapage.js');
type ConvertMod = typeof import('hyparquet/src/convert.js');
type EncodingMod = typeof import('hyparquet/src/encoding.js');
type PlainMod = typeof import('hyparquet/src/plain.js');
type ColumnDecoder = Parameters<PageMod['readDataPage']>[2];
type SchemaTree = ColumnDecoder['schemaPath'][number];
type Element = ColumnDecoder['element'];
type Compressors = NonNullable<ColumnDecoder['compressors']>;
type ColumnMeta = NonNullable<Awaited<ReturnType<Hyparquet['parquetMetadataAsync']>>['row_groups'][number]['columns'][number]['meta_data']>;

interface Mods {
  column: ColumnMod;
  page: PageMod;
  convert: ConvertMod;
  encoding: EncodingMod;
  plain: PlainMod;
  compressors: Compressors;
}

const SIGNED_INT = new Set(['INT_8', 'INT_16', 'INT_32', 'INT_64']);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** A leaf whose values hyparquet hands over as plain numbers or bigints (no date, decimal, unsigned, float16). */
function plainNumeric(e: Element): boolean {
  if (e.type !== 'INT32' && e.type !== 'INT64' && e.type !== 'FLOAT' && e.type !== 'DOUBLE') return false;
  if (e.converted_type && !SIGNED_INT.has(e.converted_type)) return false;
  const lt = e.logical_type as { type: string; isSigned?: boolean } | undefined;
  return !lt || (lt.type === 'INTEGER' && lt.isSigned === true);
}

/** The output of one flat column chunk: cells as read, or numbers with null marks. */
interface FlatOut {
  cells?: Cell[];
  num?: { values: Float64Array; frac: Uint8Array; text: Cell[]; kind: 'number' | 'bigint' };
}

/** A page's levels and values: vals are dictionary indices when dict is set. */
interface PageValues {
  /** definition levels, or undefined when no value is null */
  defs: ArrayLike<number> | undefined;
  vals: ArrayLike<unknown>;
  dict: boolean;
}

/** A BYTE_ARRAY leaf that hyparquet turns into strings (UTF-8, no JSON, UUID, geometry...). */
function utf8Leaf(e: Element): boolean {
  const lt = e.logical_type as { type: string } | undefined;
  return e.type === 'BYTE_ARRAY' && (e.converted_type === 'UTF8' || (!e.converted_type && (!lt || lt.type === 'STRING')));
}

/**
 * PLAIN BYTE_ARRAY values of a page as strings: when every byte of them is ASCII, one latin1
 * decode of the whole run and a slice per value, instead of hyparquet's Uint8Array view and
 * TextDecoder call per value (most of a string column's decoding time). Undefined otherwise.
 */
function asciiStrings(page: Uint8Array, off: number, n: number): string[] | undefined {
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const starts = new Int32Array(n);
  const lens = new Int32Array(n);
  let p = off;
  for (let i = 0; i < n; i++) {
    if (p + 4 > page.length) return undefined;
    const len = view.getUint32(p, true);
    starts[i] = p + 4 - off;
    lens[i] = len;
    p += 4 + len;
  }
  if (p > page.length) return undefined;
  const run = page.subarray(off, p);
  // length prefixes are part of the run: a byte >= 0x80 there (a string of 128+ bytes) just takes the slow path
  if (!isAscii(run)) return undefined;
  const text = Buffer.from(run.buffer, run.byteOffset, run.byteLength).toString('latin1');
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = text.slice(starts[i]!, starts[i]! + lens[i]!);
  return out;
}

/**
 * A version-1 data page of a flat column, decoded without boxing: definition levels into a
 * Uint8Array, dictionary indices into a Uint32Array, numbers as hyparquet's typed arrays, ASCII
 * strings sliced from one decode. Undefined for anything else (hyparquet's readDataPage then).
 */
function fastPageV1(m: Mods, page: Uint8Array, daph: NonNullable<Parameters<PageMod['readDataPage']>[1]>, maxDef: number, element: Element): PageValues | undefined {
  const enc = daph.encoding;
  const dict = enc === 'PLAIN_DICTIONARY' || enc === 'RLE_DICTIONARY';
  const t = element.type;
  const plainNum = t === 'INT32' || t === 'INT64' || t === 'FLOAT' || t === 'DOUBLE';
  if (!dict && !(enc === 'PLAIN' && (plainNum || utf8Leaf(element)))) return undefined;
  if (dict && t === 'BOOLEAN') return undefined;
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const reader = { view, offset: 0 };
  const nv = daph.num_values;
  let defs: Uint8Array | undefined;
  let nulls = 0;
  if (maxDef) {
    defs = new Uint8Array(nv);
    m.encoding.readRleBitPackedHybrid(reader, 1, defs as never);
    for (let i = 0; i < nv; i++) if (defs[i] !== 1) nulls++;
    if (!nulls) defs = undefined;
  }
  const n = nv - nulls;
  if (dict) {
    const width = view.getUint8(reader.offset++);
    const idx = new Uint32Array(n);
    if (width) m.encoding.readRleBitPackedHybrid(reader, width, idx as never, view.byteLength - reader.offset);
    return { defs, vals: idx, dict: true };
  }
  if (!plainNum) {
    const strs = asciiStrings(page, reader.offset, n);
    return strs ? { defs, vals: strs, dict: false } : undefined;
  }
  return { defs, vals: m.plain.readPlain(reader, t, n, element.type_length) as ArrayLike<unknown>, dict: false };
}

/** Numbers of a numeric column's dictionary, with their marks (AS_TEXT: beyond 2^53, kept in raw). */
function numericDictionary(dict: ArrayLike<unknown>, intCol: boolean): { v: Float64Array; f: Uint8Array } {
  const v = new Float64Array(dict.length);
  const f = new Uint8Array(dict.length);
  for (let i = 0; i < dict.length; i++) {
    const x = dict[i];
    if (typeof x === 'number') {
      if (x !== x) f[i] = NULL_CELL;
      else {
        v[i] = x;
        f[i] = intCol || Number.isInteger(x) ? 0 : 1;
      }
    } else if (typeof x === 'bigint' && x <= MAX_SAFE && x >= MIN_SAFE) v[i] = Number(x);
    else f[i] = AS_TEXT;
  }
  return { v, f };
}

/**
 * One flat column chunk, decoded a page at a time as batches ask for rows (what hyparquet's
 * readColumn does, without its nested-list assembly), so memory holds one page per column and
 * the batch, not the row group: nulls are where the definition level is below the maximum.
 */
class FlatColumn {
  private readonly decoder: ColumnDecoder;
  private readonly element: Element;
  private readonly maxDef: number;
  private readonly intCol: boolean;
  private readonly reader: { view: DataView; offset: number };
  private dictionary: ArrayLike<unknown> | undefined;
  private numDict: { v: Float64Array; f: Uint8Array } | undefined;
  /** the decoded page rows are taken from, and how far */
  private page: FlatOut | undefined;
  private pageLen = 0;
  private pos = 0;

  constructor(
    private readonly m: Mods,
    private readonly bytes: ArrayBuffer,
    private readonly meta: ColumnMeta,
    schemaPath: SchemaTree[],
    private readonly numeric: boolean,
  ) {
    this.element = schemaPath[schemaPath.length - 1]!.element;
    this.decoder = { pathInSchema: meta.path_in_schema, element: this.element, schemaPath, type: meta.type, codec: meta.codec, compressors: m.compressors, parsers: m.convert.DEFAULT_PARSERS, utf8: true } as ColumnDecoder;
    this.maxDef = this.element.repetition_type === 'REQUIRED' ? 0 : 1;
    this.intCol = meta.type === 'INT32' || meta.type === 'INT64';
    this.reader = { view: new DataView(bytes), offset: 0 };
  }

  private get name(): string {
    return this.meta.path_in_schema.join('.');
  }

  /** The next n rows (cells, or numbers with marks). */
  take(n: number): FlatOut {
    const out: FlatOut = this.numeric ? { num: { values: new Float64Array(n), frac: new Uint8Array(n), text: new Array<Cell>(n), kind: this.meta.type === 'INT64' ? 'bigint' : 'number' } } : { cells: new Array<Cell>(n) };
    let filled = 0;
    while (filled < n) {
      if (this.pos === this.pageLen && !this.nextPage()) throw new CairnError('CAIRN_BAD_DATA', `column ${this.name} has fewer values than its row group's rows`);
      const k = Math.min(n - filled, this.pageLen - this.pos);
      const from = this.pos;
      const pg = this.page!;
      if (out.num) {
        const src = pg.num!;
        out.num.values.set(src.values.subarray(from, from + k), filled);
        out.num.frac.set(src.frac.subarray(from, from + k), filled);
        for (let i = 0; i < k; i++) if (src.frac[from + i] === AS_TEXT) out.num.text[filled + i] = src.text[from + i];
      } else {
        const src = pg.cells!;
        const dst = out.cells!;
        for (let i = 0; i < k; i++) dst[filled + i] = src[from + i];
      }
      this.pos += k;
      filled += k;
    }
    return out;
  }

  /** After the row group's last row: a page with values left over is a broken file. */
  finish(): void {
    if (this.pos < this.pageLen) throw new CairnError('CAIRN_BAD_DATA', `column ${this.name} has more values than its row group's rows`);
  }

  /** Decodes the next data page (reading any dictionary page before it); false at the end. */
  private nextPage(): boolean {
    const { m, reader, decoder, meta, element, maxDef } = this;
    while (reader.offset < this.bytes.byteLength - 1) {
      const header = m.column.parquetHeader(reader);
      if (header.type === 'DICTIONARY_PAGE') {
        const { data } = m.column.readPage(reader, header, decoder, this.dictionary as never, undefined, 0);
        if (data) this.dictionary = m.convert.convert(data, decoder) as ArrayLike<unknown>;
        this.numDict = this.numeric && this.dictionary ? numericDictionary(this.dictionary, this.intCol) : undefined;
        continue;
      }
      if (header.type !== 'DATA_PAGE' && header.type !== 'DATA_PAGE_V2') {
        reader.offset += header.compressed_page_size;
        continue;
      }
      const compressed = new Uint8Array(this.bytes, reader.offset, header.compressed_page_size);
      reader.offset += header.compressed_page_size;
      let pv: PageValues | undefined;
      let page;
      let encoding: string;
      if (header.type === 'DATA_PAGE') {
        const daph = header.data_page_header!;
        const raw = m.page.decompressPage(compressed, Number(header.uncompressed_page_size), meta.codec, m.compressors);
        pv = fastPageV1(m, raw, daph, maxDef, element);
        if (!pv) page = m.page.readDataPage(raw, daph, decoder);
        encoding = daph.encoding;
      } else {
        page = m.page.readDataPageV2(compressed, header, decoder);
        encoding = header.data_page_header_v2!.encoding;
      }
      if (page) {
        const dict = this.dictionary !== undefined && encoding.endsWith('_DICTIONARY');
        // dictionary indices stay indices; plain values get hyparquet's conversion (UTF-8, dates, ...)
        const defs = page.definitionLevels as ArrayLike<number> | undefined;
        pv = { defs: defs && defs.length ? defs : undefined, vals: (dict ? page.dataPage : m.convert.convert(page.dataPage, decoder)) as ArrayLike<unknown>, dict };
      }
      const { defs, vals } = pv!;
      if (pv!.dict && !this.dictionary) throw new CairnError('CAIRN_BAD_DATA', `column ${this.name}: a dictionary-encoded page without a dictionary`);
      const count = defs ? defs.length : vals.length;
      if (!count) continue;
      if (this.numeric) {
        const num = { values: new Float64Array(count), frac: new Uint8Array(count), text: new Array<Cell>(count), kind: 'number' as const };
        putNumbers(num, 0, count, defs, maxDef, vals, pv!.dict ? this.numDict : undefined, this.dictionary, this.intCol);
        this.page = { num };
      } else {
        const cells = new Array<Cell>(count);
        const dict = pv!.dict ? this.dictionary! : undefined;
        let at = 0;
        let vi = 0;
        if (!defs && !dict) for (let i = 0; i < count; i++) cells[at++] = vals[i];
        else if (!defs) for (let i = 0; i < count; i++) cells[at++] = dict![vals[i] as number];
        else {
          for (let i = 0; i < count; i++, at++) {
            if (defs[i] !== maxDef) cells[at] = null;
            else {
              const ix = vi++;
              cells[at] = dict ? dict[vals[ix] as number] : vals[ix];
            }
          }
        }
        this.page = { cells };
      }
      this.pageLen = count;
      this.pos = 0;
      return true;
    }
    return false;
  }
}

/** A page's numbers into the column's Float64Array and marks; returns the next row. */
function putNumbers(num: NonNullable<FlatOut['num']>, at: number, count: number, defs: ArrayLike<number> | undefined, maxDef: number, vals: ArrayLike<unknown>, nd: { v: Float64Array; f: Uint8Array } | undefined, dictionary: ArrayLike<unknown> | undefined, intCol: boolean): number {
  const { values, frac, text } = num;
  let vi = 0;
  if (nd) {
    const idx = vals as ArrayLike<number>;
    const dv = nd.v;
    const df = nd.f;
    for (let i = 0; i < count; i++, at++) {
      if (defs && defs[i] !== maxDef) {
        frac[at] = NULL_CELL;
        continue;
      }
      const k = idx[vi++]!;
      values[at] = dv[k]!;
      const f = (frac[at] = df[k]!);
      if (f === AS_TEXT) text[at] = dictionary![k];
    }
    return at;
  }
  if (vals instanceof BigInt64Array) {
    // INT64 read as two int32 halves: no BigInt made per value (hyparquet's array would make one per read)
    const w = new Int32Array(vals.buffer, vals.byteOffset, vals.length * 2);
    for (let i = 0; i < count; i++, at++) {
      if (defs && defs[i] !== maxDef) {
        frac[at] = NULL_CELL;
        continue;
      }
      const ix = vi++;
      const hi = w[2 * ix + 1]!;
      const x = hi * 4294967296 + (w[2 * ix]! >>> 0);
      if (hi >= -2097152 && hi < 2097152 && x >= -Number.MAX_SAFE_INTEGER) values[at] = x;
      else {
        frac[at] = AS_TEXT;
        text[at] = vals[ix];
      }
    }
    return at;
  }
  for (let i = 0; i < count; i++, at++) {
    if (defs && defs[i] !== maxDef) {
      frac[at] = NULL_CELL;
      continue;
    }
    const v = vals[vi++];
    if (typeof v === 'number') {
      if (v !== v) frac[at] = NULL_CELL;
      else {
        values[at] = v;
        frac[at] = intCol || Number.isInteger(v) ? 0 : 1;
      }
    } else if (typeof v === 'bigint' && v <= MAX_SAFE && v >= MIN_SAFE) {
      values[at] = Number(v);
    } else {
      frac[at] = AS_TEXT;
      text[at] = v;
    }
  }
  return at;
}

export async function* readParquet(f: TableFile, o: { firstRow: number; batchSize: number; numeric?: ReadonlySet<string> }): AsyncIterable<RowBatch> {
  const [hp, column, page, convert, encoding, plain, { compressors }] = await Promise.all([
    import('hyparquet'),
    import('hyparquet/src/column.js'),
    import('hyparquet/src/datapage.js'),
    import('hyparquet/src/convert.js'),
    import('hyparquet/src/encoding.js'),
    import('hyparquet/src/plain.js'),
    import('hyparquet-compressors'),
  ]);
  const mods: Mods = { column, page, convert, encoding, plain, compressors: compressors as Compressors };
  const { buf, close } = await fileBuffer(f);
  try {
    let metadata;
    try {
      metadata = await hp.parquetMetadataAsync(buf);
    } catch (e) {
      throw badData(f.name, `not a readable Parquet file: ${(e as Error).message}`, { byte: 0 });
    }
    const tree = hp.parquetSchema(metadata);
    const columns = tree.children.map((c) => c.element.name);
    const at = new Map(columns.map((c, i) => [c, i]));
    // a top-level leaf, not repeated: decoded here; anything else through parquetRead
    const flat = tree.children.map((c) => !c.children.length && c.element.repetition_type !== 'REPEATED');
    const asNumber = tree.children.map((c, j) => flat[j]! && (o.numeric?.has(c.element.name) ?? false) && plainNumeric(c.element));
    const nested = columns.filter((_, j) => !flat[j]);
    let firstRow = o.firstRow;
    let start = 0;
    let yielded = false;
    for (const rg of metadata.row_groups) {
      const n = Number(rg.num_rows);
      const cols: ArrayLike<Cell>[] = columns.map(() => []);
      const readers: (FlatColumn | undefined)[] = columns.map(() => undefined);
      const decodeError = (err: unknown, from: number, to: number): CairnError => badData(f.name, `cannot decode rows ${from}..${to}: ${(err as Error).message}`, { row: from });
      try {
        for (const chunk of rg.columns) {
          const meta = chunk.meta_data;
          if (!meta || meta.path_in_schema.length !== 1) continue;
          const j = at.get(meta.path_in_schema[0]!);
          if (j === undefined || !flat[j]) continue;
          const from = Number(meta.dictionary_page_offset || meta.data_page_offset);
          // the compressed chunk is read whole (a fraction of the decoded size); pages are decoded as batches need them
          readers[j] = new FlatColumn(mods, await buf.slice(from, from + Number(meta.total_compressed_size)), meta, [tree, tree.children[j]!], asNumber[j]!);
        }
        if (nested.length) {
          const parts: ArrayLike<Cell>[][] = columns.map(() => []);
          await hp.parquetRead({
            file: buf,
            metadata,
            compressors,
            columns: nested,
            rowStart: start,
            rowEnd: start + n,
            onChunk: (ch: { columnName: string; columnData: ArrayLike<unknown>; rowStart: number }) => {
              const i = at.get(ch.columnName);
              if (i !== undefined) parts[i]!.push(ch.columnData as ArrayLike<Cell>);
            },
          });
          for (const name of nested) {
            const j = at.get(name)!;
            const p = parts[j]!;
            cols[j] = p.length === 1 ? p[0]! : p.flatMap((x) => Array.from(x));
          }
        }
      } catch (err) {
        throw decodeError(err, firstRow, firstRow + n - 1);
      }
      const anyNum = asNumber.some(Boolean);
      for (let s0 = 0; s0 < n; s0 += o.batchSize) {
        const e = Math.min(n, s0 + o.batchSize);
        let bcols: Cell[][];
        let bnum: (NumericColumn | undefined)[] | undefined;
        try {
          const taken = readers.map((r) => r?.take(e - s0));
          if (e === n) for (const r of readers) r?.finish();
          // plain arrays (typed arrays too): one element kind keeps the consumers' loops monomorphic
          bcols = cols.map((c, j) => (taken[j] ? (taken[j]!.cells ?? []) : (Array.prototype.slice.call(c, s0, e) as Cell[])));
          bnum = anyNum ? taken.map((t) => t?.num) : undefined;
        } catch (err) {
          throw decodeError(err, firstRow, firstRow + (e - s0) - 1);
        }
        yield columnBatch(f.name, columns, bcols, firstRow, e - s0, bnum);
        yielded = true;
        firstRow += e - s0;
      }
      start += n;
    }
    if (!yielded) yield { file: f.name, columns, rows: [], firstRow };
  } finally {
    await close();
  }
}
