// `cairn gate --md`: the report as GitHub-flavoured Markdown, for a pull request. Pure.
import type { GateReport } from './report.js';
import { baselineText, detectableLines, GATE_HEADER, ruleCells } from './format.js';

const ICON: Record<string, string> = { pass: '✅ pass', fail: '❌ fail', inconclusive: '⚠️ inconclusive', skipped: '➖ skipped' };

function esc(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function gateMarkdown(rep: GateReport): string {
  const rows = ruleCells(rep).map((r) => r.map((c, i) => (i === r.length - 1 ? ICON[c] ?? c : i === 0 ? `\`${esc(c)}\`` : esc(c))));
  const out = [
    `### Model gate: ${ICON[rep.verdict]}`,
    '',
    `n = ${rep.n} examples of \`${esc(rep.eval_set.path)}\` (id \`${rep.eval_set.id}\`); baseline: ${esc(baselineText(rep))}`,
    '',
    `| ${GATE_HEADER.join(' | ')} |`,
    `|${GATE_HEADER.map((_, i) => (i >= 2 && i <= 7 ? ' ---: ' : ' --- ')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  const det = detectableLines(rep);
  if (det.length || rep.notes.length) out.push('');
  for (const d of det) out.push(`> ${esc(d)}`);
  for (const n of rep.notes) out.push(`> note: ${esc(n)}`);
  out.push('', `<sub>seed ${rep.seed} · ${rep.resamples} resamples · alpha ${rep.alpha} · correction ${rep.correction}</sub>`);
  return out.join('\n');
}
