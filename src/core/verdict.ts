// The outcome of a pass/fail command (validate, gate, deploy analysis, drift). API functions
// return it as data; only the CLI turns it into an exit code (src/cli/outcome.ts).

export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** What an inconclusive verdict means for the exit code (gate's `on_inconclusive`). */
export type OnInconclusive = 'fail' | 'pass' | 'warn';

/** A result that carries its own outcome. */
export interface VerdictResult {
  verdict: Verdict;
}
