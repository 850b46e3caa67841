// CSV date columns read as epoch milliseconds by the scanner (ReadTableOptions.dates, chosen by
// validator.dateColumns): the report must be exactly the one the same table gives when the
// column is read as text and every cell goes through the YYYY-MM-DD coercer, whatever the cells
// hold and wherever a chunk ends.
import { describe, expect, it } from 'vitest';
import { cellValue } from '../../src/io/tables/batch.js';
import { daysFromCivil, DelimitedScanner } from '../../src/io/tables/delimited.js';
import type { RowBatch } from '../../src/io/tables/types.js';
import { parseSchema } from '../../src/mlops/validate/schema.js';
import { dateColumns, numericColumns, validateBatches } from '../../src/mlops/validate/validator.js';

const bad = (what: string) => new Error(what);
const CELLS = ['2020-01-31', '2020-02-29', '2019-02-29', '2020-02-30', '2020-13-01', '2020-00-10', '2020-04-31', '1999-12-31', '0999-01-01', '0020-05-05', '1000-01-01', '9999-12-31',
  ' 2020-01-01', '2020-01-01 ', '"2021-06-15"', '2020-1-01', '20200101', '2020/01/01', '', 'NA', '2020-06-15', '2020-06-15', '1900-02-29', '2000-02-29', '2020-0a-01', '+020-01-01', '2020-01-011'];
const TEXT = `d,n\n${CELLS.map((c, i) => `${c},${i}`).join('\n')}\n`;
const SCHEMA = `columns:
  d: {type: date, format: YYYY-MM-DD, min: '1950-01-01', max: '2020-12-31', in: ['2020-01-31', '2020-06-15', '1999-12-31', '2000-02-29'], unique: true, regex: '^2', length: {max: 10}, nullable: false, null_values: ['', 'NA']}
  n: {type: int}
`;

async function* batches(parts: string[], dates: ReadonlySet<string> | undefined, numeric: ReadonlySet<string>): AsyncIterable<RowBatch> {
  const sc = new DelimitedScanner('t.csv', { delimiter: ',', batchSize: 4, maxRecordBytes: 1 << 20, firstRow: 1, numeric, dates }, bad);
  for (let i = 0; i < parts.length; i++) {
    sc.feed(parts[i]!, i === parts.length - 1);
    yield* sc.take();
  }
  yield sc.end();
}

describe('CSV dates read by the scanner', () => {
  const schema = parseSchema(SCHEMA, 's.yaml');
  it('the schema picks the date column, and not when a null value looks like a date', () => {
    expect([...dateColumns(schema)]).toEqual(['d']);
    expect([...dateColumns(parseSchema("columns:\n  d: {type: date, null_values: ['1900-01-01']}\n", 's.yaml'))]).toEqual([]);
    expect([...dateColumns(parseSchema("columns:\n  d: {type: date, format: DD.MM.YYYY}\n  e: {type: date}\n  f: {type: datetime}\n", 's.yaml'))]).toEqual(['e']);
  });

  it('gives the report of the text path, byte for byte, in every split of the file', async () => {
    const numeric = numericColumns(schema);
    const want = JSON.stringify(await validateBatches(batches([TEXT], undefined, numeric), schema));
    expect(JSON.parse(want).failures.length).toBeGreaterThan(5);
    for (let i = 0; i <= TEXT.length; i += 3) {
      const got = JSON.stringify(await validateBatches(batches([TEXT.slice(0, i), TEXT.slice(i)], dateColumns(schema), numeric), schema));
      expect(got, `split at ${i}`).toBe(want);
    }
  });

  it('a date read as a number gives back its exact text', async () => {
    const texts: unknown[] = [];
    let asNumbers = 0;
    for await (const b of batches([TEXT], new Set(['d']), new Set())) {
      const nc = b.numeric![0]!;
      expect(nc.kind).toBe('date');
      for (let i = 0; i < b.length!; i++) {
        texts.push(cellValue(nc, i));
        if (nc.frac[i] === 0) asNumbers++;
      }
    }
    // the valid dates from year 1000 (not the quoted one, not the ones with spaces)
    expect(asNumbers).toBe(8);
    expect(texts).toEqual(CELLS.map((c) => (c.startsWith('"') ? c.slice(1, -1) : c)));
  });

  it('daysFromCivil is Date.UTC in days, years 1000..9999', () => {
    const off: string[] = [];
    for (let y = 1000; y <= 9999; y += 7) for (let m = 1; m <= 12; m++) for (const d of [1, 15, 28, 29, 30, 31]) {
      const t = Date.UTC(y, m - 1, d);
      if (new Date(t).getUTCDate() !== d) continue;
      if (daysFromCivil(y, m, d) * 86_400_000 !== t) off.push(`${y}-${m}-${d}`);
    }
    expect(off).toEqual([]);
  });
});
