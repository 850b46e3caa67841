// The gate report: the shape of `cairn gate --json` and of the --out file (docs/gate.md).
import type { OnInconclusive, Verdict } from '../../core/verdict.js';
import type { Correction } from '../../stats/multiple.js';
import type { Task } from './config.js';
import type { ReportTest } from './tests.js';

export interface FileRef {
  path: string;
  /** object id as cairn hashes it (the repo's algorithm; xxh64x2 by default) */
  id: string;
}

export type RuleVerdict = Verdict | 'skipped';

export interface GateRule {
  metric: string;
  /** min / max judge the candidate's point value; beat compares with the baseline */
  kind: 'min' | 'max' | 'beat';
  higher_is_better: boolean;
  /** the min or max (null for beat) */
  threshold: number | null;
  /** how much better than the baseline (beat; null otherwise) */
  margin: number | null;
  candidate: number | null;
  baseline: number | null;
  /** candidate - baseline (raw units) */
  delta: number | null;
  /** beat: CI of delta; min/max: CI of the candidate's value (bootstrap); two-sided, level 1 - alpha */
  ci: [number | null, number | null] | null;
  p: number | null;
  p_adjusted: number | null;
  test: ReportTest | null;
  verdict: RuleVerdict;
  /** standard error of delta under the test */
  se: number | null;
  /** smallest |delta| this n detects (80% power, level alpha): set when the verdict is inconclusive */
  detectable_effect: number | null;
  /** test details: McNemar's discordant counts, Wilcoxon's method, ... */
  detail?: Record<string, number | string>;
}

export interface GateReport {
  verdict: Verdict;
  n: number;
  task: Task;
  eval_set: FileRef;
  candidate: { predictions: FileRef };
  baseline: { source: 'production' | 'file' | 'none'; model: string | null; predictions: FileRef | null; rescored: boolean };
  seed: number;
  resamples: number;
  alpha: number;
  correction: Correction;
  on_inconclusive: OnInconclusive;
  rules: GateRule[];
  notes: string[];
}
