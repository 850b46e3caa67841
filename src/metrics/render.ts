// Rendering metric/param diffs and shows as text tables, GitHub-flavoured Markdown and CSV.
import type { DiffRow } from './diff.js';
import type { Scalar } from './flatten.js';

export function formatValue(v: Scalar | undefined, precision: number): string {
  if (v === undefined) return '-';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(precision)));
  return String(v);
}

function signed(v: number | undefined, precision: number, pct = false): string {
  if (v === undefined) return '-';
  const x = pct ? v * 100 : v;
  const s = Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(precision)));
  return (x > 0 ? '+' : '') + s + (pct ? '%' : '');
}

export const DIFF_HEADER = ['Path', 'Metric', 'Old', 'New', 'Change', 'Change %'];

export function diffCells(rows: DiffRow[], precision: number): string[][] {
  return rows.map((r) => [r.path, r.key, formatValue(r.old, precision), formatValue(r.new, precision), signed(r.abs, precision), signed(r.rel, precision, true)]);
}

/** Plain text table with aligned columns. */
/** Rows of a `show` table: one per revision, file and flattened key. */
export function showCells(revisions: { rev: string; files: Record<string, Record<string, Scalar>> }[], precision: number): string[][] {
  const cells: string[][] = [];
  for (const rev of revisions) {
    for (const [path, flat] of Object.entries(rev.files)) for (const [k, v] of Object.entries(flat)) cells.push([rev.rev, path, k, formatValue(v, precision)]);
  }
  return cells;
}

export function textTable(header: string[], cells: string[][]): string {
  const w = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(w[i]!)).join('  ').trimEnd();
  return [line(header), ...cells.map(line)].join('\n');
}

function mdEscape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** GitHub-flavoured Markdown table. */
export function mdTable(header: string[], cells: string[][]): string {
  const row = (c: string[]) => `| ${c.map(mdEscape).join(' | ')} |`;
  return [row(header), `|${header.map(() => '---').join('|')}|`, ...cells.map(row)].join('\n');
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvTable(header: string[], cells: string[][]): string {
  return [header, ...cells].map((r) => r.map(csvCell).join(',')).join('\n');
}
