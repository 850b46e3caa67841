// The fixed points of cairn validate's interface (issue #11) and the readers' edge cases.
import { describe, expect, it } from 'vitest';
import type { CairnError } from '../../src/core/errors.js';
import { readTable, type TableFile } from '../../src/io/tables/index.js';
import { parseSchema } from '../../src/mlops/validate/schema.js';
import { numericColumns, validateBatches, type ValidationReport } from '../../src/mlops/validate/validator.js';

const file = (name: string, text: string): TableFile[] => [{ name, bytes: Buffer.from(text) }];
// Every check runs twice: with CSV columns read as text, and with the int/float columns read
// as numbers (the fast path `cairn validate` takes); the reports must be the same.
async function check(yaml: string, files: TableFile[], o: { maxExamples?: number; batchSize?: number } = {}): Promise<ValidationReport> {
  const schema = parseSchema(yaml, 's.yaml');
  const asText = await validateBatches(readTable(files, { batchSize: o.batchSize ?? 3 }), schema, o);
  const asNumbers = await validateBatches(readTable(files, { batchSize: o.batchSize ?? 3, numeric: numericColumns(schema) }), schema, o);
  expect(asNumbers).toEqual(asText);
  return asText;
}
const csv = (text: string) => file('t.csv', text);
const find = (r: ValidationReport, column: string | null, c: string) => r.failures.find((f) => f.column === column && f.check === c);
function schemaError(yaml: string): CairnError {
  try {
    parseSchema(yaml, 'bad.yaml');
  } catch (e) {
    return e as CairnError;
  }
  throw new Error('schema parsed');
}

