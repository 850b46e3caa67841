// One rule from a result's outcome to an exit code, through EXIT. An API function either
// throws a CairnError (main.ts maps it by the table) or returns a result that carries its
// own outcome; these helpers are the only way a CLI command turns such a result into an
// exit code (a unit test keeps numeric exit codes out of src/cli/):
//   a verdict other than pass          → 4 (a verdict, not a crash)
//   failed items returned as data      → 1
//   a change found with --exit-code    → 1
//   a failure carried as a CairnError  → its code's row in the table (130 interrupted, ...)
import { EXIT, type CairnError, type ExitCode } from '../core/errors.js';
import type { OnInconclusive, Verdict } from '../core/verdict.js';
import { out } from './output.js';

export function verdictExit(verdict: Verdict, onInconclusive: OnInconclusive = 'fail'): ExitCode {
  if (verdict === 'pass') return EXIT.OK;
  if (verdict === 'inconclusive' && onInconclusive !== 'fail') return EXIT.OK;
  return EXIT.VERDICT;
}

/** 1 when any item failed, else 0. */
export function failedExit(failed: readonly unknown[]): ExitCode {
  return failed.length ? EXIT.FAILED : EXIT.OK;
}

/** `--exit-code` (status, diff): 1 when something changed and the flag asks for it, else 0. */
export function changedExit(changed: boolean, asked: boolean): ExitCode {
  return asked && changed ? EXIT.FAILED : EXIT.OK;
}

/** A failure a result carries as data (so partial work is still reported): its table code. */
export function errorExit(err: CairnError | undefined): ExitCode {
  return err ? err.exitCode : EXIT.OK;
}

/**
 * Print a result's carried error on stderr (the result itself was already rendered, so
 * with --json the error is part of that document, never a second one) and return its code.
 */
export function reportCarried(err: CairnError | undefined): ExitCode {
  if (!err) return EXIT.OK;
  out.err(`error: ${err.message}`);
  if (err.hint) out.err(`hint: ${err.hint}`);
  return errorExit(err);
}
