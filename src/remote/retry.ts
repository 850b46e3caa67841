// Retries for transient faults only: 5xx, throttling, connection resets, timeouts.
// Permanent faults (403, no such bucket, bad credentials) fail at once. Backoff is
// exponential with full jitter, so many parallel workers do not retry in lockstep.

export interface RetryPolicy {
  /** attempts in all, including the first */
  attempts: number;
  baseMs: number;
  capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 200, capMs: 8000 };

const TRANSIENT_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeTooSkewed',
]);

const TRANSIENT_ERRNO = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET']);

/** HTTP status of an SDK error, if it has one. */
export function httpStatus(e: unknown): number | undefined {
  const m = (e as { $metadata?: { httpStatusCode?: number } })?.$metadata;
  return m?.httpStatusCode;
}

export function isTransient(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const err = e as { name?: string; code?: string; message?: string; cause?: unknown; $retryable?: unknown };
  const status = httpStatus(e);
  if (status !== undefined && (status >= 500 || status === 429 || status === 408)) return true;
  if (err.name && TRANSIENT_NAMES.has(err.name)) return true;
  if (err.code && TRANSIENT_ERRNO.has(err.code)) return true;
  if (err.$retryable) return true;
  if (typeof err.message === 'string' && /socket hang up|ECONNRESET|ECONNREFUSED|EPIPE|aborted|premature close/i.test(err.message)) return true;
  if (err.cause && err.cause !== e) return isTransient(err.cause);
  return false;
}

/** Delay before retry number `n` (1-based): uniform in [0, min(cap, base * 2^(n-1))]. */
export function backoffMs(n: number, p: RetryPolicy, rand: () => number = Math.random): number {
  const ceil = Math.min(p.capMs, p.baseMs * 2 ** (n - 1));
  return Math.floor(rand() * ceil);
}

export async function withRetry<T>(
  fn: () => Promise<T>,
  p: RetryPolicy,
  onRetry?: (err: unknown, attempt: number) => void,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= p.attempts || !isTransient(e)) throw e;
      onRetry?.(e, attempt);
      await sleep(backoffMs(attempt, p));
    }
  }
}
