// Per-column drift and the dataset verdict, pure: two samples and a config in, plain data out.
// Test choice (Evidently's defaults, by reference rows): numeric → KS (drift when p < 0.05) up to
// 1,000 reference rows, normalised Wasserstein (drift when >= 0.1) above; categorical → chi-square
// contingency (p < 0.05) up to 1,000, Jensen–Shannon distance (>= 0.1) above. PSI is always
// reported. The dataset drifts when the drifted share of columns reaches `share` (default 0.5).
import { CairnError } from '../../core/errors.js';
import type { Verdict } from '../../core/verdict.js';
import { chi2Contingency } from '../../stats/chi2-contingency.js';
import { jensenShannon } from '../../stats/jensenshannon.js';
import { ks2samp } from '../../stats/ks.js';
import { adjust } from '../../stats/multiple.js';
import { categoryBins, numericBins, psi, type Bins } from '../../stats/psi.js';
import { normalizedWasserstein } from '../../stats/wasserstein.js';
import type { ColumnKind, ColumnSample, Sample } from './columns.js';
import type { DriftConfig, DriftTest } from './config.js';

export interface ColumnDrift {
  column: string;
  kind: ColumnKind;
  test: DriftTest;
  /** KS D, chi-square X², normalised Wasserstein, or Jensen–Shannon distance */
  statistic: number;
  /** KS and chi-square; null for the distances */
  p_value: number | null;
  /** the p-value after the multiple-testing correction (when one is set) */
  p_adjusted?: number | null;
  /** alpha for p-value tests, the distance threshold otherwise */
  threshold: number;
  /** effect size: normalised Wasserstein (numeric) or Jensen–Shannon distance (categorical) */
  effect: number;
  psi: number;
  drift: boolean;
  reference: { n: number; missing: number };
  current: { n: number; missing: number; invalid: number };
  /** why the column cannot drift (no values on one side) */
  note?: string;
  /** reference vs current shares per bin, for charts (with `histograms`) */
  bins?: { edges?: number[]; labels?: string[]; reference: number[]; current: number[] };
}

export interface DriftReport {
  verdict: Verdict;
  /** the dataset drifted: share >= config.share */
  drift: boolean;
  /** drifted feature columns / feature columns tested */
  share: number;
  drifted: number;
  tested: number;
  columns: ColumnDrift[];
  /** prediction columns: reported, not counted in share */
  predictions: ColumnDrift[];
  /** the prediction drifted (any prediction column) */
  prediction_drift: boolean;
  /** columns left out, with why */
  skipped: { column: string; reason: string }[];
}

const P_TESTS: ReadonlySet<DriftTest> = new Set(['ks', 'chi2']);

/** The test a column gets by default. */
export function defaultTest(kind: ColumnKind, referenceRows: number, rowRule: number): DriftTest {
  if (kind === 'numeric') return referenceRows <= rowRule ? 'ks' : 'wasserstein';
  return referenceRows <= rowRule ? 'chi2' : 'jensenshannon';
}

function bins(ref: ColumnSample, cur: ColumnSample): Bins {
  return ref.kind === 'numeric' ? numericBins(ref.values, cur.values) : categoryBins(ref.counts, cur.counts);
}

/** One column: the chosen test, its statistic and p-value, the effect size, PSI (no verdict yet). */
export function columnStatistics(column: string, ref: ColumnSample, cur: ColumnSample, test: DriftTest, opts: { histograms?: boolean } = {}): Omit<ColumnDrift, 'drift' | 'threshold'> {
  const base = { column, kind: ref.kind, test };
  const sizes = { reference: { n: ref.n, missing: ref.missing }, current: { n: cur.n, missing: cur.missing, invalid: cur.invalid } };
  if (!ref.n || !cur.n) return { ...base, statistic: Number.NaN, p_value: null, effect: Number.NaN, psi: Number.NaN, ...sizes, note: `no values in ${!ref.n ? 'reference' : 'current'}` };
  const b = bins(ref, cur);
  const numeric = ref.kind === 'numeric';
  const effect = numeric ? normalizedWasserstein(ref.values, cur.values, { sorted: true }) : jensenShannon(b.ref, b.cur);
  let statistic: number;
  let p: number | null = null;
  if (test === 'ks') {
    const r = ks2samp(ref.values, cur.values, { sorted: true });
    statistic = r.statistic;
    p = r.p_value;
  } else if (test === 'chi2') {
    const rc = countsOf(ref);
    const cc = countsOf(cur);
    const keys = [...new Set([...rc.keys(), ...cc.keys()])].sort();
    const r = chi2Contingency(keys.map((k) => rc.get(k) ?? 0), keys.map((k) => cc.get(k) ?? 0));
    statistic = r.statistic;
    p = r.p_value;
  } else if (test === 'wasserstein') statistic = numeric ? effect : Number.NaN;
  else statistic = jensenShannon(b.ref, b.cur);
  const out: Omit<ColumnDrift, 'drift' | 'threshold'> = { ...base, statistic, p_value: p, effect, psi: psi(b.ref, b.cur), ...sizes };
  if (opts.histograms) out.bins = { edges: b.edges, labels: b.labels, reference: [...b.ref], current: [...b.cur] };
  return out;
}

