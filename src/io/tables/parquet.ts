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
type ColumnDecoder = Parameters<PageMod['readDataPage']>[2];
type SchemaTree = ColumnDecoder['schemaPath'][number];
type Element = ColumnDecoder['element'];
type Compressors = NonNullable<ColumnDecoder['compressors']>;
type ColumnMeta = NonNullable<Awaited<ReturnType<Hyparquet['parquetMetadataAsync']>>['row_groups'][number]['columns'][number]['meta_data']>;

interface Mods {
  column: ColumnMod;
  page: PageMod;
  convert: ConvertMod;
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
  n: number;
  cells?: Cell[];
  num?: { values: Float64Array; frac: Uint8Array; text: Cell[]; kind: 'number' | 'bigint' };
}

/**
 * One flat column chunk decoded page by page (what hyparquet's readColumn does, without its
 * nested-list assembly): nulls are where the definition level is below the maximum.
 */
function readFlatChunk(m: Mods, bytes: ArrayBuffer, meta: ColumnMeta, schemaPath: SchemaTree[], rows: number, numeric: boolean): FlatOut {
  const element = schemaPath[schemaPath.length - 1]!.element;
  const decoder = { pathInSchema: meta.path_in_schema, element, schemaPath, type: meta.type, codec: meta.codec, compressors: m.compressors, parsers: m.convert.DEFAULT_PARSERS, utf8: true } as ColumnDecoder;
  const maxDef = element.repetition_type === 'REQUIRED' ? 0 : 1;
  const reader = { view: new DataView(bytes), offset: 0 };
  const out: FlatOut = { n: 0 };
  const intCol = meta.type === 'INT32' || meta.type === 'INT64';
  if (numeric) out.num = { values: new Float64Array(rows), frac: new Uint8Array(rows), text: new Array<Cell>(rows), kind: meta.type === 'INT64' ? 'bigint' : 'number' };
  else out.cells = new Array<Cell>(rows);
  let dictionary: ArrayLike<unknown> | undefined;
  let at = 0;
  while (at < rows && reader.offset < bytes.byteLength - 1) {
    const header = m.column.parquetHeader(reader);
    if (header.type === 'DICTIONARY_PAGE') {
      const { data } = m.column.readPage(reader, header, decoder, dictionary as never, undefined, 0);
      if (data) dictionary = m.convert.convert(data, decoder) as ArrayLike<unknown>;
      continue;
    }
    let page;
    let encoding: string;
    if (header.type === 'DATA_PAGE') {
      const daph = header.data_page_header!;
      const compressed = new Uint8Array(bytes, reader.offset, header.compressed_page_size);
      reader.offset += header.compressed_page_size;
      page = m.page.readDataPage(m.page.decompressPage(compressed, Number(header.uncompressed_page_size), meta.codec, m.compressors), daph, decoder);
      encoding = daph.encoding;
    } else if (header.type === 'DATA_PAGE_V2') {
      const compressed = new Uint8Array(bytes, reader.offset, header.compressed_page_size);
      reader.offset += header.compressed_page_size;
      page = m.page.readDataPageV2(compressed, header, decoder);
      encoding = header.data_page_header_v2!.encoding;
    } else {
      reader.offset += header.compressed_page_size;
      continue;
    }
    const dict = dictionary && encoding.endsWith('_DICTIONARY') ? dictionary : undefined;
    const raw = page.dataPage as ArrayLike<unknown>;
    // dictionary indices stay indices; plain values get hyparquet's conversion (UTF-8, dates, ...)
    const vals = dict ? raw : (m.convert.convert(page.dataPage, decoder) as ArrayLike<unknown>);
    const defs = page.definitionLevels as ArrayLike<number> | undefined;
    const count = defs && defs.length ? defs.length : vals.length;
    if (at + count > rows) throw new Error(`column ${meta.path_in_schema.join('.')} has more values than its row group's ${rows} rows`);
    let vi = 0;
    if (out.num) {
      const { values, frac, text } = out.num;
      for (let i = 0; i < count; i++, at++) {
        if (defs && defs.length && defs[i] !== maxDef) {
          frac[at] = NULL_CELL;
          continue;
        }
        const ix = vi++;
        const v = dict ? dict[vals[ix] as number] : vals[ix];
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
    } else {
      const cells = out.cells!;
      if (!(defs && defs.length) && !dict) {
        for (let i = 0; i < count; i++) cells[at++] = vals[i];
      } else {
        for (let i = 0; i < count; i++, at++) {
          if (defs && defs.length && defs[i] !== maxDef) cells[at] = null;
          else {
            const ix = vi++;
            cells[at] = dict ? dict[vals[ix] as number] : vals[ix];
          }
        }
      }
    }
  }
  if (at !== rows) throw new Error(`column ${meta.path_in_schema.join('.')} has ${at} values for ${rows} rows`);
  out.n = at;
  return out;
}

export async function* readParquet(f: TableFile, o: { firstRow: number; batchSize: number; numeric?: ReadonlySet<string> }): AsyncIterable<RowBatch> {
  const [hp, column, page, convert, { compressors }] = await Promise.all([import('hyparquet'), import('hyparquet/src/column.js'), import('hyparquet/src/datapage.js'), import('hyparquet/src/convert.js'), import('hyparquet-compressors')]);
  const mods: Mods = { column, page, convert, compressors: compressors as Compressors };
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
      const num: (NumericColumn | undefined)[] = columns.map(() => undefined);
      try {
        for (const chunk of rg.columns) {
          const meta = chunk.meta_data;
          if (!meta || meta.path_in_schema.length !== 1) continue;
          const j = at.get(meta.path_in_schema[0]!);
          if (j === undefined || !flat[j]) continue;
          const from = Number(meta.dictionary_page_offset || meta.data_page_offset);
          const bytes = await buf.slice(from, from + Number(meta.total_compressed_size));
          const r = readFlatChunk(mods, bytes, meta, [tree, tree.children[j]!], n, asNumber[j]!);
          if (r.num) num[j] = r.num;
          else cols[j] = r.cells!;
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
        throw badData(f.name, `cannot decode rows ${firstRow}..${firstRow + n - 1}: ${(err as Error).message}`, { row: firstRow });
      }
      const anyNum = num.some(Boolean);
      for (let s0 = 0; s0 < n; s0 += o.batchSize) {
        const e = Math.min(n, s0 + o.batchSize);
        // plain arrays (typed arrays too): one element kind keeps the consumers' loops monomorphic
        const bcols = cols.map((c, j) => (num[j] ? [] : (Array.prototype.slice.call(c, s0, e) as Cell[])));
        const bnum = anyNum ? num.map((c) => c && { values: c.values.subarray(s0, e), frac: c.frac.subarray(s0, e), text: c.text.slice(s0, e), kind: c.kind }) : undefined;
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
