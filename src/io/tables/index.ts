// readTable: one file or a folder of files (a partitioned dataset) as one table, yielded in
// batches of rows with 1-based row numbers that run on across the folder's files. Formats:
// CSV, TSV, JSON arrays, JSON Lines, Parquet (loaded lazily). Used by cairn validate; gate and
// monitor may read tables through it too.
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CairnError } from '../../core/errors.js';
import { readParquet } from './parquet.js';
import { readDelimited, readJsonArray, readJsonLines } from './text.js';
import { DEFAULT_BATCH, DEFAULT_MAX_RECORD, TABLE_FORMATS, type ReadTableOptions, type RowBatch, type TableFile, type TableFormat } from './types.js';

export * from './types.js';
export { badData } from './text.js';

const EXT: Record<string, TableFormat> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  json: 'json',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  parquet: 'parquet',
  pq: 'parquet',
};

/** A .json file that starts with `{` is JSON Lines under another name (a common export). */
function startsWithObject(f: TableFile): boolean {
  let head: Uint8Array;
  if (f.bytes) head = f.bytes.subarray(0, 4096);
  else {
    const buf = Buffer.alloc(4096);
    let fd: number | undefined;
    try {
      fd = openSync(f.path!, 'r');
      head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
    } catch {
      return false;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8').replace(/^\ufeff/, '').trimStart();
  return text.startsWith('{');
}

/** Rows in a batch, without making row arrays of a columnar batch. */
export function batchLength(b: RowBatch): number {
  return b.length ?? (b.cols ? (b.cols[0]?.length ?? 0) : b.rows.length);
}

/** The format a file name implies, or undefined. */
export function formatOf(name: string): TableFormat | undefined {
  const m = /\.([A-Za-z0-9]+)$/.exec(name);
  return m ? EXT[m[1]!.toLowerCase()] : undefined;
}

export function assertFormat(v: string): TableFormat {
  if ((TABLE_FORMATS as readonly string[]).includes(v)) return v as TableFormat;
  throw new CairnError('CAIRN_USAGE', `unknown table format '${v}'`, { hint: `use one of: ${TABLE_FORMATS.join(', ')}` });
}

/** Files under a folder that are tables (by extension), sorted by relpath; hidden and `_` files skipped. */
export function folderFiles(dir: string, name = dir): TableFile[] {
  const out: TableFile[] = [];
  const walk = (abs: string, rel: string): void => {
    for (const e of readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.name.startsWith('.') || e.name.startsWith('_')) continue;
      const p = join(abs, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p, r);
      else if (e.isFile() && formatOf(e.name)) out.push({ name: `${name.replace(/\/+$/, '')}/${r}`, path: p });
    }
  };
  walk(dir, '');
  return out;
}

/** A path on disk as table files: the file itself, or a folder's table files. */
export function tableFiles(path: string, name = path): TableFile[] {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new CairnError('CAIRN_NOT_FOUND', `no such file or folder: ${name}`, { data: { path: name }, cause: e });
  }
  if (st.isDirectory()) {
    const files = folderFiles(path, name);
    if (!files.length) throw new CairnError('CAIRN_NOT_FOUND', `folder ${name} holds no table files (.csv, .tsv, .json, .jsonl, .parquet)`, { data: { path: name } });
    return files;
  }
  return [{ name, path }];
}

/**
 * Read a table as batches of rows. `input` is a path (file or folder) or a list of files.
 * Throws CAIRN_BAD_DATA (exit 1) naming the file and the row, line or byte it cannot read.
 */
export async function* readTable(input: string | TableFile[], opts: ReadTableOptions = {}): AsyncIterable<RowBatch> {
  const files = typeof input === 'string' ? tableFiles(input) : input;
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  const maxRecordBytes = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD;
  let firstRow = 1;
  for (const f of files) {
    const format = opts.format ?? f.format ?? formatOf(f.name);
    if (!format) {
      throw new CairnError('CAIRN_USAGE', `cannot tell the table format of ${f.name} from its name`, { hint: `pass --format (${TABLE_FORMATS.join(', ')})`, data: { file: f.name } });
    }
    const o = { batchSize, maxRecordBytes, firstRow, numeric: opts.numeric, dates: opts.dates };
    const it =
      format === 'csv' ? readDelimited(f, ',', o)
      : format === 'tsv' ? readDelimited(f, '\t', o)
      : format === 'jsonl' ? readJsonLines(f, o)
      : format === 'json' ? (startsWithObject(f) ? readJsonLines(f, o) : readJsonArray(f, o))
      : readParquet(f, o);
    for await (const b of it) {
      firstRow = b.firstRow + batchLength(b);
      yield b;
    }
  }
}
