// A batch read column by column (Parquet, CSV/TSV): its rows are made from the columns only
// if a consumer asks for them. A column the consumer asked to read as numbers
// (ReadTableOptions.numeric) arrives as a NumericColumn; its cells are rebuilt on demand.
import type { Cell, NumericColumn, RowBatch } from './types.js';

/** Fraction digits marking a cell that was not a plain decimal: its text is in `text`. */
export const AS_TEXT = 255;

/** Fraction digits marking a null cell (a Parquet null). */
export const NULL_CELL = 254;

/** The cell exactly as read: CSV text as it was in the file, a Parquet number or bigint. */
export function cellValue(c: NumericColumn, i: number): Cell {
  const k = c.frac[i]!;
  if (k === AS_TEXT) return c.text[i];
  if (k === NULL_CELL) return null;
  if (c.kind === 'number') return c.values[i];
  if (c.kind === 'bigint') return BigInt(c.values[i]!);
  if (c.kind === 'date') return new Date(c.values[i]!).toISOString().slice(0, 10);
  return k === 0 ? String(c.values[i]) : c.values[i]!.toFixed(k);
}

/** The cell as text: what a regex or length check reads. */
export function cellString(c: NumericColumn, i: number): string {
  const v = cellValue(c, i);
  return typeof v === 'string' ? v : String(v);
}

function cellsOf(c: NumericColumn, n: number): Cell[] {
  const out = new Array<Cell>(n);
  for (let i = 0; i < n; i++) out[i] = cellValue(c, i);
  return out;
}

/** A batch whose rows are made from its columns only if someone asks for them. */
export function columnBatch(file: string, columns: string[], cols: ArrayLike<Cell>[], firstRow: number, n: number, numeric?: (NumericColumn | undefined)[]): RowBatch {
  let rows: Cell[][] | undefined;
  let texts: ArrayLike<Cell>[] | undefined;
  const allCols = (): ArrayLike<Cell>[] => {
    if (!numeric) return cols;
    if (!texts) texts = cols.map((c, j) => (numeric[j] ? cellsOf(numeric[j]!, n) : c));
    return texts;
  };
  return {
    file,
    columns,
    firstRow,
    length: n,
    ...(numeric ? { numeric, textCols: cols } : {}),
    get cols(): ArrayLike<Cell>[] {
      return allCols();
    },
    get rows(): Cell[][] {
      if (!rows) {
        const cs = allCols();
        rows = new Array(n);
        for (let r = 0; r < n; r++) {
          const row: Cell[] = new Array(cs.length);
          for (let j = 0; j < cs.length; j++) row[j] = cs[j]![r];
          rows[r] = row;
        }
      }
      return rows;
    },
  };
}
