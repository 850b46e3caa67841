// A stage's current state (dep and out ids through the stat cache, tracked param values)
// and how it differs from its cairn.lock entry.
import { posix } from 'node:path';
import { hashTarget } from '../cache/build.js';
import type { Workspace } from '../cache/workspace.js';
import { CairnError } from '../core/errors.js';
import { flatten, sameValue, type FlatMap } from '../core/flatten.js';
import type { ExternalEntry, LockEntry, LockStage } from '../repo/lockfile.js';
import { lookup, ownFileReader, readParamsFile, type Stage } from './load.js';

/** A repo-relative path as the lock writes it: relative to the pipeline file's folder. */
export function lockPath(stage: Stage, repoRel: string): string {
  return stage.dir === '.' ? repoRel : posix.relative(stage.dir, repoRel) || '.';
}

export function lockCmd(stage: Stage): string | string[] {
  return stage.cmd.length === 1 ? stage.cmd[0]! : [...stage.cmd];
}

/** Reads params, vars and pipeline files from the workspace (no symlinks, size-capped: see pipeline/load.ts ownFileReader). */
export function workspaceReader(root: string): (repoRel: string) => string | undefined {
  return ownFileReader(root);
}

/** A params file, or one key of it, that a stage tracks and that is not there. */
export interface MissingParam { file: string /* repo-relative */; key?: string }

/**
 * Tracked param values: lock-relative file → dotted key → value, and what is missing (a
 * whole file, or a key of an existing file). Nothing throws here: status shows a missing
 * file as a `deleted` dep and a missing key as a `deleted` param, as DVC does; paramValues
 * (for repro) refuses them.
 */
export function paramState(stage: Stage, readFile: (repoRel: string) => string | undefined): { values: Record<string, Record<string, unknown>>; missing: MissingParam[] } {
  const values: Record<string, Record<string, unknown>> = {};
  const missing: MissingParam[] = [];
  for (const p of stage.params) {
    const data = readParamsFile(readFile, p.file);
    if (!data) {
      missing.push({ file: p.file });
      continue;
    }
    const vals: FlatMap = {};
    if (p.keys === null) Object.assign(vals, flatten(data));
    else {
      for (const k of p.keys) {
        const r = lookup(data, k);
        if (!r.found) missing.push({ file: p.file, key: k });
        // a group key (a mapping) is tracked leaf by leaf, so changes name the exact key
        else flatten(r.value, k, vals);
      }
    }
    values[lockPath(stage, p.file)] = vals;
  }
  return { values, missing };
}

/** The error for a missing params file or key (repro, commit: a stage cannot be recorded without them). */
export function missingParamError(stage: Stage, m: MissingParam): CairnError {
  if (m.key === undefined) {
    return new CairnError('CAIRN_BAD_PARAMS', `params file '${m.file}' of stage '${stage.name}' (${stage.file}) does not exist`, {
      hint: `create ${m.file} or fix the params of stage '${stage.name}'`,
      data: { stage: stage.name, file: m.file },
    });
  }
  return new CairnError('CAIRN_BAD_PARAMS', `param '${m.key}' of stage '${stage.name}' is not in '${m.file}'`, {
    hint: `add '${m.key}' to ${m.file} or remove it from the stage's params in ${stage.file}`,
    data: { stage: stage.name, file: m.file, key: m.key },
  });
}

/** Tracked param values: lock-relative file → dotted key → value. Throws when a file or key is missing. */
export function paramValues(stage: Stage, readFile: (repoRel: string) => string | undefined): Record<string, Record<string, unknown>> {
  const { values, missing } = paramState(stage, readFile);
  if (missing.length) throw missingParamError(stage, missing[0]!);
  return values;
}

/**
 * A callback stage (DVC's `is_callback`): a command with no deps (files, params, URLs) and
 * no outs. Nothing can tell whether it is up to date, so it is always changed and runs on
 * every repro.
 */
export function isCallback(stage: Stage): boolean {
  return stage.deps.length === 0 && stage.params.length === 0 && !(stage.external?.length) && stage.outs.length === 0;
}

