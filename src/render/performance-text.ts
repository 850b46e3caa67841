// Text and Markdown renderings of a production performance report. Pure.

export interface PerformanceView {
  verdict: string;
  metric: string;
  window_ms: number;
  floor?: number;
  ceiling?: number;
  min_labels: number;
  windows: { start: string; end: string; predictions: number; labelled: number; value: number | null; status: string }[];
  overall: { predictions: number; labelled: number; value: number | null };
  alerts: number;
  log: string;
  lines: number;
  unmatched_feedback: number;
}

const v = (x: number | null): string => (x === null ? '—' : x.toFixed(4));

function headline(r: PerformanceView): string {
  const bound = r.floor !== undefined ? `floor ${r.floor}` : r.ceiling !== undefined ? `ceiling ${r.ceiling}` : 'no bound';
  const state = r.verdict === 'fail' ? `ALERT: ${r.alerts} window(s) past the ${bound}` : r.verdict === 'pass' ? `ok: no window past the ${bound}` : `inconclusive: no window has ${r.min_labels} labels`;
  return `${state}; ${r.metric} ${v(r.overall.value)} over ${r.overall.labelled} labelled of ${r.overall.predictions} predictions (${r.log})`;
}

export function performanceText(r: PerformanceView): string {
  const lines = [headline(r), '', `${'window start'.padEnd(24)}  ${'predictions'.padStart(11)}  ${'labelled'.padStart(8)}  ${r.metric.padStart(8)}  status`];
  for (const w of r.windows) lines.push(`${w.start.padEnd(24)}  ${String(w.predictions).padStart(11)}  ${String(w.labelled).padStart(8)}  ${v(w.value).padStart(8)}  ${w.status}`);
  if (r.unmatched_feedback) lines.push('', `${r.unmatched_feedback} feedback line(s) match no request (or not its outputs)`);
  return lines.join('\n');
}

export function performanceMarkdown(r: PerformanceView): string {
  const lines = [`### Performance: ${headline(r).replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`)}`, '', `| window start | predictions | labelled | ${r.metric} | status |`, '| --- | ---: | ---: | ---: | --- |'];
  for (const w of r.windows) lines.push(`| ${w.start} | ${w.predictions} | ${w.labelled} | ${v(w.value)} | ${w.status === 'alert' ? '**alert**' : w.status} |`);
  return lines.join('\n');
}
