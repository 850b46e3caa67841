// The pull-request report of `cairn report`: its data shape and its Markdown. Sections in
// order: metrics, params, data, validation, gate, lineage, plots. Markdown fits a budget
// (GitHub: 65,536 characters for a comment, 1 MiB for a job summary): over it, long
// sections are cut to their first rows, then whole sections are left out, each time with a
// note saying so. Pure: data in, text out.
import { formatBytes } from '../render/bytes.js';
import type { DiffRow } from '../metrics/diff.js';
import { gateMarkdown } from '../mlops/gate/markdown.js';
import type { GateReport } from '../mlops/gate/report.js';
import { mdTable } from '../render/table.js';
import { diffCells, DIFF_HEADER } from '../render/values.js';
import { MARKER } from './comment.js';

export { MARKER };

/** GitHub's limits: a comment body (characters) and a job summary (bytes). */
export const COMMENT_LIMIT = 65_536;
export const SUMMARY_LIMIT = 1_048_576;

export interface RevRef {
  rev: string;
  oid?: string;
}

export interface ObjectState {
  id: string;
  size: number;
  nfiles?: number;
}

/** A pointer (`cairn add`) or stage output whose id differs between base and workspace. */
export interface DataChange {
  path: string;
  kind: 'pointer' | 'output';
  /** the stage that produces it (outputs) */
  stage?: string;
  change: 'added' | 'removed' | 'modified';
  base: ObjectState | null;
  head: ObjectState | null;
}

export interface ValidationSummary {
  /** the report file (a validate stage's --out) */
  file: string;
  stage: string;
  verdict: string;
  data: string;
  schema: string;
  rows: number;
  summary: { checks: number; passed: number; failed: number; errors: number; warnings: number; skipped: number };
  failures: { column: string | null; check: string; severity: string; count: number; expected: string }[];
}

export interface ReportPlot {
  path: string;
  template: string;
  note: string;
  /** the ```mermaid xychart block, null when the plot has no xychart form */
  mermaid: string | null;
  caption: string | null;
  /** file name of the SVG written beside the report (relative to the report folder) */
  svg: string | null;
  warning?: string;
}

export interface ReportData {
  base: RevRef;
  head: RevRef;
  metrics: DiffRow[];
  params: DiffRow[];
  data: DataChange[];
  validation: ValidationSummary[];
  gate: { file: string; stage: string; report: GateReport } | null;
  lineage: { path: string; table: string; mermaid: string } | null;
  /** metrics that changed as an xychart (head bars over a base line) */
  metricsChart: { block: string; caption: string } | null;
  plots: ReportPlot[];
  /** files that could not be read at a revision, and other things the reader should know */
  notes: string[];
}

const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const short = (id: string) => (id.length > 16 ? `${id.slice(0, 12)}…${id.endsWith('.dir') ? '.dir' : ''}` : id);

function objCell(o: ObjectState | null): string {
  if (!o) return '-';
  return `\`${short(o.id)}\` ${formatBytes(o.size)}${o.nfiles !== undefined ? `, ${o.nfiles} files` : ''}`;
}

function sizeChange(c: DataChange): string {
  if (!c.base || !c.head) return c.change;
  const d = c.head.size - c.base.size;
  return d === 0 ? 'same size' : `${d > 0 ? '+' : '-'}${formatBytes(Math.abs(d))}`;
}

interface Section {
  title: string;
  /** the whole section */
  full: string;
  /** a shorter form (first rows), when it has one */
  brief?: string;
}

function tableSection(title: string, header: string[], cells: string[][], lead: string, keep: number): Section {
  const full = `### ${title}\n\n${lead ? `${lead}\n\n` : ''}${mdTable(header, cells)}`;
  if (cells.length <= keep) return { title, full };
  const brief = `### ${title}\n\n${lead ? `${lead}\n\n` : ''}${mdTable(header, cells.slice(0, keep))}\n\n_…and ${cells.length - keep} more rows (trimmed to fit; \`cairn report --json\` has them all)._`;
  return { title, full, brief };
}

