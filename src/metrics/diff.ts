// Comparing two flat maps (metrics or params) and checking --fail-on rules against the change.
import { CairnError } from '../core/errors.js';
import { sameValue } from '../core/flatten.js';
import type { Flat, Scalar } from './flatten.js';

export type ChangeKind = 'modified' | 'added' | 'removed' | 'unchanged';

export interface DiffRow {
  /** file the value comes from (repo-relative) */
  path: string;
  key: string;
  old: Scalar | undefined;
  new: Scalar | undefined;
  /** new - old, when both are numbers */
  abs?: number;
  /** (new - old) / |old|, when both are numbers and old ≠ 0 */
  rel?: number;
  change: ChangeKind;
}

/** Diff file → flat map, for every file on either side; rows sorted by path then key. */
export function diffFlat(a: Record<string, Flat>, b: Record<string, Flat>, opts: { all?: boolean } = {}): DiffRow[] {
  const rows: DiffRow[] = [];
  const files = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const path of files) {
    const fa = a[path] ?? {};
    const fb = b[path] ?? {};
    const keys = [...new Set([...Object.keys(fa), ...Object.keys(fb)])].sort();
    for (const key of keys) {
      const o = key in fa ? fa[key] : undefined;
      const n = key in fb ? fb[key] : undefined;
      const change: ChangeKind = o === undefined ? 'added' : n === undefined ? 'removed' : sameValue(o, n) ? 'unchanged' : 'modified';
      if (change === 'unchanged' && !opts.all) continue;
      const row: DiffRow = { path, key, old: o, new: n, change };
      if (typeof o === 'number' && typeof n === 'number') {
        row.abs = n - o;
        if (o !== 0) row.rel = (n - o) / Math.abs(o);
      }
      rows.push(row);
    }
  }
  return rows;
}

export type RuleOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface FailRule {
  text: string;
  /** optional file the metric must come from */
  path?: string;
  key: string;
  op: RuleOp;
  threshold: number;
  /** threshold is a percentage of |old| (relative change) */
  relative: boolean;
}

/**
 * A rule states when to fail, on the change from A to B: `acc < -0.01` fails when acc drops
 * by more than 0.01; `loss > 5%` fails when loss grows by more than 5% of its old value.
 * Grammar: [file:]key op number[%], op one of < <= > >= == !=.
 */
export function parseRule(text: string): FailRule {
  const m = /^\s*(?:(.+?):)?([^\s<>=!:]+)\s*(<=|>=|==|!=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*(%?)\s*$/i.exec(text);
  if (!m) {
    throw new CairnError('CAIRN_USAGE', `--fail-on '${text}': expected '[file:]metric op threshold[%]', e.g. 'acc < -0.01' or 'loss > 5%'`, {
      hint: 'see docs/history.md#fail-on-rules',
      data: { rule: text },
    });
  }
  return { text: text.trim(), path: m[1], key: m[2]!, op: m[3] as RuleOp, threshold: Number(m[4]), relative: m[5] === '%' };
}

function compare(v: number, op: RuleOp, t: number): boolean {
  switch (op) {
    case '<': return v < t;
    case '<=': return v <= t;
    case '>': return v > t;
    case '>=': return v >= t;
    case '==': return v === t;
    case '!=': return v !== t;
  }
}

export interface RuleResult {
  rule: string;
  path: string;
  key: string;
  old: Scalar | undefined;
  new: Scalar | undefined;
  /** the change the rule compared: absolute, or relative in percent */
  change: number | undefined;
  violated: boolean;
  /**
   * why the rule could not be evaluated (a metrics file unreadable at a revision, the metric
   * on one side only, not numeric). A rule that cannot be evaluated fails the gate: a broken
   * or missing metrics file must never pass CI.
   */
  skipped?: string;
}

/** A metrics file that could not be read at a revision (missing, corrupt). */
export interface UnreadFile {
  rev: string;
  path: string;
  message: string;
}

/**
 * Check every rule against the full diff (all rows, unchanged ones too). A rule that names
 * a metric found in no file is a usage error, so a typo cannot silently pass CI, unless a
 * metrics file could not be read: then the rule cannot be evaluated, and says which file.
 */
export function checkRules(rules: FailRule[], rows: DiffRow[], unread: UnreadFile[] = []): RuleResult[] {
  const out: RuleResult[] = [];
  const unreadFor = (path: string | undefined) => unread.filter((u) => path === undefined || u.path === path);
  const why = (u: UnreadFile[]) => u.map((x) => `${x.path} at ${x.rev}: ${x.message}`).join('; ');
  for (const r of rules) {
    const hits = rows.filter((x) => x.key === r.key && (r.path === undefined || x.path === r.path));
    if (hits.length === 0) {
      const u = unreadFor(r.path);
      if (u.length) {
        out.push({ rule: r.text, path: u[0]!.path, key: r.key, old: undefined, new: undefined, change: undefined, violated: false, skipped: `cannot read ${why(u)}` });
        continue;
      }
      throw new CairnError('CAIRN_USAGE', `--fail-on '${r.text}': no metric '${r.path ? `${r.path}:` : ''}${r.key}' in either revision`, {
        hint: 'run `cairn metrics diff --all` to list the metric names',
        data: { rule: r.text },
      });
    }
    for (const h of hits) {
      const base = { rule: r.text, path: h.path, key: h.key, old: h.old, new: h.new };
      if (typeof h.old !== 'number' || typeof h.new !== 'number') {
        const u = unreadFor(h.path);
        const reason = u.length ? `cannot read ${why(u)}` : h.old === undefined || h.new === undefined ? 'present in one revision only' : 'not a number';
        out.push({ ...base, change: undefined, violated: false, skipped: reason });
        continue;
      }
      const abs = h.new - h.old;
      let change: number;
      if (r.relative) {
        if (h.old === 0) {
          out.push({ ...base, change: undefined, violated: false, skipped: 'old value is 0: no relative change' });
          continue;
        }
        change = (abs / Math.abs(h.old)) * 100;
      } else change = abs;
      out.push({ ...base, change, violated: compare(change, r.op, r.threshold) });
    }
  }
  return out;
}
