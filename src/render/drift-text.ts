// Text and Markdown renderings of a drift report. Pure: the report in, a string out.

export interface DriftView {
  drift: boolean;
  share: number;
  drifted: number;
  tested: number;
  reference: { name: string; rows: number };
  current: { name: string; rows: number; source: string; log?: { lines: number; kept: number; rows: number; from?: string; to?: string } };
  columns: DriftColumnView[];
  predictions: DriftColumnView[];
  prediction_drift: boolean;
  skipped: { column: string; reason: string }[];
  threshold_share: number;
  on_drift?: { command: string; ran: boolean; reason: string; exit_code?: number; next_allowed?: string };
  html?: string;
}

export interface DriftColumnView {
  column: string;
  kind: string;
  test: string;
  statistic: number;
  p_value: number | null;
  p_adjusted?: number | null;
  threshold: number;
  effect: number;
  psi: number;
  drift: boolean;
  note?: string;
}

export function num(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (x === 0) return '0';
  return Math.abs(x) >= 1e-3 ? x.toFixed(4) : x.toExponential(2);
}

function rule(c: DriftColumnView): string {
  const p = c.p_adjusted ?? c.p_value;
  return c.p_value !== null ? `p ${num(p)} ${c.drift ? '<' : '>='} ${c.threshold}` : `${num(c.statistic)} ${c.drift ? '>=' : '<'} ${c.threshold}`;
}

function headline(r: DriftView): string {
  const pct = (r.share * 100).toFixed(0);
  return `${r.drift ? 'DRIFT' : 'no drift'}: ${r.drifted} of ${r.tested} columns drifted (${pct}%, threshold ${(r.threshold_share * 100).toFixed(0)}%)`;
}

function source(r: DriftView): string {
  const c = r.current;
  const log = c.log ? ` (request log: ${c.log.kept} of ${c.log.lines} lines${c.log.from ? `, ${c.log.from} .. ${c.log.to}` : ''})` : '';
  return `reference ${r.reference.name} (${r.reference.rows} rows) vs current ${c.name} (${c.rows} rows)${log}`;
}

export function driftText(r: DriftView): string {
  const lines = [headline(r), source(r), ''];
  const rows = [...r.columns, ...r.predictions];
  const w = Math.max(6, ...rows.map((c) => c.column.length));
  lines.push(`${'column'.padEnd(w)}  ${'kind'.padEnd(11)}  ${'test'.padEnd(13)}  ${'statistic'.padStart(10)}  ${'p'.padStart(9)}  ${'psi'.padStart(8)}  verdict`);
  for (const c of rows) {
    const tag = r.predictions.includes(c) ? ' (prediction)' : '';
    const verdict = c.note ? `skipped: ${c.note}` : `${c.drift ? 'DRIFT' : 'ok'} (${rule(c)})`;
    lines.push(`${c.column.padEnd(w)}  ${c.kind.padEnd(11)}  ${c.test.padEnd(13)}  ${num(c.statistic).padStart(10)}  ${num(c.p_adjusted ?? c.p_value).padStart(9)}  ${num(c.psi).padStart(8)}  ${verdict}${tag}`);
  }
  if (r.predictions.length) lines.push('', `prediction drift: ${r.prediction_drift ? 'yes' : 'no'}`);
  for (const s of r.skipped) lines.push(`skipped ${s.column}: ${s.reason}`);
  if (r.on_drift) lines.push('', onDriftLine(r.on_drift));
  if (r.html) lines.push(`wrote ${r.html}`);
  return lines.join('\n');
}

function onDriftLine(o: NonNullable<DriftView['on_drift']>): string {
  if (o.ran) return `on drift: ran \`${o.command}\` (exit ${o.exit_code})`;
  if (o.reason === 'cooldown') return `on drift: \`${o.command}\` not run: cooldown until ${o.next_allowed}`;
  return `on drift: \`${o.command}\` not run: ${o.reason}`;
}

const md = (s: string): string => s.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`);

export function driftMarkdown(r: DriftView): string {
  const lines = [`### Drift: ${r.drift ? '🔴 ' : '🟢 '}${md(headline(r))}`, '', md(source(r)), ''];
  lines.push('| column | kind | test | statistic | p-value | PSI | drift |', '| --- | --- | --- | ---: | ---: | ---: | --- |');
  for (const c of [...r.columns, ...r.predictions]) {
    const tag = r.predictions.includes(c) ? ' (prediction)' : '';
    lines.push(`| ${md(c.column)}${tag} | ${c.kind} | ${c.test} | ${num(c.statistic)} | ${num(c.p_adjusted ?? c.p_value)} | ${num(c.psi)} | ${c.note ? `skipped: ${md(c.note)}` : c.drift ? '**yes**' : 'no'} |`);
  }
  for (const s of r.skipped) lines.push('', `skipped ${md(s.column)}: ${md(s.reason)}`);
  if (r.on_drift) lines.push('', md(onDriftLine(r.on_drift)));
  return lines.join('\n');
}
