// The seeded fixture: one table with 15 kinds of violation in known rows (listed by hand in
// fixtures/validate/seeded.expected.json), as CSV, JSON Lines and Parquet (written by pyarrow,
// snappy, row groups of 16). The report must name exactly those rows and no others, in one run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTable } from '../../src/io/tables/index.js';
import { parseSchema } from '../../src/mlops/validate/schema.js';
import { validateBatches } from '../../src/mlops/validate/validator.js';
import { ROOT } from '../helpers.js';

const DIR = join(ROOT, 'fixtures', 'validate');
const schema = parseSchema(readFileSync(join(DIR, 'seeded.schema.yaml'), 'utf8'), 'seeded.schema.yaml');
const expected = JSON.parse(readFileSync(join(DIR, 'seeded.expected.json'), 'utf8')) as {
  verdict: string;
  rows: number;
  failures: { column: string | null; check: string; severity: string; rows: number[]; examples?: unknown[] }[];
};
const key = (f: { column: string | null; check: string }) => `${f.column ?? '(table)'}:${f.check}`;

describe.each(['csv', 'jsonl', 'parquet'])('seeded violations in %s', (ext) => {
  it('reports exactly the seeded rows, each under its check, in one run', async () => {
    const r = await validateBatches(readTable(join(DIR, `seeded.${ext}`), { batchSize: 7 }), schema);
    expect(r.verdict).toBe(expected.verdict);
    expect(r.rows).toBe(expected.rows);
    expect(r.failures.map(key).sort()).toEqual(expected.failures.map(key).sort());
    for (const want of expected.failures) {
      const got = r.failures.find((f) => key(f) === key(want))!;
      expect(got.rows, key(want)).toEqual(want.rows);
      expect(got.severity, key(want)).toBe(want.severity);
      expect(got.count, key(want)).toBe(want.rows.length || got.count);
      if (want.examples) expect(got.examples).toEqual(want.examples);
      expect(got.examples.length).toBe(got.rows.length || got.examples.length);
    }
    // at least 10 kinds of violation (check names) are seeded
    expect(new Set(r.failures.map((f) => f.check)).size).toBeGreaterThanOrEqual(8);
    expect(r.failures.length).toBeGreaterThanOrEqual(15);
    // the null in the nullable bill_mm (row 35) fails nothing
    expect(r.failures.some((f) => f.rows.includes(35))).toBe(false);
    // the failing values are reported as they are in the file
    const email = r.failures.find((f) => key(f) === 'email:regex')!;
    expect(email.examples).toEqual(['no-at-sign', 'a@b@c', 'x'.repeat(30)]);
    const date = r.failures.find((f) => key(f) === 'date:type')!;
    expect(date.examples).toEqual(['2020-02-30']);
    // a warning does not fail the verdict but is reported
    expect(r.summary.warnings).toBe(1);
    expect(r.summary.errors).toBe(r.failures.length - 1);
  });
});

describe('the three formats read the same table', () => {
  it('same columns, same row count, same violations', async () => {
    const all = await Promise.all(['csv', 'jsonl', 'parquet'].map((e) => validateBatches(readTable(join(DIR, `seeded.${e}`)), schema)));
    const shape = (r: (typeof all)[number]) => r.failures.map((f) => [key(f), f.rows]);
    expect(shape(all[1]!)).toEqual(shape(all[0]!));
    expect(shape(all[2]!)).toEqual(shape(all[0]!));
    expect(all[2]!.columns).toEqual(all[0]!.columns);
  });
});