/** Counts per category; a numeric column's distinct values are its categories. */
function countsOf(c: ColumnSample): Map<string, number> {
  if (c.kind === 'categorical') return c.counts;
  const m = new Map<string, number>();
  for (let i = 0; i < c.n; i++) m.set(String(c.values[i]), (m.get(String(c.values[i])) ?? 0) + 1);
  return m;
}

/** Check that a test fits a column's kind (KS and Wasserstein need numbers; chi-square and JS take either). */
export function testFits(test: DriftTest, kind: ColumnKind): boolean {
  return kind === 'numeric' || (test !== 'ks' && test !== 'wasserstein');
}

/** Decide each column and the dataset. */
export function decideDrift(stats: Omit<ColumnDrift, 'drift' | 'threshold'>[], cfg: DriftConfig, predictionColumns: ReadonlySet<string>): Omit<DriftReport, 'skipped'> {
  const threshold = (c: { column: string; test: DriftTest }): number => cfg.columnThresholds[c.column] ?? cfg.thresholds[c.test];
  const features = stats.filter((c) => !predictionColumns.has(c.column));
  const preds = stats.filter((c) => predictionColumns.has(c.column));
  const decide = (group: typeof stats): ColumnDrift[] => {
    const pIdx = group.map((c, i) => [c, i] as const).filter(([c]) => P_TESTS.has(c.test) && c.p_value !== null);
    const adjusted = cfg.correction === 'none' ? undefined : adjust(pIdx.map(([c]) => c.p_value!), cfg.correction);
    return group.map((c, i) => {
      const t = threshold(c);
      let p = c.p_value;
      const out: ColumnDrift = { ...c, threshold: t, drift: false };
      if (adjusted) {
        const k = pIdx.findIndex(([, j]) => j === i);
        if (k >= 0) {
          p = adjusted[k]!;
          out.p_adjusted = p;
        }
      }
      if (c.note) return out;
      // identical samples never drift: a distance of 0 is no drift whatever the threshold
      const flagged = P_TESTS.has(c.test) ? p !== null && p < t : c.statistic > 0 && c.statistic >= t;
      out.drift = flagged && !(cfg.minEffect !== undefined && !(c.effect >= cfg.minEffect));
      return out;
    });
  };
  const columns = decide(features);
  const predictions = decide(preds);
  const tested = columns.filter((c) => !c.note).length;
  const drifted = columns.filter((c) => c.drift).length;
  const share = tested ? drifted / tested : 0;
  const drift = drifted > 0 && share >= cfg.share;
  return { verdict: drift ? 'fail' : 'pass', drift, share, drifted, tested, columns, predictions, prediction_drift: predictions.some((c) => c.drift) };
}

/** The whole comparison: the columns of both samples, tests chosen, decided. */
export function compareSamples(ref: Sample, cur: Sample, cfg: DriftConfig, opts: { histograms?: boolean } = {}): DriftReport {
  const skipped: { column: string; reason: string }[] = [];
  const wanted = cfg.columns ?? ref.names;
  const stats: Omit<ColumnDrift, 'drift' | 'threshold'>[] = [];
  const predictionColumns = new Set(cfg.predictions);
  for (const name of [...wanted, ...cfg.predictions.filter((p) => !wanted.includes(p))]) {
    const r = ref.columns.get(name);
    const c = cur.columns.get(name);
    if (!r || !c) {
      skipped.push({ column: name, reason: !r ? 'not in reference' : 'not in current' });
      continue;
    }
    const test = cfg.tests[name] ?? defaultTest(r.kind, ref.rows, cfg.rowRule);
    if (!testFits(test, r.kind)) {
      throw new CairnError('CAIRN_USAGE', `--test ${name}=${test}: ${test} needs a numeric column, and '${name}' is categorical`, { hint: `use chi2 or jensenshannon for '${name}', or --kind ${name}=numeric if its values are numbers` });
    }
    stats.push(columnStatistics(name, r, c, test, opts));
  }
  return { ...decideDrift(stats, cfg, predictionColumns), skipped };
}
