// The table reader's vocabulary: a table is one file or a folder of files, read as batches of
// rows (arrays aligned with the batch's column names) numbered 1-based over the whole table.

export type TableFormat = 'csv' | 'tsv' | 'json' | 'jsonl' | 'parquet';

export const TABLE_FORMATS: readonly TableFormat[] = ['csv', 'tsv', 'json', 'jsonl', 'parquet'];

/** One file of a table: where its bytes are, and the name errors and reports use. */
export interface TableFile {
  /** what the user knows it as (a workspace path, `path@rev`, a relpath inside a folder) */
  name: string;
  /** where the bytes are on disk (the file itself, or a cache object) */
  path?: string;
  /** the bytes themselves (a blob read from git history) */
  bytes?: Uint8Array;
  /** default: from the name's extension */
  format?: TableFormat;
}

/** A cell as read: strings from CSV/TSV; JSON values; Parquet values (bigint, Date, ...). */
export type Cell = unknown;

export interface RowBatch {
  /** the file these rows come from (TableFile.name) */
  file: string;
  /** column names, in the file's order; rows[i][j] is column j */
  columns: string[];
  rows: Cell[][];
  /**
   * The same cells column by column, when the reader decodes columns (Parquet):
   * cols[j][i] === rows[i][j]. Consumers that work per column read this and never make rows.
   */
  cols?: readonly ArrayLike<Cell>[];
  /** 1-based row number of rows[0] over the whole table (a CSV header is not a row) */
  firstRow: number;
  /** rows in the batch, when the reader knows it without making rows */
  length?: number;
  /**
   * Columns asked for as numbers (ReadTableOptions.numeric): numeric[j] set means column j
   * was read as numbers (NumericColumn); cols[j] still gives its cells as read.
   */
  numeric?: (NumericColumn | undefined)[];
  /** with numeric: cols as read, whose numeric columns are empty (cols rebuilds their text) */
  textCols?: readonly ArrayLike<Cell>[];
}

/**
 * A column read as numbers. From CSV: values[i] is the number a plain decimal cell holds
 * (optional minus, digits without a leading zero, optional fraction, at most 15 digits: exactly
 * what Number() gives), and frac[i] its count of fraction digits, so the text is
 * values[i].toFixed(frac[i]). From Parquet (`kind` set): values[i] is the cell's value (an INT64
 * as the Number it equals exactly) and frac[i] is 0 for a whole number, 1 for any other.
 * frac[i] = NULL_CELL (254) marks a null; any other cell (CSV: empty, quoted, exponent, too
 * long, not a number; Parquet: an INT64 beyond 2^53) has frac[i] = AS_TEXT (255) and the cell
 * as read in text[i].
 */
export interface NumericColumn {
  values: Float64Array;
  frac: Uint8Array;
  text: Cell[];
  /**
   * Parquet: the cells were numbers (INT32, FLOAT, DOUBLE) or bigints (INT64). CSV: absent for
   * decimals; 'date' for a column read as YYYY-MM-DD dates (ReadTableOptions.dates), whose
   * values[i] is the date's epoch milliseconds (UTC) and frac[i] 0.
   */
  kind?: 'number' | 'bigint' | 'date';
}

export interface ReadTableOptions {
  /** force a format for every file (default: by extension) */
  format?: TableFormat;
  /** rows per batch (default 8192) */
  batchSize?: number;
  /** longest record (CSV line, JSON Lines line, JSON array element) accepted, in bytes; default 16 MiB */
  maxRecordBytes?: number;
  /** columns to read as numbers (RowBatch.numeric): CSV/TSV where they hold plain decimals, Parquet where they are flat INT32/INT64/FLOAT/DOUBLE */
  numeric?: ReadonlySet<string>;
  /** CSV/TSV columns to read as dates where a cell is exactly YYYY-MM-DD with a year from 1000 (NumericColumn kind 'date') */
  dates?: ReadonlySet<string>;
}

export const DEFAULT_BATCH = 8192;
export const DEFAULT_MAX_RECORD = 16 * 1024 * 1024;
