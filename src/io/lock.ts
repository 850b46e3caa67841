// The repo lock: one cairn process at a time changes a repo. The lock is a file created
// with O_EXCL holding the holder's pid; a second process waits (bounded) and then fails
// naming the holder. A lock whose pid no longer runs (kill -9) is taken over.
import { now } from '../core/clock.js';
import { openSync, readFileSync, rmSync, writeSync, closeSync, mkdirSync, renameSync, linkSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { CairnError, ioError } from '../core/errors.js';

export interface LockHandle {
  path: string;
  release(): void;
}

export interface LockOptions {
  /** how long to wait for another holder, ms (default 30000; CAIRN_LOCK_TIMEOUT in seconds overrides) */
  timeoutMs?: number;
  /** what this process is doing, recorded for the other side's message */
  purpose?: string;
}

/** Whether a process with this pid runs (EPERM: it runs, as another user). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Holder {
  pid: number;
  purpose: string;
  /** nothing written yet (the holder is between create and write, or died there) */
  empty: boolean;
  /** content that no cairn wrote (not a pid line), or not a readable file: nobody holds it */
  corrupt: boolean;
}

function readHolder(path: string): Holder | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    return { pid: NaN, purpose: '', empty: false, corrupt: true }; // a folder, unreadable...
  }
  const [first, ...rest] = text.split('\n');
  // one writeSync puts `${pid}\n...` there at once: anything else is not a live holder's
  const ok = /^[1-9][0-9]*$/.test(first ?? '');
  return { pid: ok ? Number(first) : NaN, purpose: rest.join(' ').trim(), empty: text === '', corrupt: !ok && text !== '' };
}

/** Locks this process holds, by path, with a nesting depth: an api call made while another
 * holds the lock (pull → checkout, repro → commit) re-enters instead of waiting on itself. */
const held = new Map<string, number>();

export async function acquireLock(path: string, opts: LockOptions = {}): Promise<LockHandle> {
  const depth = held.get(path);
  if (depth !== undefined && readHolder(path)?.pid === process.pid) {
    held.set(path, depth + 1);
    let released = false;
    return {
      path,
      release() {
        if (released) return;
        released = true;
        held.set(path, (held.get(path) ?? 1) - 1);
      },
    };
  }
  // A stage's command run by `cairn repro` (which holds the lock and waits for the stage)
  // may itself be a cairn command (validate, gate, add): it borrows the parent's lock.
  const parent = Number(process.env.CAIRN_REPRO_PID);
  if (parent > 0) {
    const h = readHolder(path);
    if (h?.pid === parent && pidAlive(parent)) return { path, release() {} };
  }
  const envT = Number(process.env.CAIRN_LOCK_TIMEOUT);
  const timeoutMs = opts.timeoutMs ?? (Number.isFinite(envT) && process.env.CAIRN_LOCK_TIMEOUT ? envT * 1000 : 30000);
  const deadline = now() + timeoutMs;
  mkdirSync(dirname(path), { recursive: true });
  let delay = 20;
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, `${process.pid}\n${opts.purpose ?? ''}\n`);
      closeSync(fd);
      held.set(path, 0);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if ((held.get(path) ?? 0) > 0) {
          // an inner holder is still running (should not happen with awaited calls): keep it
          held.set(path, (held.get(path) ?? 1) - 1);
          return;
        }
        held.delete(path);
        const h = readHolder(path);
        if (h?.pid === process.pid) rmSync(path, { force: true });
      };
      return { path, release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(e, 'cannot create lock', path);
    }
    const holder = readHolder(path);
    // an empty lock is one being written right now (created, pid not yet written): not
    // stale unless it stays empty for seconds (its writer died in between)
    // (an mtime in the future is not trusted: such a lock is stale too). A corrupt lock
    // (garbage, not a pid) is taken over like a dead holder's.
    const age = now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    const unwritten = holder !== undefined && holder.empty && age > -5000 && age < 5000;
    if (holder && !unwritten && (holder.corrupt || !pidAlive(holder.pid))) {
      // stale: the holder died without releasing (kill -9). Move it aside atomically (two
      // waiters may both see it stale; only one rename wins) and check what was moved.
      const aside = `${path}.stale.${process.pid}`;
      try {
        renameSync(path, aside);
        const moved = readHolder(aside);
        const same = moved !== undefined && (moved.pid === holder.pid || (!(moved.pid > 0) && !(holder.pid > 0)));
        if (!same) {
          // not the dead holder's lock but a fresh one (maybe not yet written): put it back
          try {
            linkSync(aside, path);
          } catch {
            /* the name is taken again; the live holder will find its lock gone on release */
          }
        }
        rmSync(aside, { force: true, recursive: true });
      } catch {
        /* someone else moved it first */
      }
      continue;
    }
    if (now() >= deadline) {
      throw new CairnError(
        'CAIRN_LOCKED',
        `the repo is locked by another cairn process (${holder && holder.pid > 0 ? `pid ${holder.pid}` : 'its pid is not written yet'}${holder?.purpose ? `, ${holder.purpose}` : ''})`,
        {
          hint: `wait for it to finish, or if no such process runs, delete ${path}; set CAIRN_LOCK_TIMEOUT (seconds) to wait longer`,
          data: { pid: holder?.pid, lock: path },
        },
      );
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 250);
  }
}
