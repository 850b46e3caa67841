// When a stage fails, a report it wrote may say why: a JSON out with a `verdict` and a list of
// `failures` (cairn validate) or `rules` (cairn gate). Summarised here so repro's error names
// the failed checks instead of only the exit code. Generic: any tool writing that shape works.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const MAX_REPORT_BYTES = 64 << 20;

interface Item {
  column?: unknown;
  check?: unknown;
  name?: unknown;
  rule?: unknown;
  severity?: unknown;
  count?: unknown;
  passed?: unknown;
  status?: unknown;
  verdict?: unknown;
}

function label(x: Item): string | undefined {
  if (typeof x.check === 'string') {
    const where = typeof x.column === 'string' ? x.column : 'table';
    return `${where}: ${x.check}${typeof x.count === 'number' ? ` (${x.count})` : ''}`;
  }
  const n = x.name ?? x.rule;
  return typeof n === 'string' ? n : undefined;
}

function failed(x: Item): boolean {
  if (x.severity === 'warn') return false;
  if (x.passed === false) return true;
  if (x.status === 'fail' || x.verdict === 'fail') return true;
  // validate lists only failures; gate lists every rule with its outcome
  return x.passed === undefined && x.status === undefined && x.verdict === undefined;
}

/** "validation report reports/v.json: verdict fail: a: min (3), b: in (1)" or undefined. */
export function summariseVerdictReport(root: string, path: string, maxItems = 8): string | undefined {
  const abs = join(root, path);
  try {
    if (!path.endsWith('.json') || statSync(abs).size > MAX_REPORT_BYTES) return undefined;
    const r = JSON.parse(readFileSync(abs, 'utf8')) as { verdict?: unknown; failures?: unknown; rules?: unknown };
    if (!r || typeof r !== 'object' || typeof r.verdict !== 'string') return undefined;
    const list = Array.isArray(r.failures) ? r.failures : Array.isArray(r.rules) ? r.rules : undefined;
    if (!list) return undefined;
    const names = (list as Item[]).filter((x) => x && typeof x === 'object' && failed(x)).map(label).filter((s): s is string => !!s);
    if (r.verdict === 'pass' && !names.length) return undefined;
    const shown = names.slice(0, maxItems).join(', ');
    return `${path}: verdict ${r.verdict}${names.length ? `, failed: ${shown}${names.length > maxItems ? `, and ${names.length - maxItems} more` : ''}` : ''}`;
  } catch {
    return undefined;
  }
}
