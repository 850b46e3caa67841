// The test names a rule may carry (`test:` in gate.yaml, `test` in the report).
export const METRIC_TESTS = ['mcnemar', 'delong', 'bootstrap', 'paired-t', 'wilcoxon'] as const;
export type MetricTest = (typeof METRIC_TESTS)[number];
/** `test` in the report: McNemar names its variant. */
export type ReportTest = 'mcnemar-exact' | 'mcnemar-chi2' | 'delong' | 'bootstrap' | 'paired-t' | 'wilcoxon';
