// cairn validate's report as text (people), Markdown (a pull request) and JUnit XML (one test
// case per check, for Jenkins and GitHub test reporters). Pure: a report in, a string out.
// The report's shape is declared here structurally so render/ imports nothing from above.
import { xmlText as xml } from './xml.js';

export interface ReportFailure {
  column: string | null;
  check: string;
  severity: string;
  count: number;
  percent: number;
  rows: number[];
  examples: unknown[];
  expected: string;
  columns?: string[];
  fraction?: number;
  mostly?: number;
}

export interface ReportCheck {
  column: string | null;
  check: string;
  severity: string;
  status: 'pass' | 'fail' | 'skipped';
  count: number;
  expected: string;
  columns?: string[];
  fraction?: number;
}

export interface ReportLike {
  verdict: string;
  rows: number;
  columns: string[];
  data: string;
  schema: string;
  failures: ReportFailure[];
  checks: ReportCheck[];
  summary: { checks: number; passed: number; failed: number; errors: number; warnings: number; skipped: number };
}

const show = (v: unknown, max = 60): string => {
  const s = typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};

function where(f: { column: string | null; columns?: string[] }): string {
  return f.column ?? (f.columns ? `(${f.columns.join(', ')})` : '(table)');
}

function examplesLine(f: ReportFailure, n: number): string {
  if (!f.rows.length) return f.examples.length ? `found: ${f.examples.slice(0, n).map((e) => show(e)).join(', ')}${f.examples.length > n ? `, … (${f.examples.length - n} more)` : ''}` : '';
  const shown = f.rows.slice(0, n).map((r, i) => `row ${r}: ${show(f.examples[i])}`);
  const more = f.count - shown.length;
  return shown.join(', ') + (more > 0 ? ` (and ${more} more)` : '');
}

function pct(p: number): string {
  return p === 0 ? '0%' : p < 0.01 ? '<0.01%' : `${Number(p.toPrecision(3))}%`;
}

function countText(f: ReportFailure): string {
  if (f.check === 'missing_column') return 'column missing';
  if (f.check === 'rows') return `${f.examples[0]} rows`;
  if (f.check === 'extra_columns') return `${f.count} extra column${f.count === 1 ? '' : 's'}`;
  if (f.check === 'ordered') return `${f.count} file${f.count === 1 ? '' : 's'} out of order`;
  return `${f.count} row${f.count === 1 ? '' : 's'} (${pct(f.percent)})${f.fraction !== undefined ? `, ${pct(f.fraction * 100)} passed, mostly ${f.mostly}` : ''}`;
}

/** Text for people: failures first (errors, then warnings), each with up to `examples` rows. */
export function validationText(r: ReportLike, examples = 5): string {
  const s = r.summary;
  const lines: string[] = [];
  lines.push(`${r.data}: ${r.rows} rows, ${r.columns.length} columns, checked against ${r.schema}`);
  const order = [...r.failures].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  for (const f of order) {
    lines.push(`  ${f.severity === 'error' ? 'FAIL' : 'WARN'}  ${where(f)}: ${f.check}: ${countText(f)}; expected ${f.expected}`);
    const ex = examplesLine(f, examples);
    if (ex) lines.push(`        ${ex}`);
  }
  const verdict = r.verdict === 'pass' ? (s.warnings ? 'passed with warnings' : 'passed') : 'FAILED';
  lines.push(`validation ${verdict}: ${s.passed} of ${s.checks} checks passed, ${s.errors} failed${s.warnings ? `, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}` : ''}${s.skipped ? `, ${s.skipped} skipped (column missing)` : ''}`);
  return lines.join('\n');
}

const mdCell = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/`/g, "'");

/** GitHub-flavoured Markdown for a pull request comment. */
export function validationMarkdown(r: ReportLike, examples = 5): string {
  const s = r.summary;
  const out: string[] = [];
  out.push(`### Data validation ${r.verdict === 'pass' ? 'passed' : 'failed'}: \`${mdCell(r.data)}\``);
  out.push('');
  out.push(`${r.rows} rows, ${r.columns.length} columns, schema \`${mdCell(r.schema)}\`: **${s.passed}/${s.checks}** checks passed, **${s.errors}** failed, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}${s.skipped ? `, ${s.skipped} skipped` : ''}.`);
  if (r.failures.length) {
    out.push('');
    out.push('| | column | check | failing | expected | examples |');
    out.push('| --- | --- | --- | --- | --- | --- |');
    for (const f of r.failures) {
      out.push(`| ${f.severity === 'error' ? '❌' : '⚠️'} | ${mdCell(where(f))} | \`${f.check}\` | ${mdCell(countText(f))} | ${mdCell(f.expected)} | ${mdCell(examplesLine(f, examples))} |`);
    }
  }
  return out.join('\n');
}

/** JUnit XML: one testsuite, one testcase per check (failed, passed, warned or skipped). */
export function validationJunit(r: ReportLike, examples = 20): string {
  const fails = new Map<string, ReportFailure>();
  for (const f of r.failures) fails.set(`${f.column}\u0000${f.check}\u0000${f.columns?.join(',') ?? ''}`, f);
  const cases: string[] = [];
  let failed = 0;
  let skipped = 0;
  for (const c of r.checks) {
    const f = fails.get(`${c.column}\u0000${c.check}\u0000${c.columns?.join(',') ?? ''}`);
    const name = `${where(c)}: ${c.check}`;
    const head = `    <testcase classname="${xml(`cairn.validate.${c.column === null ? 'table' : 'column'}`)}" name="${xml(name)}"`;
    if (c.status === 'skipped') {
      skipped++;
      cases.push(`${head}>\n      <skipped message="the column is missing"/>\n    </testcase>`);
    } else if (c.status === 'fail' && f && f.severity === 'error') {
      failed++;
      const msg = `${countText(f)}; expected ${f.expected}`;
      cases.push(`${head}>\n      <failure type="${xml(c.check)}" message="${xml(msg)}">${xml(examplesLine(f, examples))}</failure>\n    </testcase>`);
    } else if (c.status === 'fail' && f) {
      cases.push(`${head}>\n      <system-out>${xml(`warning: ${countText(f)}; expected ${f.expected}\n${examplesLine(f, examples)}`)}</system-out>\n    </testcase>`);
    } else cases.push(`${head}/>`);
  }
  const suite = `cairn validate ${r.data}`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cairn validate" tests="${r.checks.length}" failures="${failed}" errors="0" skipped="${skipped}">`,
    `  <testsuite name="${xml(suite)}" tests="${r.checks.length}" failures="${failed}" errors="0" skipped="${skipped}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
