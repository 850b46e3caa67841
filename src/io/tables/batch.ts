// A batch read column by column (Parquet, CSV/TSV): its rows are made from the columns only
// if a consumer asks for them. A CSV column the consumer asked to read as numbers
// (ReadTableOptions.numeric) arrives as a NumericColumn; its text is rebuilt on demand.
import type { Cell, NumericColumn, RowBatch } from './types.js';

/** Fraction digits marking a cell that was not a plain decimal: its text is in `text`. */
export const AS_TEXT = 255;

/** The cell's text exactly as it was in the file. */
export function cellText(c: NumericColumn, i: number): string {
  const k = c.frac[i]!;
  if (k === AS_TEXT) return c.text[i]!;
  return k === 0 ? String(c.values[i]) : c.values[i]!.toFixed(k);
}

function textOf(c: NumericColumn, n: number): string[] {
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = cellText(c, i);
  return out;
}

/** A batch whose rows are made from its columns only if someone asks for them. */
export function columnBatch(file: string, columns: string[], cols: ArrayLike<Cell>[], firstRow: number, n: number, numeric?: (NumericColumn | undefined)[]): RowBatch {
  let rows: Cell[][] | undefined;
  let texts: ArrayLike<Cell>[] | undefined;
  const allCols = (): ArrayLike<Cell>[] => {
    if (!numeric) return cols;
    if (!texts) texts = cols.map((c, j) => (numeric[j] ? textOf(numeric[j]!, n) : c));
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
