// The git command line, for what isomorphic-git does slowly or not at all: the dirty check of
// a work tree, annotated tags with a message read in bulk (for-each-ref), pushing and fetching
// tags with the user's own credentials and transports.
import { execFile, execFileSync } from 'node:child_process';
import { CairnError } from '../core/errors.js';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

function fail(args: string[], cwd: string, e: unknown): CairnError {
  const err = e as NodeJS.ErrnoException & { stderr?: Buffer | string; status?: number };
  if (err.code === 'ENOENT') {
    return new CairnError('CAIRN_FAILED', 'git is not installed (the model registry and run records use the git command line)', {
      hint: 'install git and make sure it is on PATH',
    });
  }
  const stderr = String(err.stderr ?? '').trim();
  return new CairnError('CAIRN_FAILED', `git ${args.join(' ')} failed in ${cwd}: ${stderr || err.message}`, { data: { args, stderr }, cause: e });
}

/** Run git synchronously; throws a CairnError naming the command on a non-zero exit. */
export function gitSync(cwd: string, args: string[], input?: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    throw fail(args, cwd, e);
  }
}

/** Run git, resolving with its exit code and output (never rejecting on a non-zero exit). */
export function gitAsync(cwd: string, args: string[]): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 }, (e, stdout, stderr) => {
      if (e && (e as NodeJS.ErrnoException).code === 'ENOENT') return reject(fail(args, cwd, e));
      resolve({ code: e ? Number((e as { code?: unknown }).code) || 1 : 0, stdout, stderr });
    });
  });
}

/** HEAD's commit sha, or null (no git, no commit yet). */
export function headCommit(cwd: string): string | null {
  try {
    const s = execFileSync('git', ['rev-parse', '--verify', '-q', 'HEAD^{commit}'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return /^[0-9a-f]{40}$/.test(s) ? s : null;
  } catch {
    return null;
  }
}

/** Whether tracked files differ from HEAD (untracked files do not count); null outside git. */
export function isDirty(cwd: string): boolean | null {
  try {
    const s = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 30 });
    return s.trim().length > 0;
  } catch {
    return null;
  }
}

/** The current branch name, or null on a detached HEAD. */
export function currentBranch(cwd: string): string | null {
  try {
    const s = execFileSync('git', ['symbolic-ref', '-q', '--short', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return s || null;
  } catch {
    return null;
  }
}
