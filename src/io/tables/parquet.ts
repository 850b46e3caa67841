// Parquet through hyparquet (+ hyparquet-compressors for snappy, gzip, zstd, brotli, lz4),
// imported only when a Parquet file is read. One row group at a time, so memory follows the
// row-group size the writer chose, not the file size.
import { readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { CairnError } from '../../core/errors.js';
import { columnBatch } from './batch.js';
import { badData } from './text.js';
import type { Cell, RowBatch, TableFile } from './types.js';

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

export async function* readParquet(f: TableFile, o: { firstRow: number; batchSize: number }): AsyncIterable<RowBatch> {
  const [{ parquetMetadataAsync, parquetRead, parquetSchema }, { compressors }] = await Promise.all([import('hyparquet'), import('hyparquet-compressors')]);
  const { buf, close } = await fileBuffer(f);
  try {
    let metadata;
    try {
      metadata = await parquetMetadataAsync(buf);
    } catch (e) {
      throw badData(f.name, `not a readable Parquet file: ${(e as Error).message}`, { byte: 0 });
    }
    const columns = parquetSchema(metadata).children.map((c) => c.element.name);
    let firstRow = o.firstRow;
    let start = 0;
    let yielded = false;
    for (const rg of metadata.row_groups) {
      const n = Number(rg.num_rows);
      // one decode per row group, column by column; rows are cut from the columns a batch at a time
      const cols: ArrayLike<Cell>[][] = columns.map(() => []);
      const at = new Map(columns.map((c, i) => [c, i]));
      try {
        await parquetRead({
          file: buf,
          metadata,
          compressors,
          rowStart: start,
          rowEnd: start + n,
          onChunk: (ch: { columnName: string; columnData: ArrayLike<unknown>; rowStart: number }) => {
            const i = at.get(ch.columnName);
            if (i !== undefined) cols[i]!.push(ch.columnData as ArrayLike<Cell>);
          },
        });
      } catch (err) {
        throw badData(f.name, `cannot decode rows ${firstRow}..${firstRow + n - 1}: ${(err as Error).message}`, { row: firstRow });
      }
      const flat = cols.map((parts) => (parts.length === 1 ? parts[0]! : parts.flatMap((p) => Array.from(p))));
      for (let s0 = 0; s0 < n; s0 += o.batchSize) {
        const e = Math.min(n, s0 + o.batchSize);
        // plain arrays (typed arrays too): one element kind keeps the consumers' loops monomorphic
        const cols = flat.map((c) => Array.prototype.slice.call(c, s0, e) as Cell[]);
        yield columnBatch(f.name, columns, cols, firstRow, e - s0);
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