describe('fixed points', () => {
  it('numeric columns read as numbers judge exactly as text: every number form, nulls, bounds, in, unique, regex, length', async () => {
    const cells = ['5', '05', '5.0', '-0', '0', '1e3', ' 7', '', 'NA', '"6"', '12345678901234567', '3.25', '-3.25', '999', 'x', '6'];
    const body = cells.map((c, i) => `${c},${c},${i}`).join('\n');
    const r = await check(
      'null_values: ["", NA]\ncolumns:\n  i: {type: int, min: 0, max: 100, in: [5, 6, 7, 0, 999], unique: true, regex: "^[0-9]+$", length: {max: 3}}\n  f: {type: float, min: -1, exclusive_max: true, max: 999, unique: true}\n  k: {type: int}\n',
      csv(`i,f,k\n${body}\n`),
      { batchSize: 4 },
    );
    expect(r.failures.length).toBeGreaterThan(3);
    expect(find(r, 'i', 'type')!.examples).toEqual(['5.0', '1e3', '3.25', '-3.25', 'x']);
    // a null value that looks like a number keeps the column on the text path
    const n = await check('null_values: ["-999"]\ncolumns:\n  a: {type: int, min: 0, nullable: true}\n', csv('a\n-999\n-1\n'));
    expect(n.failures.map((f) => [f.check, f.rows])).toEqual([['min', [2]]]);
  });

  it('nullable defaults to false; empty string is null by default; a null is judged only by nullable', async () => {
    const r = await check('columns:\n  a: {type: int, min: 5, in: [5, 6], regex: "^5$"}\n', csv('a,k\n5,1\n,2\n7,3\n'));
    expect(find(r, 'a', 'nullable')!.rows).toEqual([2]);
    expect(find(r, 'a', 'type')).toBeUndefined();
    expect(find(r, 'a', 'in')!.rows).toEqual([3]);
    expect(find(r, 'a', 'regex')!.rows).toEqual([3]);
    expect(find(r, 'a', 'min')).toBeUndefined();
    expect(r.verdict).toBe('fail');
  });

  it('a nullable column: nulls fail nothing; null_values are configurable', async () => {
    const r = await check('null_values: ["", NA]\ncolumns:\n  a: {type: float, nullable: true, min: 0}\n', csv('a,k\nNA,1\n,2\n1.5,3\n-2,4\n'));
    expect(r.failures.map((f) => [f.check, f.rows])).toEqual([['min', [4]]]);
  });

  it('type failures and nulls in the same column are both reported; a type failure is judged by type only', async () => {
    const r = await check('columns:\n  a: {type: int, max: 3}\n', csv('a,k\n1,1\nx,2\n,3\n9,4\n'));
    expect(find(r, 'a', 'type')!.rows).toEqual([2]);
    expect(find(r, 'a', 'nullable')!.rows).toEqual([3]);
    expect(find(r, 'a', 'max')!.rows).toEqual([4]);
  });

  it('unique reports every repeat except the first', async () => {
    const r = await check('columns:\n  a: {type: int, unique: true}\n', csv('a\n1\n2\n1\n1\n2\n3\n'));
    expect(find(r, 'a', 'unique')!.rows).toEqual([3, 4, 5]);
    expect(find(r, 'a', 'unique')!.count).toBe(3);
  });

  it('min/max are inclusive; exclusive_min/exclusive_max make them exclusive', async () => {
    const r = await check('columns:\n  a: {type: float, min: 0, max: 1}\n  b: {type: float, min: 0, max: 1, exclusive_min: true, exclusive_max: true}\n', csv('a,b\n0,0\n1,1\n0.5,0.5\n'));
    expect(find(r, 'a', 'min')).toBeUndefined();
    expect(find(r, 'a', 'max')).toBeUndefined();
    expect(find(r, 'b', 'min')!.rows).toEqual([1]);
    expect(find(r, 'b', 'max')!.rows).toEqual([2]);
  });

  it('mostly: fails only under the fraction, and then lists every failing row', async () => {
    // 10 rows: 8 pass, 2 fail min -> 0.8
    const data = csv('a\n' + [5, 5, 5, 5, 5, 5, 5, 5, 1, 1].join('\n') + '\n');
    const pass = await check('columns:\n  a: {type: int, min: 3, mostly: 0.8}\n', data);
    expect(pass.verdict).toBe('pass');
    expect(pass.checks.find((c) => c.column === 'a' && c.check === 'min')).toMatchObject({ status: 'pass', count: 2, fraction: 0.8 });
    const fail = await check('columns:\n  a: {type: int, min: 3, mostly: 0.81}\n', data);
    expect(find(fail, 'a', 'min')).toMatchObject({ rows: [9, 10], count: 2, mostly: 0.81, fraction: 0.8 });
  });

  it('mostly with nulls: ignore leaves nulls out of the fraction; count counts them as failing (GX #8899)', async () => {
    // 6 true, 4 null: ignore -> 6/6 = 1.0; count -> 6/10 = 0.6
    const data = csv('a,k\n' + ['x', 'x', 'x', 'x', 'x', 'x', '', '', '', ''].map((v) => `${v},1`).join('\n') + '\n');
    const ignore = await check('columns:\n  a: {type: string, nullable: true, in: [x], mostly: 0.61}\n', data);
    expect(ignore.verdict).toBe('pass');
    const count = await check('columns:\n  a: {type: string, nullable: true, in: [y, x], regex: "^x$", mostly: 0.61, nulls: count}\n', data);
    expect(count.verdict).toBe('fail');
    expect(find(count, 'a', 'in')).toMatchObject({ fraction: 0.6, rows: [] });
    const count2 = await check('columns:\n  a: {type: string, nullable: true, in: [x], mostly: 0.6, nulls: count}\n', data);
    expect(count2.verdict).toBe('pass');
  });

  it('severity warn: reported, verdict still pass', async () => {
    const r = await check('columns:\n  y: {type: int, max: 2009, severity: warn}\n', csv('y\n2010\n'));
    expect(r.verdict).toBe('pass');
    expect(find(r, 'y', 'max')).toMatchObject({ severity: 'warn', rows: [1] });
  });

  it('table level: missing_column, extra_columns, ordered, rows, unique over a column set; column is null', async () => {
    const r = await check(
      'extra_columns: false\nordered: true\ncolumns:\n  a: {type: int}\n  b: {type: string}\n  c: {type: int}\nunique: [a, b]\nrows: {min: 5}\n',
      csv('b,a,z\nx,1,q\nx,1,q\ny,1,q\n'),
    );
    expect(find(r, 'c', 'missing_column')).toMatchObject({ count: 1 });
    expect(find(r, null, 'extra_columns')!.examples).toEqual(['z']);
    expect(find(r, null, 'ordered')).toBeDefined();
    expect(find(r, null, 'rows')!.examples).toEqual([3]);
    expect(find(r, null, 'unique')).toMatchObject({ rows: [2], columns: ['a', 'b'], examples: [{ a: '1', b: 'x' }] });
    // the missing column's own checks are skipped, not failed
    expect(r.checks.find((c) => c.column === 'c' && c.check === 'type')!.status).toBe('skipped');
    expect(r.failures.filter((f) => f.column === 'c').map((f) => f.check)).toEqual(['missing_column']);
  });

  it('a column absent from a JSON Lines file is missing_column only, not a null per row', async () => {
    const r = await check('columns:\n  a: {type: int}\n  b: {type: int}\n', file('t.jsonl', '{"a":1}\n{"a":2}\n'));
    expect(r.failures.map((f) => `${f.column}:${f.check}`)).toEqual(['b:missing_column']);
  });

  it('length, regex and in on strings; a value failing several checks is reported under each', async () => {
    const r = await check('columns:\n  s: {type: string, length: {min: 2, max: 3}, regex: "^[a-z]+$", in: [ab, abc]}\n', csv('s\nab\nABCD\nabc\n'));
    expect(find(r, 's', 'length')!.rows).toEqual([2]);
    expect(find(r, 's', 'regex')!.rows).toEqual([2]);
    expect(find(r, 's', 'in')!.rows).toEqual([2]);
  });

  it('types: int, float, bool, date with a format, datetime, category', async () => {
    const r = await check(
      'columns:\n  i: {type: int}\n  f: {type: float}\n  b: {type: bool}\n  d: {type: date, format: DD/MM/YYYY, min: "01/01/2020"}\n  t: {type: datetime}\n  c: {type: category, in: [m, f]}\n',
      csv('i,f,b,d,t,c\n1,1.5,true,29/02/2020,2020-01-01T10:00:00Z,m\n1.5,1e3,yes,29/02/2021,2020-13-01 10:00,x\n-3,abc,FALSE,31/12/2019,2020-01-01 10:00:30.5+02:00,f\n'),
    );
    expect(find(r, 'i', 'type')!.rows).toEqual([2]);
    expect(find(r, 'f', 'type')!.rows).toEqual([3]);
    expect(find(r, 'b', 'type')!.rows).toEqual([2]);
    expect(find(r, 'd', 'type')!.rows).toEqual([2]);
    expect(find(r, 'd', 'min')!.rows).toEqual([3]);
    expect(find(r, 't', 'type')!.rows).toEqual([2]);
    expect(find(r, 'c', 'in')!.rows).toEqual([2]);
  });

  it('--max-examples caps rows and examples, never the count', async () => {
    const r = await check('columns:\n  a: {type: int}\n', csv('a\n' + 'x\n'.repeat(50)), { maxExamples: 3 });
    expect(find(r, 'a', 'type')).toMatchObject({ count: 50, rows: [1, 2, 3], examples: ['x', 'x', 'x'], percent: 100 });
  });
});