function revName(r: RevRef): string {
  return `\`${r.rev}\`${r.oid ? ` (${r.oid.slice(0, 7)})` : ''}`;
}

export function reportSections(d: ReportData, precision = 5): Section[] {
  const s: Section[] = [];
  const m = diffCells(d.metrics, precision);
  s.push(m.length ? tableSection('Metrics', DIFF_HEADER, m, '', 30) : { title: 'Metrics', full: '### Metrics\n\n_no metric changed_' });
  const p = diffCells(d.params, precision);
  const paramsHeader = ['Path', 'Param', 'Old', 'New', 'Change', 'Change %'];
  s.push(p.length ? tableSection('Params', paramsHeader, p, '', 30) : { title: 'Params', full: '### Params\n\n_no param changed_' });
  if (d.data.length) {
    const cells = d.data.map((c) => [`\`${esc(c.path)}\``, c.kind === 'pointer' ? 'data (pointer)' : `output of \`${esc(c.stage ?? '?')}\``, c.change, objCell(c.base), objCell(c.head), sizeChange(c)]);
    s.push(tableSection('Data', ['Path', 'What', 'Change', 'Base', 'Workspace', 'Size'], cells, `${d.data.length} tracked file${d.data.length === 1 ? '' : 's'} or output${d.data.length === 1 ? '' : 's'} changed:`, 30));
  } else s.push({ title: 'Data', full: '### Data\n\n_no tracked data or output changed_' });
  if (d.validation.length) {
    const parts = d.validation.map((v) => {
      const icon = v.verdict === 'pass' ? (v.summary.warnings ? '⚠️' : '✅') : '❌';
      const head = `${icon} \`${esc(v.data)}\` (stage \`${esc(v.stage)}\`, schema \`${esc(v.schema)}\`): ${v.rows} rows, **${v.summary.passed}/${v.summary.checks}** checks passed, ${v.summary.errors} failed, ${v.summary.warnings} warning${v.summary.warnings === 1 ? '' : 's'}`;
      if (!v.failures.length) return head;
      const rows = v.failures.slice(0, 10).map((f) => `| ${f.severity === 'error' ? '❌' : '⚠️'} | ${esc(f.column ?? '(table)')} | \`${f.check}\` | ${f.count} | ${esc(f.expected)} |`);
      return `${head}\n\n| | column | check | failing | expected |\n| --- | --- | --- | ---: | --- |\n${rows.join('\n')}${v.failures.length > 10 ? `\n\n_…and ${v.failures.length - 10} more failing checks._` : ''}`;
    });
    s.push({ title: 'Validation', full: `### Validation\n\n${parts.join('\n\n')}` });
  }
  if (d.gate) {
    // the gate's own Markdown, one heading level down
    s.push({ title: 'Gate', full: `### Gate\n\nReport \`${esc(d.gate.file)}\` (stage \`${esc(d.gate.stage)}\`):\n\n${gateMarkdown(d.gate.report).replace(/^### /, '#### ')}` });
  }
  if (d.lineage) {
    const full = `### Lineage\n\nHow the candidate \`${esc(d.lineage.path)}\` was produced, down to the raw data:\n\n${d.lineage.table}\n\n<details><summary>as a graph</summary>\n\n\`\`\`mermaid\n${d.lineage.mermaid}\n\`\`\`\n\n</details>`;
    s.push({ title: 'Lineage', full, brief: `### Lineage\n\nHow the candidate \`${esc(d.lineage.path)}\` was produced, down to the raw data:\n\n${d.lineage.table}` });
  }
  const charts: string[] = [];
  if (d.metricsChart) charts.push(`**metrics** (${d.metricsChart.caption})\n\n${d.metricsChart.block}`);
  for (const pl of d.plots) {
    const head = `**\`${esc(pl.path)}\`**: ${esc(pl.note)}${pl.svg ? ` · SVG: \`${esc(pl.svg)}\` (in the report folder / CI artifacts)` : ''}`;
    if (pl.warning) charts.push(`${head}\n\n> ${esc(pl.warning)}`);
    else if (pl.mermaid) charts.push(`${head} (${esc(pl.caption ?? '')})\n\n${pl.mermaid}`);
    else charts.push(`${head}\n\n_no xychart form for the ${pl.template} template: see the SVG_`);
  }
  if (charts.length) {
    const brief = `### Plots\n\n${d.plots.map((pl) => `- \`${esc(pl.path)}\`${pl.svg ? `: SVG \`${esc(pl.svg)}\`` : ''}`).join('\n')}\n\n_charts left out to fit the size limit; the SVGs are in the report folder._`;
    s.push({ title: 'Plots', full: `### Plots\n\n${charts.join('\n\n')}`, brief });
  }
  return s;
}