export function entryOf(ws: Workspace, stage: Stage, repoRel: string, store = false): LockEntry | undefined {
  try {
    const th = hashTarget(ws, repoRel, { store });
    const e: LockEntry = { path: lockPath(stage, repoRel), hash: ws.algo, id: th.id, size: th.size };
    if (th.kind === 'dir') e.nfiles = th.nfiles ?? th.manifest?.length ?? 0;
    return e;
  } catch (e) {
    if ((e as CairnError).code === 'CAIRN_NOT_FOUND') return undefined;
    throw e;
  }
}

export type PathChange = { path: string; change: 'modified' | 'added' | 'deleted' | 'missing' };
export type ParamChange = { file: string; key: string; change: 'modified' | 'added' | 'deleted'; old?: unknown; new?: unknown };

export interface StageChanges {
  changed: boolean;
  /** no lock entry yet */
  new: boolean;
  cmd: boolean;
  /** always_changed: true, or a callback stage (no deps, no outs) */
  alwaysChanged: boolean;
  /** a callback stage: no deps and no outs, so it runs on every repro */
  callback: boolean;
  deps: PathChange[];
  params: ParamChange[];
  outs: PathChange[];
}

const same = sameValue;

/** What external deps look like now, by URL (probed before planning: src/remote/external.ts). */
export type ExternalStates = Map<string, ExternalEntry>;

export interface CurrentState {
  deps: (LockEntry | undefined)[];
  params: Record<string, Record<string, unknown>>;
  outs: (LockEntry | undefined)[];
  /** the stage's external deps, in its order (undefined: not probed or not reachable) */
  external?: (ExternalEntry | undefined)[];
  /** tracked params files or keys that are not there */
  missingParams?: MissingParam[];
}

export function compareStage(stage: Stage, lock: LockStage | undefined, cur: CurrentState): StageChanges {
  const callback = isCallback(stage);
  const ch: StageChanges = { changed: false, new: !lock, cmd: false, alwaysChanged: stage.alwaysChanged || callback, callback, deps: [], params: [], outs: [] };
  const paths = (list: (LockEntry | undefined)[], repoRels: string[], locked: LockEntry[] | undefined, into: PathChange[]) => {
    const byPath = new Map((locked ?? []).map((e) => [e.path, e]));
    repoRels.forEach((r, i) => {
      const lp = lockPath(stage, r);
      const c = list[i];
      const l = byPath.get(lp);
      byPath.delete(lp);
      if (!c) into.push({ path: r, change: 'missing' });
      else if (!l) into.push({ path: r, change: lock ? 'added' : 'added' });
      else if (l.id !== c.id) into.push({ path: r, change: 'modified' });
    });
    for (const l of byPath.values()) into.push({ path: stage.dir === '.' ? l.path : posix.join(stage.dir, l.path), change: 'deleted' });
  };
  paths(cur.deps, stage.deps, lock?.deps, ch.deps);
  paths(cur.outs, stage.outs.map((o) => o.path), lock?.outs, ch.outs);
  // external deps: compared by URL and fingerprint id
  const extLocked = new Map((lock?.external ?? []).map((e) => [e.path, e]));
  (stage.external ?? []).forEach((u, i) => {
    const c = cur.external?.[i];
    const l = extLocked.get(u);
    extLocked.delete(u);
    if (!c) ch.deps.push({ path: u, change: 'missing' });
    else if (!l) ch.deps.push({ path: u, change: 'added' });
    else if (l.id !== c.id) ch.deps.push({ path: u, change: 'modified' });
  });
  for (const l of extLocked.values()) ch.deps.push({ path: l.path, change: 'deleted' });
  // a params file that is gone is a deleted dep (DVC: `deleted: params.yaml`); a key gone from
  // an existing file a deleted param, whether or not the lock had it
  for (const m of cur.missingParams ?? []) {
    if (m.key === undefined) ch.deps.push({ path: m.file, change: 'deleted' });
  }
  if (lock) {
    ch.cmd = !same(lock.cmd, lockCmd(stage));
    const files = new Set([...Object.keys(lock.params), ...Object.keys(cur.params)]);
    const gone = new Set((cur.missingParams ?? []).filter((m) => m.key === undefined).map((m) => lockPath(stage, m.file)));
    for (const f of [...files].sort()) {
      if (gone.has(f)) continue; // reported once, as a deleted dep
      const a = lock.params[f] ?? {};
      const b = cur.params[f] ?? {};
      for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
        if (!(k in a)) ch.params.push({ file: f, key: k, change: 'added', new: b[k] });
        else if (!(k in b)) ch.params.push({ file: f, key: k, change: 'deleted', old: a[k] });
        else if (!same(a[k], b[k])) ch.params.push({ file: f, key: k, change: 'modified', old: a[k], new: b[k] });
      }
    }
  }
  for (const m of cur.missingParams ?? []) {
    if (m.key === undefined) continue;
    const f = lockPath(stage, m.file);
    const gone = (k: string) => k === m.key || k.startsWith(m.key + '.');
    if (!ch.params.some((q) => q.file === f && gone(q.key) && q.change === 'deleted')) ch.params.push({ file: f, key: m.key, change: 'deleted' });
  }
  ch.changed = ch.new || ch.cmd || ch.alwaysChanged || ch.deps.length > 0 || ch.params.length > 0 || ch.outs.length > 0;
  return ch;
}