describe('readers', () => {
  it('a folder is one table: row numbers run on across its files, in relpath order', async () => {
    const files: TableFile[] = [
      { name: 'd/part-0.csv', bytes: Buffer.from('a\n1\n2\n') },
      { name: 'd/part-1.jsonl', bytes: Buffer.from('{"a": 3}\n{"a": "x"}\n') },
    ];
    const r = await check('columns:\n  a: {type: int}\n', files);
    expect(r.rows).toBe(4);
    expect(find(r, 'a', 'type')!.rows).toEqual([4]);
    expect(r.files.map((f) => [f.name, f.firstRow, f.rows])).toEqual([
      ['d/part-0.csv', 1, 2],
      ['d/part-1.jsonl', 3, 2],
    ]);
  });

  it('CSV: quotes, embedded newlines and commas, CRLF, BOM; TSV', async () => {
    const r = await check('columns:\n  a: {type: string, regex: "^x"}\n  b: {type: int}\n', csv('\ufeffa,b\r\n"x, ""y""\nz",1\r\nq,2\r\n'));
    expect(r.rows).toBe(2);
    expect(find(r, 'a', 'regex')).toMatchObject({ rows: [2], examples: ['q'] });
    const t = await check('columns:\n  a: {type: int}\n', file('t.tsv', 'a\tb\n1\tx y\nz\t2\n'));
    expect(find(t, 'a', 'type')!.rows).toEqual([2]);
  });

  it('JSON arrays: brackets and braces inside strings, nested values, many batches', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => ({ a: i, s: i === 7 ? 'tricky ]},{"[' : 's', n: { deep: [1, { x: '}' }] } }));
    const r = await check('columns:\n  a: {type: int, max: 18}\n  s: {type: string, in: [s]}\n', file('t.json', JSON.stringify(rows, null, 1)));
    expect(r.rows).toBe(20);
    expect(find(r, 's', 'in')).toMatchObject({ rows: [8], examples: ['tricky ]},{"['] });
    expect(find(r, 'a', 'max')!.rows).toEqual([20]);
  });

  it('a .json file holding JSON Lines is read as JSON Lines', async () => {
    const r = await check('columns:\n  a: {type: int}\n', file('t.json', '{"a": 1}\n{"a": "x"}\n'));
    expect(find(r, 'a', 'type')!.rows).toEqual([2]);
  });

  it('unreadable data is CAIRN_BAD_DATA naming the file and the row, line or byte', async () => {
    const bad = async (files: TableFile[], o: { maxRecordBytes?: number } = {}) => {
      try {
        for await (const _ of readTable(files, o)) void _;
      } catch (e) {
        return e as CairnError;
      }
      throw new Error('read');
    };
    const e1 = await bad(file('t.jsonl', '{"a":1}\n{"a":\n'));
    expect(e1.code).toBe('CAIRN_BAD_DATA');
    expect(e1.message).toMatch(/t\.jsonl at row 2, line 2, byte 8/);
    const e2 = await bad(csv('a,b\n1,2\n3\n'));
    expect(e2.message).toMatch(/t\.csv at row 2, line 3/);
    const e3 = await bad(file('t.json', '[{"a":1},{"a":2'));
    expect(e3.message).toMatch(/t\.json/);
    const e4 = await bad(csv('a\n' + 'x'.repeat(5000) + '\n'), { maxRecordBytes: 1000 });
    expect(e4.message).toMatch(/longer than 1000 bytes/);
    const e5 = await bad(file('t.parquet', 'PAR1 not really'));
    expect(e5.message).toMatch(/t\.parquet.*Parquet/);
  });
});

