// Parquet's own flat-column decoder (io/tables/parquet.ts: pages decoded with hyparquet's page
// functions, numeric columns into Float64Array + null marks) must give exactly the report
// that hyparquet's general reader (parquetRead, rows of boxed values) gives, in every layout
// the fixtures hold (fixtures/validate/parquet/, written by scripts/make-validate-parquet-fixtures.py:
// row groups and pages, dictionary and plain, data pages v1 and v2, snappy/gzip/zstd/brotli/lz4/none),
// and the same failures as the same table read from CSV.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTable, type RowBatch } from '../../src/io/tables/index.js';
import { parseSchema } from '../../src/mlops/validate/schema.js';
import { NumSet, numericColumns, validateBatches, type ValidationReport } from '../../src/mlops/validate/validator.js';
import { ROOT } from '../helpers.js';

const DIR = join(ROOT, 'fixtures', 'validate', 'parquet');
const schemaOf = (f: string) => parseSchema(readFileSync(join(DIR, f), 'utf8'), f);
const schema = schemaOf('schema.yaml');
const layouts = readdirSync(DIR).filter((f) => f.endsWith('.parquet') && !f.startsWith('extra')).sort();
const json = (r: ValidationReport) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? `${v}n` : v), 1);

/** The reference: hyparquet's own reader, its rows in batches of 7, no numeric path. */
async function* reference(path: string): AsyncIterable<RowBatch> {
  const { parquetMetadataAsync, parquetReadObjects, parquetSchema } = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  const bytes = readFileSync(path);
  const file = { byteLength: bytes.length, slice: async (s: number, e?: number) => bytes.buffer.slice(bytes.byteOffset + s, bytes.byteOffset + (e ?? bytes.length)) as ArrayBuffer };
  const metadata = await parquetMetadataAsync(file);
  const columns = parquetSchema(metadata).children.map((c) => c.element.name);
  const objs = await parquetReadObjects({ file, metadata, compressors });
  for (let s = 0; s < objs.length; s += 7) yield { file: path, columns, rows: objs.slice(s, s + 7).map((o) => columns.map((c) => o[c])), firstRow: s + 1 };
}

async function validate(path: string, s = schema, batchSize?: number): Promise<ValidationReport> {
  return validateBatches(readTable(path, { numeric: numericColumns(s), batchSize }), s);
}

describe('Parquet flat decoding', () => {
  it('the fixtures cover what they claim: six layouts, every codec, failures in every column', async () => {
    expect(layouts).toHaveLength(6);
    const { parquetMetadataAsync } = await import('hyparquet');
    const codecs = new Set<string>();
    let groups = 0;
    for (const f of layouts) {
      const b = readFileSync(join(DIR, f));
      const md = await parquetMetadataAsync({ byteLength: b.length, slice: async (s: number, e?: number) => b.buffer.slice(b.byteOffset + s, b.byteOffset + (e ?? b.length)) as ArrayBuffer });
      for (const rg of md.row_groups) for (const c of rg.columns) codecs.add(c.meta_data!.codec);
      groups = Math.max(groups, md.row_groups.length);
    }
    expect([...codecs].sort()).toEqual(['BROTLI', 'GZIP', 'LZ4_RAW', 'SNAPPY', 'UNCOMPRESSED', 'ZSTD']);
    expect(groups).toBeGreaterThanOrEqual(5);
    const r = await validate(join(DIR, layouts[0]!));
    expect(new Set(r.failures.map((f) => f.column))).toEqual(new Set(['id', 'n32', 'mass', 'bill', 'ratio', 'species', 'email', 'date', null]));
  });

  it.each(layouts)('%s: the same report as hyparquet’s own reader, byte for byte', async (f) => {
    const path = join(DIR, f);
    const want = await validateBatches(reference(path), schema);
    expect(want.failures.length).toBeGreaterThan(10);
    for (const bs of [undefined, 7, 64]) expect(json(await validate(path, schema, bs))).toBe(json(want));
  });

  it('every layout gives the same failures as the table read from CSV', async () => {
    const csv = await validate(join(DIR, 'table.csv'));
    const norm = (r: ValidationReport) => ({ ...r, files: [], failures: r.failures.map((f) => ({ ...f, examples: f.examples.map((e) => (e === null ? null : String(e))) })) });
    for (const f of layouts) expect(norm(await validate(join(DIR, f))), f).toEqual(norm(csv));
  });

  it.each(['extra.parquet', 'extra-plain.parquet'])('%s: NaN is a null, an INT64 beyond 2^53 keeps its exact value, -0 repeats 0, a fraction fails int, non-ASCII strings', async (f) => {
    const s = schemaOf('extra.schema.yaml');
    const path = join(DIR, f);
    const got = await validate(path, s);
    expect(json(got)).toBe(json(await validateBatches(reference(path), s)));
    const by = (c: string, k: string) => got.failures.find((f) => f.column === c && f.check === k);
    expect(by('x', 'nullable')?.rows).toEqual([2, 3]);
    expect(by('x', 'unique')?.rows).toEqual([6]);
    expect(by('k', 'max')).toMatchObject({ rows: [2], examples: [String(2n ** 60n)] });
    expect(by('k', 'regex')).toMatchObject({ rows: [4], examples: [String(-(2n ** 60n))] });
    expect(by('k', 'unique')?.rows).toEqual([6]);
    expect(by('w', 'type')).toMatchObject({ rows: [2], examples: [2.5] });
    expect(by('w', 'unique')?.rows).toEqual([6]);
    expect(by('s', 'length')?.rows).toEqual([3]);
    expect(by('s', 'regex')).toMatchObject({ rows: [2, 6], examples: ['caf\u00e9', 'na\u00efve'] });
    expect(by('s', 'unique')?.rows).toEqual([5]);
  });
});

