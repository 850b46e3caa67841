// The CSV/TSV scanner (io/tables/delimited.ts): the dialect csv-parse was configured for, fed
// in every possible split of the text (a record may end anywhere in a chunk), and numeric
// columns that give back exactly the text they were read from.
import { describe, expect, it } from 'vitest';
import { cellValue } from '../../src/io/tables/batch.js';
import { DelimitedScanner } from '../../src/io/tables/delimited.js';
import type { RowBatch } from '../../src/io/tables/types.js';

const bad = (what: string, at: { row?: number; line?: number; byte?: number }) => Object.assign(new Error(`${what} @ row ${at.row} line ${at.line} byte ${at.byte}`), at);

function scan(parts: string[], o: { numeric?: string[]; batchSize?: number; delimiter?: string; maxRecordBytes?: number } = {}): { columns: string[]; rows: unknown[][]; batches: RowBatch[] } {
  const sc = new DelimitedScanner('t.csv', { delimiter: o.delimiter ?? ',', batchSize: o.batchSize ?? 3, maxRecordBytes: o.maxRecordBytes ?? 1 << 20, firstRow: 1, numeric: o.numeric ? new Set(o.numeric) : undefined }, bad);
  const batches: RowBatch[] = [];
  parts.forEach((p, i) => {
    sc.feed(p, i === parts.length - 1);
    batches.push(...sc.take());
  });
  batches.push(sc.end());
  return { columns: sc.columns ?? [], rows: batches.flatMap((b) => b.rows), batches };
}

/** Every way of cutting the text in two, plus one char at a time. */
function splits(text: string): string[][] {
  const out: string[][] = [[text], [...text, '']];
  for (let i = 0; i <= text.length; i++) out.push([text.slice(0, i), text.slice(i)]);
  return out;
}

describe('DelimitedScanner', () => {
  const cases: [string, string, string[], string[][]][] = [
    ['plain, LF', 'a,b\n1,2\n3,4\n', ['a', 'b'], [['1', '2'], ['3', '4']]],
    ['CRLF and CR, no final newline', 'a,b\r\n1,2\r3,4', ['a', 'b'], [['1', '2'], ['3', '4']]],
    ['quotes with "" and a comma and a newline inside', 'a,b\n"x, ""y""\nz",1\n', ['a', 'b'], [['x, "y"\nz', '1']]],
    ['empty lines skipped, empty fields kept', 'a,b\n\n,\n\r\n1,\n', ['a', 'b'], [['', ''], ['1', '']]],
    ['BOM dropped, header trimmed', '\ufeff a , b\n1,2\n', ['a', 'b'], [['1', '2']]],
    ['a trailing delimiter at the end of the file', 'a,b\n1,', ['a', 'b'], [['1', '']]],
    ['quoted empty field and quoted last field', 'a,b\n"",""\n', ['a', 'b'], [['', '']]],
  ];
  for (const [name, text, columns, rows] of cases) {
    it(`${name}, in every split`, () => {
      for (const parts of splits(text)) {
        const r = scan(parts);
        expect(r.columns, JSON.stringify(parts)).toEqual(columns);
        expect(r.rows, JSON.stringify(parts)).toEqual(rows);
      }
    });
  }

  it('TSV', () => {
    expect(scan(['a\tb\n1\tx y\n'], { delimiter: '\t' }).rows).toEqual([['1', 'x y']]);
  });

  it('batches of batchSize rows numbered on', () => {
    const r = scan(['a\n1\n2\n3\n4\n5\n'], { batchSize: 2 });
    expect(r.batches.map((b) => [b.firstRow, b.length])).toEqual([[1, 2], [3, 2], [5, 1]]);
  });

  it('numeric columns: plain decimals become numbers and give back their exact text; anything else stays text', () => {
    const cells = ['0', '7', '-12', '3.50', '0.0', '-0.25', '123456789012345', '1234567890123456', '007', '-0', '1e3', '.5', '5.', '+1', ' 4', '', 'NA', '"9"', '0x10', '1.2.3', '9007199254740993'];
    const text = `n,s\n${cells.map((c) => `${c},x`).join('\n')}\n`;
    for (const parts of [[text], [...text, '']]) {
      const r = scan(parts, { numeric: ['n'], batchSize: 1000 });
      const b = r.batches.find((x) => (x.length ?? 0) > 0)!;
      const nc = b.numeric![0]!;
      const want = cells.map((c) => (c.startsWith('"') ? c.slice(1, -1) : c));
      expect(Array.from({ length: cells.length }, (_, i) => cellValue(nc, i))).toEqual(want);
      expect(b.cols[0]).toEqual(want);
      const fast = Array.from({ length: 7 }, (_, i) => nc.values[i]);
      expect(fast).toEqual([0, 7, -12, 3.5, 0, -0.25, 123456789012345]);
      for (let i = 0; i < cells.length; i++) {
        if (nc.frac[i] !== 255) expect(nc.values[i]).toBe(Number(want[i]));
      }
      expect([...nc.frac.slice(7)].every((f) => f === 255)).toBe(true);
      expect(b.rows.map((row) => row[1])).toEqual(cells.map(() => 'x'));
    }
  });

  it('errors name the row, the line and the byte where the record starts', () => {
    const err = (t: string, o = {}) => {
      try {
        scan([t], o);
      } catch (e) {
        return e as Error & { row: number; line: number; byte: number };
      }
      throw new Error('no error');
    };
    expect(err('a,b\n1,2\n3\n')).toMatchObject({ row: 2, line: 3, byte: 8 });
    expect(err('a,b\n1,2,3\n').message).toMatch(/more fields/);
    expect(err('a\n"x\n')).toMatchObject({ row: 1, line: 2 });
    expect(err('a\n"x"y\n').message).toMatch(/after a closing quote/);
    expect(err('a\nx"y\n').message).toMatch(/quote inside an unquoted field/);
    expect(err('a\n' + 'x'.repeat(5000) + '\n', { maxRecordBytes: 1000 }).message).toMatch(/longer than 1000 bytes/);
    expect(err('a,a\n1,2\n').message).toMatch(/column 'a' twice/);
    // a multi-byte character before the bad record counts as its bytes
    expect(err('a\né\n"x\n')).toMatchObject({ row: 2, line: 3, byte: 5 });
  });
});
