// One rule from a result's outcome to an exit code, through EXIT: a verdict other than pass
// is 4 (a verdict, not a crash); failed items returned as data are 1.
import { EXIT, type ExitCode } from '../core/errors.js';
import type { OnInconclusive, Verdict } from '../core/verdict.js';

export function verdictExit(verdict: Verdict, onInconclusive: OnInconclusive = 'fail'): ExitCode {
  if (verdict === 'pass') return EXIT.OK;
  if (verdict === 'inconclusive' && onInconclusive !== 'fail') return EXIT.OK;
  return EXIT.VERDICT;
}

/** 1 when any item failed, else 0. */
export function failedExit(failed: readonly unknown[]): ExitCode {
  return failed.length ? EXIT.FAILED : EXIT.OK;
}