export interface MarkdownOptions {
  /** the budget, in `measure` units */
  limit?: number;
  /** how the budget is counted: characters (comments) or UTF-8 bytes (summaries) */
  measure?: (s: string) => number;
  precision?: number;
}

export const chars = (s: string) => s.length;
export const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** The report as Markdown: a hidden marker, a title, the sections, notes; trimmed to the limit. */
export function reportMarkdown(d: ReportData, opts: MarkdownOptions = {}): { text: string; trimmed: string[] } {
  const limit = opts.limit ?? COMMENT_LIMIT;
  const measure = opts.measure ?? chars;
  const head = `${MARKER}\n## cairn report: ${revName(d.base)} → workspace${d.head.oid ? ` (on ${d.head.oid.slice(0, 7)})` : ''}`;
  const sections = reportSections(d, opts.precision);
  const forms = sections.map((s) => s.full);
  const trimmed: string[] = [];
  const notesText = () => (d.notes.length ? `\n\n---\n${d.notes.map((n) => `> note: ${esc(n)}`).join('\n')}` : '');
  const trimNote = () => (trimmed.length ? `\n\n> **Trimmed** to stay under the limit of ${limit} ${measure === chars ? 'characters' : 'bytes'}: ${trimmed.join('; ')}. The full report: \`cairn report --json\` or the report folder.` : '');
  const build = () => `${head}\n\n${forms.join('\n\n')}${notesText()}${trimNote()}\n`;
  // 1. shorter forms, last sections first (plots, lineage, data ... keep the metrics longest)
  for (let i = sections.length - 1; i >= 0 && measure(build()) > limit; i--) {
    if (sections[i]!.brief) {
      forms[i] = sections[i]!.brief!;
      trimmed.push(`${sections[i]!.title} shortened`);
    }
  }
  // 2. whole sections, last first
  for (let i = sections.length - 1; i >= 0 && measure(build()) > limit; i--) {
    forms[i] = `### ${sections[i]!.title}\n\n_left out to fit the size limit_`;
    trimmed.push(`${sections[i]!.title} left out`);
  }
  let text = build();
  // 3. still over (a huge title or notes): cut at a line boundary
  if (measure(text) > limit) {
    const note = `\n\n> **Trimmed**: cut at ${limit} ${measure === chars ? 'characters' : 'bytes'}.\n`;
    let cut = text.slice(0, Math.max(0, limit - measure(note) - 4));
    while (measure(cut) > limit - measure(note)) cut = cut.slice(0, -1024);
    cut = cut.slice(0, cut.lastIndexOf('\n') > 0 ? cut.lastIndexOf('\n') : cut.length);
    // a cut inside a ``` block would swallow the note
    if ((cut.match(/^```/gm) ?? []).length % 2 === 1) cut += '\n```';
    text = `${cut}${note}`;
    trimmed.push('cut at the limit');
  }
  return { text, trimmed };
}
