// Drift settings: which columns, which test per column, thresholds per test and per column, the
// multiple-testing correction, the minimum effect size, the dataset share and the row rule. Built
// from flags (`--test col=ks`, `--threshold ks=0.01`, `--threshold col=0.2`, ...) or given whole
// through the api; every value is checked here so a bad one is a usage error naming the flag.
import { CairnError } from '../../core/errors.js';
import { CORRECTIONS, type Correction } from '../../stats/multiple.js';
import type { ColumnKind } from './columns.js';

export type DriftTest = 'ks' | 'wasserstein' | 'chi2' | 'jensenshannon';
export const DRIFT_TESTS: readonly DriftTest[] = ['ks', 'wasserstein', 'chi2', 'jensenshannon'];

export interface DriftConfig {
  /** feature columns to compare (default: every reference column, predictions excluded) */
  columns?: string[];
  /** prediction columns: reported apart, not counted in the share */
  predictions: string[];
  /** kinds fixed per column (others inferred from the reference) */
  kinds: Record<string, ColumnKind>;
  /** tests fixed per column (others by kind and reference rows) */
  tests: Record<string, DriftTest>;
  /** alpha for ks/chi2, distance threshold for wasserstein/jensenshannon */
  thresholds: Record<DriftTest, number>;
  /** a threshold for one column, in its test's unit */
  columnThresholds: Record<string, number>;
  correction: Correction;
  /** a p-value test flags drift only when the effect size reaches this too */
  minEffect?: number;
  /** the dataset drifts when drifted / tested >= share */
  share: number;
  /** reference rows up to which the p-value tests are chosen */
  rowRule: number;
}

export const DEFAULT_THRESHOLDS: Readonly<Record<DriftTest, number>> = { ks: 0.05, chi2: 0.05, wasserstein: 0.1, jensenshannon: 0.1 };

export function defaultDriftConfig(): DriftConfig {
  return { predictions: [], kinds: {}, tests: {}, thresholds: { ...DEFAULT_THRESHOLDS }, columnThresholds: {}, correction: 'none', share: 0.5, rowRule: 1000 };
}

export interface DriftFlags {
  columns?: string[];
  predictions?: string[];
  /** `col=numeric|categorical` */
  kind?: string[];
  /** `col=ks|wasserstein|chi2|jensenshannon` */
  test?: string[];
  /** `TEST=value` or `col=value` */
  threshold?: string[];
  correction?: string;
  minEffect?: string | number;
  share?: string | number;
  rowRule?: string | number;
}

const usage = (msg: string, hint: string): CairnError => new CairnError('CAIRN_USAGE', msg, { hint });

function pairs(flag: string, items: readonly string[] | undefined): [string, string][] {
  return (items ?? []).map((s) => {
    const i = s.lastIndexOf('=');
    if (i <= 0 || i === s.length - 1) throw usage(`${flag} takes NAME=VALUE, got '${s}'`, `for example ${flag} age=ks`);
    return [s.slice(0, i), s.slice(i + 1)];
  });
}

function num(flag: string, v: string | number, lo: number, hi: number, hiOpen = false): number {
  const x = typeof v === 'number' ? v : /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v) ? Number(v) : Number.NaN;
  if (!(x >= lo && (hiOpen ? x < hi : x <= hi))) throw usage(`${flag} must be a number in [${lo}, ${hi}${hiOpen ? ')' : ']'}, got '${v}'`, `see docs/monitoring.md for the defaults`);
  return x;
}

/** A config from CLI-style flags; throws CAIRN_USAGE naming the bad flag. */
export function driftConfigFromFlags(f: DriftFlags): DriftConfig {
  const cfg = defaultDriftConfig();
  if (f.columns?.length) cfg.columns = f.columns;
  cfg.predictions = f.predictions ?? [];
  for (const [col, k] of pairs('--kind', f.kind)) {
    if (k !== 'numeric' && k !== 'categorical') throw usage(`--kind ${col}=${k}: the kind is numeric or categorical`, '--kind zip=categorical');
    cfg.kinds[col] = k;
  }
  for (const [col, t] of pairs('--test', f.test)) {
    if (!(DRIFT_TESTS as readonly string[]).includes(t)) throw usage(`--test ${col}=${t}: unknown test`, `use one of: ${DRIFT_TESTS.join(', ')}`);
    cfg.tests[col] = t as DriftTest;
  }
  for (const [key, v] of pairs('--threshold', f.threshold)) {
    if ((DRIFT_TESTS as readonly string[]).includes(key)) {
      const p = key === 'ks' || key === 'chi2';
      cfg.thresholds[key as DriftTest] = num(`--threshold ${key}`, v, 0, p ? 1 : Infinity);
    } else cfg.columnThresholds[key] = num(`--threshold ${key}`, v, 0, Infinity);
  }
  if (f.correction !== undefined) {
    if (!(CORRECTIONS as readonly string[]).includes(f.correction)) throw usage(`--correction ${f.correction}: unknown correction`, `use one of: ${CORRECTIONS.join(', ')}`);
    cfg.correction = f.correction as Correction;
  }
  if (f.minEffect !== undefined) cfg.minEffect = num('--min-effect', f.minEffect, 0, Infinity);
  if (f.share !== undefined) cfg.share = num('--drift-share', f.share, 0, 1);
  if (f.rowRule !== undefined) {
    cfg.rowRule = num('--row-rule', f.rowRule, 0, Number.MAX_SAFE_INTEGER);
    if (!Number.isInteger(cfg.rowRule)) throw usage(`--row-rule must be a whole number, got '${f.rowRule}'`, '--row-rule 1000');
  }
  return cfg;
}

/** `1h`, `30m`, `45s`, `2d`, `500ms` → milliseconds. */
export function parseDuration(flag: string, s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(s);
  if (!m) throw usage(`${flag} takes a duration like 30s, 15m, 1h or 2d, got '${s}'`, `${flag} 1h`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
