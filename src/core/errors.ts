// Every user-facing failure is a CairnError with a stable code, a message that
// names the file or object, and a hint with the next command to run.
// One table (EXIT_CODES) maps codes to process exit codes; docs/exit-codes.md mirrors it.

export const EXIT = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  NOT_A_REPO: 3,
  VERDICT: 4,
  INTEGRITY: 5,
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** code → exit code. Adding an error code means adding a row here (a test checks it). */
export const ERROR_CODES = {
  CAIRN_FAILED: EXIT.FAILED,
  CAIRN_IO: EXIT.FAILED,
  CAIRN_LOCKED: EXIT.FAILED,
  CAIRN_CHECKOUT_CONFLICT: EXIT.FAILED,
  CAIRN_MISSING_FROM_CACHE: EXIT.FAILED,
  CAIRN_NOT_FOUND: EXIT.FAILED,
  CAIRN_STAGE_FAILED: EXIT.FAILED,
  CAIRN_REMOTE: EXIT.FAILED,
  CAIRN_REMOTE_AUTH: EXIT.FAILED,
  CAIRN_REMOTE_MISSING: EXIT.FAILED,
  CAIRN_BAD_DATA: EXIT.FAILED,
  CAIRN_USAGE: EXIT.USAGE,
  CAIRN_CONFIG: EXIT.USAGE,
  CAIRN_BAD_POINTER: EXIT.USAGE,
  CAIRN_BAD_TARGET: EXIT.USAGE,
  CAIRN_BAD_PATH: EXIT.USAGE,
  CAIRN_BAD_PIPELINE: EXIT.USAGE,
  CAIRN_BAD_LOCK: EXIT.USAGE,
  CAIRN_BAD_PARAMS: EXIT.USAGE,
  CAIRN_BAD_METRICS: EXIT.USAGE,
  CAIRN_BAD_REVISION: EXIT.USAGE,
  CAIRN_BAD_PLOT: EXIT.USAGE,
  CAIRN_BAD_SCHEMA: EXIT.USAGE,
  CAIRN_NO_REMOTE: EXIT.USAGE,
  CAIRN_NOT_A_GIT_REPO: EXIT.NOT_A_REPO,
  CAIRN_NOT_A_REPO: EXIT.NOT_A_REPO,
  CAIRN_VERDICT: EXIT.VERDICT,
  CAIRN_INTEGRITY: EXIT.INTEGRITY,
  CAIRN_BAD_MANIFEST: EXIT.INTEGRITY,
  CAIRN_INTERRUPTED: EXIT.INTERRUPTED,
} as const satisfies Record<string, ExitCode>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface CairnErrorOptions {
  hint?: string;
  /** structured detail: the conflicting paths, the missing object, ... */
  data?: Record<string, unknown>;
  cause?: unknown;
}

export class CairnError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly data: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, opts: CairnErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'CairnError';
    this.code = code;
    this.hint = opts.hint;
    this.data = opts.data ?? {};
  }

  get exitCode(): ExitCode {
    return ERROR_CODES[this.code];
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, hint: this.hint, data: this.data };
  }
}

export function isCairnError(e: unknown): e is CairnError {
  return e instanceof CairnError;
}

/** Exit code for anything thrown: CairnErrors by table, everything else 1. */
export function exitCodeFor(e: unknown): ExitCode {
  if (isCairnError(e)) return e.exitCode;
  return EXIT.FAILED;
}

/** errno codes that mean the path itself cannot be used (not a failing disk): exit 2 */
const PATH_ERRNO: Record<string, string> = {
  ENAMETOOLONG: 'the path (or a name in it) is too long for this filesystem',
  ENOTDIR: 'a parent of it is a file, not a folder',
  ELOOP: 'it runs into a symlink loop',
};

/** Wrap a Node fs error into a CairnError that names the path. */
export function ioError(err: unknown, action: string, path: string): CairnError {
  const e = err as NodeJS.ErrnoException;
  if (e && e.code && PATH_ERRNO[e.code]) {
    return new CairnError('CAIRN_BAD_PATH', `${action} '${path}': ${PATH_ERRNO[e.code]} (${e.code})`, {
      hint: 'fix or remove the entry that names this path (see docs/security.md)',
      data: { path, errno: e.code },
      cause: err,
    });
  }
  if (e && e.code === 'ENOENT') {
    return new CairnError('CAIRN_NOT_FOUND', `${action} '${path}': no such file or directory`, {
      data: { path },
      cause: err,
    });
  }
  return new CairnError('CAIRN_IO', `${action} '${path}': ${e?.message ?? String(err)}`, {
    data: { path, errno: e?.code },
    cause: err,
  });
}

/** The one "not a cairn repository" error (Repo.open, config and remote, which work without a cache). */
export function notARepoError(cwd: string): CairnError {
  return new CairnError('CAIRN_NOT_A_REPO', `not a cairn repository (no .cairn/ in ${cwd} or any parent)`, {
    hint: 'run `cairn init` at the root of your git repository',
    data: { cwd },
  });
}

/**
 * The one hash-mismatch error (exit 5): `what` names the object and where it came from;
 * its bytes hash to `actual` instead of its id (or are shorter than `expectedSize`).
 */
export function hashMismatchError(
  what: string,
  id: string,
  digest: { id: string; size?: number },
  opts: { expectedSize?: number; consequence: string; hint: string; data?: Record<string, unknown> },
): CairnError {
  const truncated = opts.expectedSize !== undefined && digest.size !== undefined && digest.size < opts.expectedSize;
  const how = truncated ? `truncated (${digest.size} of ${opts.expectedSize} bytes)` : `corrupt: its content hashes to ${digest.id}`;
  return new CairnError('CAIRN_INTEGRITY', `${what} is ${how}; ${opts.consequence}`, {
    hint: opts.hint,
    data: { id, actual: digest.id, ...(digest.size !== undefined ? { size: digest.size } : {}), ...(opts.expectedSize !== undefined ? { expectedSize: opts.expectedSize } : {}), ...opts.data },
  });
}
