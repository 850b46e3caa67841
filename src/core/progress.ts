// Progress in bytes, for long single-object work (adding a big file, pushing or pulling a big
// object). The loops that move bytes call add(); the CLI renders done, rate and ETA
// (src/cli/output.ts). Passed in like every side effect; absent in CI, with --json, or with
// CAIRN_NO_PROGRESS=1, so those loops pay one optional call per chunk.
export interface ByteMeter {
  /** a new phase: what is done (for the line) and how many bytes it will move, when known */
  start(what: string, total?: number): void;
  /** bytes moved since the last call (safe from concurrent transfers) */
  add(n: number): void;
  /** the phase is over: finish the line */
  end(): void;
}
