// One naming scheme for every temp file cairn writes: in the cache, in the workspace (beside
// the file being checked out), in .cairn/tmp, beside config and pointer files, and on folder
// remotes. A temp name is
//
//     .<label>.cairn-tmp-<pid>-<thread>-<n>
//
// hidden, with the owner's pid, and recognisable from its name alone, so that:
// - the workspace walk never sees one (status does not show it, add/commit never record it);
// - the next run of the same command, or `gc`, removes the ones whose owner no longer runs
//   (a kill -9 or a power cut leaves them behind; nothing else can).
// A cache object id never starts with '.', so a temp name can never be taken for an object.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { now } from '../core/clock.js';
import { pidAlive } from './lock.js';

export const TEMP_TAG = '.cairn-tmp-';

/**
 * The tag, the owner pid, then thread and counter, anchored at the end of the name. This also
 * covers the workspace temps of earlier versions (`<file>.cairn-tmp-<pid>-<n>`).
 */
const TEMP_RE = /\.cairn-tmp-(\d+)-[0-9a-z-]+$/;

/** Earlier versions' unprotect temp, beside a workspace file: as specific as the tag. */
const UNPROTECT_RE = /\.cairn-unprotect-(\d+)$/;

/**
 * Names earlier versions gave their temps inside cairn's own folders (.cairn/, the cache, a
 * folder remote), and the repo lock's rename-aside, with the owner pid in group 1. Only
 * recognised in those folders (`own: true`): in the workspace, `run.2024.log` is data.
 */
const OWN_DIR_TEMPS = [
  /^\.tmp-(\d+)-[0-9a-z-]+$/, // cache prefix folders and folder remotes
  /^(?:obj|fetch|status|run)\.(\d+)\.[0-9a-z.]+$/, // .cairn/tmp
  /^\..+\.(\d+)\.[0-9a-z]+\.[0-9a-z]+\.tmp$/, // atomic writes of config and state files
  /^lock\.stale\.(\d+)$/, // io/lock.ts moving a dead holder's lock aside
];

let counter = 0;

/** A fresh temp name for this process and thread: `.<label>.cairn-tmp-<pid>-<thread>-<n>`. */
export function tempName(label: string): string {
  const l = label.startsWith('.') ? label.slice(1) : label;
  return `.${l}${TEMP_TAG}${process.pid}-${threadId}-${now().toString(36)}${(counter++).toString(36)}`;
}

/** A temp path in `dir`, labelled for what it will become (`obj`, `fetch`, ...). */
export function tempIn(dir: string, label: string): string {
  return join(dir, tempName(label));
}

/** A temp path beside `path`, in the same folder (so the final rename stays in one folder). */
export function tempBeside(path: string): string {
  return join(dirname(path), tempName(basename(path)));
}

/**
 * The pid that owns a temp name, or undefined when the name is not one of cairn's temps.
 * `own`: the file lies in one of cairn's own folders, where earlier versions' names count too.
 */
export function tempOwner(name: string, own = false): number | undefined {
  let m = TEMP_RE.exec(name) ?? UNPROTECT_RE.exec(name);
  if (!m && own) for (const re of OWN_DIR_TEMPS) m ??= re.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Whether a file name is one of cairn's temp names (see tempOwner for `own`). */
export function isTempName(name: string, own = false): boolean {
  return tempOwner(name, own) !== undefined;
}

/**
 * Whether a temp file is left over. Locally: its owner pid no longer runs. On a shared folder
 * (a remote other machines write to) a pid says nothing, so there only `minAgeMs` counts.
 */
export function isStaleTemp(path: string, opts: { minAgeMs?: number; own?: boolean } = {}): boolean {
  const owner = tempOwner(basename(path), opts.own);
  if (owner === undefined) return false;
  if (opts.minAgeMs !== undefined) {
    const st = statSync(path, { throwIfNoEntry: false });
    return !!st && now() - st.mtimeMs >= opts.minAgeMs;
  }
  return owner !== process.pid && !pidAlive(owner);
}

/**
 * Remove the stale temp files directly in `dir` (not below it); returns their paths. A folder
 * that cannot be read has none to remove. With `dry`, only lists them.
 */
export function sweepStaleTemps(dir: string, opts: { minAgeMs?: number; dry?: boolean; own?: boolean } = {}): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const n of names) {
    if (!isTempName(n, opts.own)) continue;
    const p = join(dir, n);
    if (!isStaleTemp(p, opts)) continue;
    if (!opts.dry) rmSync(p, { force: true, recursive: true });
    out.push(p);
  }
  return out;
}

/**
 * Remove the stale temp files anywhere under `root` (symlinks are not followed; folders named
 * in `skip` are not entered). Returns their paths. With `dry`, only lists them. `own`: root
 * is one of cairn's own folders (see tempOwner).
 */
export function sweepStaleTempsUnder(root: string, opts: { skip?: readonly string[]; dry?: boolean; minAgeMs?: number; own?: boolean } = {}): string[] {
  const out: string[] = [];
  const skip = new Set(opts.skip ?? []);
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (isTempName(e.name, opts.own)) {
        if (!isStaleTemp(p, { minAgeMs: opts.minAgeMs, own: opts.own })) continue;
        if (!opts.dry) rmSync(p, { force: true, recursive: true });
        out.push(p);
      } else if (e.isDirectory() && !skip.has(e.name)) walk(p);
    }
  };
  walk(root);
  return out;
}
