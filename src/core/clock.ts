// The clock, passed in where time is read (lock deadlines, stat-cache racy-mtime checks,
// quarantine and temp names, progress throttling). The default is the system clock; a test
// replaces it with setClock() and restores it with the function that returns.

export interface Clock {
  /** milliseconds since the epoch */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

let current: Clock = systemClock;

/** The current time in milliseconds since the epoch, from the installed clock. */
export function now(): number {
  return current.now();
}

/** Install a clock (undefined = the system clock); returns a function that restores the previous one. */
export function setClock(clock: Clock | undefined): () => void {
  const prev = current;
  current = clock ?? systemClock;
  return () => {
    current = prev;
  };
}
