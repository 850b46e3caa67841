// `cairn gate` text report for people. Pure.
import type { GateReport } from './report.js';
import { baselineText, detectableLines, GATE_HEADER, ruleCells } from './format.js';

function table(header: string[], rows: string[][]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function gateText(rep: GateReport): string {
  const out = [
    `gate: ${rep.verdict.toUpperCase()}  (n = ${rep.n}, eval set ${rep.eval_set.path}, baseline: ${baselineText(rep)})`,
    '',
    table(GATE_HEADER, ruleCells(rep)),
  ];
  const det = detectableLines(rep);
  if (det.length || rep.notes.length) out.push('');
  for (const d of det) out.push(d);
  for (const n of rep.notes) out.push(`note: ${n}`);
  out.push('', `seed ${rep.seed}, ${rep.resamples} resamples, alpha ${rep.alpha}, correction ${rep.correction}`);
  return out.join('\n');
}
