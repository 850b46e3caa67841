// Shared cells of the gate report renderers (text.ts, markdown.ts). Pure.
import type { GateReport, GateRule } from './report.js';

export const GATE_HEADER = ['metric', 'rule', 'candidate', 'baseline', 'delta', 'CI', 'p', 'p adj.', 'test', 'verdict'];

export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '-';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-4 || a >= 1e6) return x.toExponential(2);
  return Number(x.toPrecision(digits)).toString();
}

export function fmtP(p: number | null): string {
  if (p === null) return '-';
  if (p < 1e-4) return p === 0 ? '0' : p.toExponential(1);
  return p.toFixed(4);
}

function signed(x: number): string {
  return x >= 0 ? `+${fmt(x)}` : fmt(x);
}

export function ruleText(r: GateRule): string {
  if (r.kind === 'min') return `>= ${fmt(r.threshold)}`;
  if (r.kind === 'max') return `<= ${fmt(r.threshold)}`;
  const m = r.margin ?? 0;
  return `beat${m !== 0 ? ` by ${signed(m)}` : ''}`;
}

export function ciText(r: GateRule, level: number): string {
  if (!r.ci) return '-';
  return `${Math.round(level * 100)}% [${fmt(r.ci[0])}, ${fmt(r.ci[1])}]`;
}

export function ruleCells(rep: GateReport): string[][] {
  return rep.rules.map((r) => [
    r.metric,
    ruleText(r),
    fmt(r.candidate),
    fmt(r.baseline),
    r.delta === null ? '-' : signed(r.delta),
    ciText(r, 1 - rep.alpha),
    fmtP(r.p),
    fmtP(r.p_adjusted),
    r.test ?? '-',
    r.verdict,
  ]);
}

export function baselineText(rep: GateReport): string {
  const b = rep.baseline;
  if (b.source === 'none') return 'none';
  if (b.source === 'production') return `production ${b.model}${b.rescored ? ' (rescored on this eval set)' : ''}`;
  return `file ${b.predictions?.path}`;
}

/** The lines that explain inconclusive rules: the smallest effect this n could detect. */
export function detectableLines(rep: GateReport): string[] {
  return rep.rules
    .filter((r) => r.verdict === 'inconclusive' && r.detectable_effect !== null)
    .map((r) => `${r.metric}: inconclusive at n = ${rep.n}; the smallest difference this eval set can detect is about ±${fmt(r.detectable_effect)} (80% power, alpha ${rep.alpha})`);
}
