// Rendering helpers for the CLI edge: text for people, JSON for machines, errors with hints.
import { formatBytes } from '../render/bytes.js';
export { formatBytes };
import { now as clockNow } from '../core/clock.js';
import { CairnError, exitCodeFor, EXIT, type ExitCode } from '../core/errors.js';
import { maskSecrets, maskText } from '../core/secrets.js';
import { join, relative, sep } from 'node:path';
import { findRepoRoot } from '../repo/root.js';
import type { ByteMeter } from '../core/progress.js';

export interface GlobalFlags {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

/** Everything the CLI prints goes through here, and through the one masking function (core/secrets.ts). */
export const out = {
  line(s = ''): void {
    process.stdout.write(maskText(s) + '\n');
  },
  json(data: unknown): void {
    process.stdout.write(JSON.stringify(maskSecrets(data), null, 2) + '\n');
  },
  err(s: string): void {
    process.stderr.write(maskText(s) + '\n');
  },
};

/**
 * Colour on stderr: FORCE_COLOR (anything but 0/false) turns it on, as in Node; else NO_COLOR
 * (any non-empty value, no-color.org) or TERM=dumb turns it off; else only on a terminal.
 */
export function colorWanted(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}
const useColor = (): boolean => colorWanted(process.env, !!process.stderr.isTTY);
export function red(s: string): string {
  return useColor() ? `\x1b[31m${s}\x1b[0m` : s;
}
export function yellow(s: string): string {
  return useColor() ? `\x1b[33m${s}\x1b[0m` : s;
}

/** Print an error (as JSON on stdout with --json) and return its exit code. */
export function reportError(e: unknown, flags: GlobalFlags): ExitCode {
  const code = exitCodeFor(e);
  if (e instanceof CairnError) {
    if (flags.json) out.json({ error: e.toJSON() });
    out.err(`${red('error')}: ${e.message}`);
    if (e.hint) out.err(`hint: ${e.hint}`);
    if (flags.verbose && e.cause) out.err(String((e.cause as Error).stack ?? e.cause));
    return code;
  }
  const err = e as Error;
  if (flags.json) out.json({ error: { code: 'CAIRN_INTERNAL', message: err?.message ?? String(e) } });
  out.err(`${red('error')}: ${err?.message ?? String(e)}`);
  out.err(flags.verbose ? String(err?.stack) : 'hint: this looks like a bug in cairn; rerun with -v for the stack trace');
  return code || EXIT.FAILED;
}

/** Progress lines on stderr: only on a TTY, never with --json, -q, in CI or with CAIRN_NO_PROGRESS (DESIGN.md, Output). */
function progressWanted(flags: GlobalFlags): boolean {
  return !(flags.json || flags.quiet || !process.stderr.isTTY || process.env.CAIRN_NO_PROGRESS || process.env.CI);
}

/** set while a byte meter draws its line: the count line then keeps quiet */
let meterLine = false;

/** A progress reporter on stderr, only on a TTY, never with --json, -q or CAIRN_NO_PROGRESS. */
export function progress(flags: GlobalFlags): ((done: number, total: number, what: string) => void) | undefined {
  if (!progressWanted(flags)) return undefined;
  let last = 0;
  return (done, total, what) => {
    if (meterLine) return;
    const now = clockNow();
    if (now - last < 100 && done < total) return;
    last = now;
    const pct = total ? Math.floor((done / total) * 100) : 0;
    process.stderr.write(`\r${what}: ${done}/${total} (${pct}%)\x1b[K${done >= total ? '\n' : ''}`);
  };
}

/**
 * The `git add` hint for files a command wrote (repo-relative paths from the api), given
 * relative to the current folder so it can be pasted as is (from sub/: `git add .gitignore
 * b.txt.cairn`, not `sub/.gitignore`). Nothing when nothing was written.
 */
export function gitAddHint(files: readonly string[], lead = 'To track the changes with git, run:', cmd = 'git add'): string | undefined {
  if (!files.length) return undefined;
  const cwd = process.cwd();
  const root = findRepoRoot(cwd) ?? cwd;
  const shown = files.map((f) => {
    const r = relative(cwd, join(root, f)).split(sep).join('/');
    return /^[A-Za-z0-9_@%+=:,./-]+$/.test(r) ? r : `'${r.replace(/'/g, "'\\''")}'`;
  });
  return `\n${lead}\n\n\t${cmd} ${shown.join(' ')}`;
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * One progress line in bytes: `push: 120.5 MB / 500.0 MB (24%), 60.2 MB/s, ETA 7 s`. Without a
 * total (a size nobody recorded) it shows bytes and rate only; no rate before any time passed.
 */
export function formatByteProgress(what: string, done: number, total: number | undefined, seconds: number): string {
  const rate = seconds > 0 ? done / seconds : 0;
  const parts = [total !== undefined && total > 0 ? `${formatBytes(done)} / ${formatBytes(total)} (${Math.min(100, Math.floor((done / total) * 100))}%)` : formatBytes(done)];
  if (rate > 0) parts.push(`${formatBytes(rate)}/s`);
  if (rate > 0 && total !== undefined && total > done) parts.push(`ETA ${formatSeconds((total - done) / rate)}`);
  return `${what}: ${parts.join(', ')}`;
}

/**
 * A byte meter (core/progress.ts) drawing formatByteProgress on stderr, redrawn at most every
 * 200 ms; nothing for small work that ends within the first 500 ms. Undefined where progress
 * is not wanted (no TTY, CI, --json, -q, CAIRN_NO_PROGRESS).
 */
export function byteMeter(flags: GlobalFlags, clock: () => number = () => performance.now(), write: (s: string) => void = (s) => process.stderr.write(s)): ByteMeter | undefined {
  if (!progressWanted(flags)) return undefined;
  return renderByteMeter(clock, write);
}

/** From this many bytes a finished phase leaves its line (bytes and rate) even if it never drew. */
const SUMMARY_MIN = 16 * 1024 * 1024;

/** The meter itself, with the clock and the writer passed in (tests drive it). */
export function renderByteMeter(clock: () => number, write: (s: string) => void): ByteMeter {
  let what = '';
  let total: number | undefined;
  let done = 0;
  let t0 = 0;
  let lastDraw = 0;
  let drawn = false;
  const draw = (now: number) => {
    lastDraw = now;
    drawn = true;
    meterLine = true;
    write(`\r${formatByteProgress(what, done, total, (now - t0) / 1000)}\x1b[K`);
  };
  return {
    start(w, t) {
      what = w;
      total = t;
      done = 0;
      t0 = clock();
      lastDraw = t0;
      drawn = false;
    },
    add(n) {
      done += n;
      const now = clock();
      if (now - t0 >= 500 && now - lastDraw >= 200) draw(now);
    },
    end() {
      // a big transfer always leaves its summary line, however fast it went
      if (drawn || (total ?? done) >= SUMMARY_MIN) {
        draw(clock());
        write('\n');
      }
      drawn = false;
      meterLine = false;
    },
  };
}