describe('schema loader', () => {
  it('malformed YAML names the file and line', () => {
    const e = schemaError('columns:\n  a: {type: int\n  b: {type: int}\n');
    expect(e.code).toBe('CAIRN_BAD_SCHEMA');
    expect(e.message).toMatch(/^bad\.yaml:\d+: malformed YAML/);
  });

  it('an unknown key, a bad type, a bad value name the line and key', () => {
    const e = schemaError('columns:\n  a: {type: int}\n  b:\n    type: float\n    nulable: true\n');
    expect(e.message).toBe('bad.yaml:5: columns.b.nulable: unknown key (expected one of: type, format, nullable, null_values, min, max, exclusive_min, exclusive_max, in, regex, length, unique, mostly, nulls, severity, required, description, desc)');
    expect(e.data).toMatchObject({ file: 'bad.yaml', line: 5, key: 'columns.b.nulable' });
    expect(schemaError('columns:\n  a: {type: integer}\n').message).toMatch(/^bad\.yaml:2: columns\.a\.type: unknown type "integer"/);
    expect(schemaError('columns:\n  a:\n    type: int\n    mostly: 2\n').message).toMatch(/^bad\.yaml:4: columns\.a\.mostly/);
    expect(schemaError('colums:\n  a: {}\n').message).toMatch(/^bad\.yaml:1: colums: unknown key/);
    expect(schemaError('- a\n- b\n').message).toMatch(/a schema is a mapping/);
    expect(schemaError('columns:\n  a: {type: string, min: 3}\n').message).toMatch(/columns\.a\.min: min applies to int/);
  });

  it('a YAML alias bomb is refused, not expanded', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
    lines.push('columns: {x: {in: *l}}');
    const e = schemaError(lines.join('\n') + '\n');
    expect(e.code).toBe('CAIRN_BAD_SCHEMA');
    expect(e.message).toMatch(/alias/i);
  });

  it('regexes run on a linear-time engine: a catastrophic pattern finishes; backreferences are refused', async () => {
    const r = await check('columns:\n  s: {type: string, regex: "^(a+)+$"}\n', csv('s\n' + 'a'.repeat(50_000) + 'b\naaa\n'));
    expect(find(r, 's', 'regex')!.rows).toEqual([1]);
    expect(schemaError('columns:\n  s: {regex: "(a)\\\\1"}\n').message).toMatch(/^bad\.yaml:2: columns\.s\.regex: backreferences and lookaround are not supported/);
    expect(schemaError('columns:\n  s: {regex: "(?<=a)b"}\n').message).toMatch(/backreferences and lookaround/);
    expect(schemaError('columns:\n  s: {regex: "("}\n').message).toMatch(/invalid regex/);
  });
});
