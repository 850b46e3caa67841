// Tables for people and pull requests: aligned text, GitHub-flavoured Markdown and CSV.
// Pure: header + cells in, a string out (no trailing newline).

/** Plain text table with aligned columns. */
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
