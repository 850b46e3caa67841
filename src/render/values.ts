// Cells of the metrics / params tables: values at revisions (show) and their changes (diff),
// with numbers cut to a number of significant digits. The shapes are structural, so this
// leaf module needs nothing from metrics/.

/** A value as read from JSON/YAML; a list is one value (core/flatten.ts). */
export type Scalar = null | boolean | number | string | Scalar[] | { [key: string]: Scalar };

/** One changed (or unchanged) value: what metrics/diff.ts's DiffRow carries. */
export interface ValueChange {
  path: string;
  key: string;
  old: Scalar | undefined;
  new: Scalar | undefined;
  abs?: number;
  rel?: number;
}

export function formatValue(v: Scalar | undefined, precision: number): string {
  if (v === undefined) return '-';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(precision)));
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function signed(v: number | undefined, precision: number, pct = false): string {
  if (v === undefined) return '-';
  const x = pct ? v * 100 : v;
  const s = Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(precision)));
  return (x > 0 ? '+' : '') + s + (pct ? '%' : '');
}

export const DIFF_HEADER = ['Path', 'Metric', 'Old', 'New', 'Change', 'Change %'];
export const SHOW_HEADER = ['Revision', 'Path', 'Metric', 'Value'];

export function diffCells(rows: ValueChange[], precision: number): string[][] {
  return rows.map((r) => [r.path, r.key, formatValue(r.old, precision), formatValue(r.new, precision), signed(r.abs, precision), signed(r.rel, precision, true)]);
}

/** Rows of a `show` table: one per revision, file and flattened key. */
export function showCells(revisions: { rev: string; files: Record<string, Record<string, Scalar>> }[], precision: number): string[][] {
  const cells: string[][] = [];
  for (const rev of revisions) {
    for (const [path, flat] of Object.entries(rev.files)) for (const [k, v] of Object.entries(flat)) cells.push([rev.rev, path, k, formatValue(v, precision)]);
  }
  return cells;
}

/**
 * DVC's wide `metrics show` table: one row per revision and file, one column per metric
 * (every key any of them has, in order of first appearance), `-` where a row lacks it.
 */
export function wideShowTable(revisions: { rev: string; files: Record<string, Record<string, Scalar>> }[], precision: number): { header: string[]; cells: string[][] } {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const rev of revisions) for (const flat of Object.values(rev.files)) for (const k of Object.keys(flat)) if (!seen.has(k)) (seen.add(k), keys.push(k));
  const cells: string[][] = [];
  for (const rev of revisions) for (const [path, flat] of Object.entries(rev.files)) cells.push([rev.rev, path, ...keys.map((k) => (k in flat ? formatValue(flat[k], precision) : '-'))]);
  return { header: ['Revision', 'Path', ...keys], cells };
}