/**
 * Current state and changes of a stage against its lock entry. A missing params file or key
 * throws (repro) unless `tolerant` (status), where it is reported as a deleted dep or param.
 */
export function stageState(ws: Workspace, stage: Stage, lock: LockStage | undefined, readFile: (r: string) => string | undefined, ext?: ExternalStates, allowMissing = false, tolerant = false) {
  const ps = paramState(stage, readFile);
  if (!tolerant && ps.missing.length) throw missingParamError(stage, ps.missing[0]!);
  const cur: CurrentState = {
    ...(ps.missing.length ? { missingParams: ps.missing } : {}),
    deps: stage.deps.map((d) => entryOf(ws, stage, d)),
    params: ps.values,
    outs: stage.outs.map((o) => entryOf(ws, stage, o.path)),
    ...(stage.external?.length ? { external: stage.external.map((u) => ext?.get(u)) } : {}),
  };
  const changes = compareStage(stage, lock, cur);
  return { cur, changes: allowMissing ? relaxMissing(stage, lock, changes) : changes };
}

/**
 * --allow-missing (as DVC's): a dep or out that is absent from the workspace but recorded in
 * the lock does not count as a change, so a stage that is otherwise unchanged is skipped.
 */
export function relaxMissing(stage: Stage, lock: LockStage | undefined, ch: StageChanges): StageChanges {
  if (!lock) return ch;
  const locked = new Set([...lock.deps, ...lock.outs].map((e) => (stage.dir === '.' ? e.path : posix.join(stage.dir, e.path))));
  const keep = (c: PathChange) => !(c.change === 'missing' && locked.has(c.path));
  const r = { ...ch, deps: ch.deps.filter(keep), outs: ch.outs.filter(keep) };
  r.changed = r.new || r.cmd || r.alwaysChanged || r.deps.length > 0 || r.params.length > 0 || r.outs.length > 0;
  return r;
}

/** One-line reasons for people ("cmd changed", "dep 'data/x' modified", "param train.lr modified"). */
export function describeChanges(ch: StageChanges): string[] {
  const r: string[] = [];
  if (ch.new) r.push('never run');
  if (ch.callback) r.push('always changed (no deps and no outs)');
  else if (ch.alwaysChanged) r.push('always_changed');
  if (ch.cmd) r.push('cmd changed');
  for (const d of ch.deps) r.push(`dep '${d.path}' ${d.change}`);
  for (const p of ch.params) r.push(`param '${p.key}' (${p.file}) ${p.change}`);
  if (!ch.new) for (const o of ch.outs) r.push(`out '${o.path}' ${o.change}`);
  return r;
}
