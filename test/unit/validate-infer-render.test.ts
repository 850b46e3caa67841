// --infer proposes a schema the data passes, byte-stable; the JUnit report is valid XML with one
// test case per check; Markdown and text name every failure.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { readTable, type TableFile } from '../../src/io/tables/index.js';
import { Inferrer } from '../../src/mlops/validate/infer.js';
import { parseSchema } from '../../src/mlops/validate/schema.js';
import { validateBatches } from '../../src/mlops/validate/validator.js';
import { validationJunit, validationMarkdown, validationText } from '../../src/render/validate-report.js';
import { ROOT } from '../helpers.js';

const DIR = join(ROOT, 'fixtures', 'validate');

async function infer(input: string | TableFile[]): Promise<string> {
  const inf = new Inferrer();
  for await (const b of readTable(input, { batchSize: 5 })) inf.push(b);
  return inf.finish();
}

describe('--infer', () => {
  it('proposes types, nullability, ranges with a margin, allowed sets and uniqueness', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `${i + 1},${['a', 'b', 'c'][i % 3]},${(i * 1.5).toFixed(1)},${i % 7 === 0 ? '' : 2007 + (i % 3)},2020-01-${String((i % 28) + 1).padStart(2, '0')},${i % 2 ? 'true' : 'false'},u${i}@x.org`);
    const text = await infer([{ name: 't.csv', bytes: Buffer.from('id,cat,x,year,day,flag,email\n' + rows.join('\n') + '\n') }]);
    const s = parseSchema(text, 'inferred.yaml');
    const col = (n: string) => s.columns.find((c) => c.name === n)!;
    expect(col('id')).toMatchObject({ type: 'int', unique: true, nullable: false });
    expect((col('id').min as number) <= 1 && (col('id').max as number) >= 60).toBe(true);
    expect(col('cat')).toMatchObject({ type: 'category', in: ['a', 'b', 'c'] });
    expect(col('x').type).toBe('float');
    expect((col('x').max as number) > 88.5).toBe(true);
    expect(col('year')).toMatchObject({ type: 'int', nullable: true, in: [2007, 2008, 2009] });
    expect(col('day').type).toBe('date');
    expect(col('flag').type).toBe('bool');
    expect(col('email')).toMatchObject({ type: 'string', unique: true });
  });

  it.each(['csv', 'jsonl', 'parquet'])('round-trips on %s: the data passes the schema inferred from it, and the text is stable', async (ext) => {
    const path = join(DIR, `seeded.${ext}`);
    const text = await infer(path);
    expect(await infer(path)).toBe(text);
    const r = await validateBatches(readTable(path), parseSchema(text, 'inferred.yaml'));
    expect(r.failures).toEqual([]);
    expect(r.verdict).toBe('pass');
  });
});

describe('reports', () => {
  it('JUnit: valid XML, one testcase per check, failures for failed error checks, hostile values escaped', async () => {
    const files: TableFile[] = [{ name: 'x<&>.csv', bytes: Buffer.from('a,b\n1,"<tag attr=""x"">&amp;\u0001]]>"\n1,ok\n') }];
    const r = await validateBatches(readTable(files), parseSchema('columns:\n  a: {type: int, unique: true}\n  b: {type: string, regex: "^ok$"}\n  c: {type: int}\n  d: {required: false, type: int}\n', 's.yaml'));
    const xml = validationJunit({ ...r, data: 'x<&>.csv', schema: 's.yaml' });
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    const suite = doc.testsuites.testsuite;
    const cases = Array.isArray(suite.testcase) ? suite.testcase : [suite.testcase];
    expect(cases).toHaveLength(r.checks.length);
    expect(Number(suite.tests)).toBe(r.checks.length);
    const failed = cases.filter((c: { failure?: unknown }) => c.failure).map((c: { name: string }) => c.name);
    expect(failed.sort()).toEqual(['a: unique', 'b: regex', 'c: missing_column']);
    expect(Number(suite.failures)).toBe(3);
    expect(cases.filter((c: { skipped?: unknown }) => c.skipped !== undefined).map((c: { name: string }) => c.name)).toEqual(['c: nullable', 'c: type', 'd: nullable', 'd: type']);
  });

  it('seeded fixture: text and Markdown name every failure and its rows', async () => {
    const r = await validateBatches(readTable(join(DIR, 'seeded.csv')), parseSchema(readFileSync(join(DIR, 'seeded.schema.yaml'), 'utf8'), 'seeded.schema.yaml'));
    const rep = { ...r, data: 'seeded.csv', schema: 'seeded.schema.yaml' };
    const text = validationText(rep);
    const md = validationMarkdown(rep);
    for (const f of r.failures) {
      expect(text).toContain(`${f.column ?? (f.columns ? `(${f.columns.join(', ')})` : '(table)')}: ${f.check}:`);
      expect(md).toContain(`\`${f.check}\``);
      for (const row of f.rows) expect(text).toContain(`row ${row}: `);
    }
    expect(text).toMatch(/validation FAILED: \d+ of \d+ checks passed, 15 failed, 1 warning$/);
    expect(md).toMatch(/^### Data validation failed: `seeded.csv`/);
    expect(md.split('\n').filter((l) => l.startsWith('| ❌') || l.startsWith('| ⚠️'))).toHaveLength(16);
  });
});

describe('schema/validation.schema.json', () => {
  it('accepts the fixture, demo and inferred schemas, and rejects a typo the loader rejects', async () => {
    const Ajv = (await import('ajv')).default;
    const { parse } = await import('yaml');
    const check = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schema', 'validation.schema.json'), 'utf8')));
    for (const f of [join(DIR, 'seeded.schema.yaml'), join(ROOT, 'fixtures', 'demo', 'penguins.schema.yaml')]) expect(check(parse(readFileSync(f, 'utf8'))), f).toBe(true);
    expect(check(parse(await infer(join(DIR, 'seeded.parquet'))))).toBe(true);
    expect(check(parse('columns:\n  a: {type: int, nulable: true}\n'))).toBe(false);
    expect(() => parseSchema('columns:\n  a: {type: int, nulable: true}\n', 'x.yaml')).toThrow(/nulable/);
  });
});