describe('a broken Parquet page', () => {
  it('is unreadable data naming the rows, found only when the batches reach it (pages are decoded as rows are read)', async () => {
    const { parquetMetadataAsync } = await import('hyparquet');
    const { parquetHeader } = await import('hyparquet/src/column.js');
    const bytes = Buffer.from(readFileSync(join(DIR, 'snappy-dict-v1.parquet')));
    const md = await parquetMetadataAsync({ byteLength: bytes.length, slice: async (s: number, e?: number) => bytes.buffer.slice(bytes.byteOffset + s, bytes.byteOffset + (e ?? bytes.length)) as ArrayBuffer });
    const meta = md.row_groups[0]!.columns[0]!.meta_data!;
    // the last data page header of the first column in the first row group (of 100 rows)
    const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
    const view = new DataView(bytes.buffer, bytes.byteOffset + start, Number(meta.total_compressed_size));
    const reader = { view, offset: 0 };
    let last = -1;
    let pages = 0;
    while (reader.offset < view.byteLength - 1) {
      const at = reader.offset;
      const h = parquetHeader(reader);
      if (h.type === 'DATA_PAGE') {
        last = at;
        pages++;
      }
      reader.offset += h.compressed_page_size;
    }
    expect(pages).toBeGreaterThan(2);
    bytes.fill(0xff, start + last, start + last + 12);
    const seen: number[] = [];
    const run = async () => {
      for await (const b of readTable([{ name: 'broken.parquet', bytes }], { batchSize: 7, numeric: numericColumns(schema) })) seen.push(b.firstRow);
    };
    await expect(run()).rejects.toMatchObject({ code: 'CAIRN_BAD_DATA', message: expect.stringMatching(/^cannot read broken\.parquet at row \d+: cannot decode rows \d+\.\.\d+: /) });
    // the batches before the broken page were read, the ones after it not
    expect(seen[0]).toBe(1);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)!).toBeLessThan(100);
  });
});

describe('NumSet', () => {
  it('adds like a Set of numbers: SameValueZero, through growth, colliding keys', () => {
    const ns = new NumSet();
    const ref = new Set<number>();
    const keys: number[] = [0, -0, 1, -1, 0.1, 1e300, -1e-300, Number.MAX_SAFE_INTEGER, Infinity, -Infinity];
    for (let i = 0; i < 20000; i++) keys.push(i % 7000, (i * 2654435761) % 1e6 / 8, 2 ** (i % 60), -i * 0.5);
    // an increasing run (kept sorted), then values inside it, below it and repeats of it
    for (let i = 0; i < 5000; i++) keys.push(1e7 + i * 3);
    for (let i = 0; i < 5000; i++) keys.push(1e7 + i * 2, 1e7 - i, 1e7 + 15000 + (i % 50));
    const want: boolean[] = [];
    const got: boolean[] = [];
    for (const k of keys) {
      want.push(!ref.has(k));
      ref.add(k);
      got.push(ns.add(k));
    }
    expect(got).toEqual(want);
    expect(ref.size).toBeGreaterThan(10000);
  });
});
