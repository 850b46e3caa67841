// The repro executor: walks a plan, runs (or restores from the run-cache) each stage once its
// upstream has finished, up to `jobs` at a time, and writes each stage's lock entry as soon
// as it succeeds. Lock files are read-modified-written synchronously (no await between), so
// concurrent stages in this process never interleave their updates: the event loop is the mutex.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { applyCheckout, recordSnapshots, verifyPlanObjects } from '../cache/materialize.js';
import { planCheckout } from '../cache/checkout-plan.js';
import type { Workspace } from '../cache/workspace.js';
import { findRunEntry, runKey, writeRunEntry, type RunEntry } from '../cache/run-cache.js';
import { readLock, sameLockStage, writeLock, LOCK_FILE, type ExternalEntry, type LockEntry, type LockFile, type LockStage } from '../repo/lockfile.js';
import type { Graph } from './graph.js';
import type { PlanStep } from './plan.js';
import { describeChanges, lockCmd, lockPath, stageState, type ExternalStates } from './stage-state.js';
import { recordRun, type RunLogOptions, type RunStart } from './run-record.js';
import { summariseVerdictReport } from './verdict-report.js';
import { ignoreOuts as ignoreStageOuts, recordOuts, runCacheable } from './record.js';

export type StageStatus = 'ran' | 'restored' | 'skipped' | 'frozen' | 'failed' | 'blocked' | 'not-run' | 'interrupted';

export interface StageResult {
  id: string;
  name: string;
  file: string;
  status: StageStatus;
  reasons: string[];
  exitCode?: number;
  error?: string;
}

export type RunnerFn = (cmd: string, o: { cwd: string; env: NodeJS.ProcessEnv; onOutput: (chunk: string, stream: 'stdout' | 'stderr') => void; signal: AbortSignal }) => Promise<number>;

export type ExecEvent =
  | { type: 'start'; id: string; cmd: string[]; reasons: string[] }
  | { type: 'cmd'; id: string; cmd: string }
  | { type: 'skip' | 'frozen' | 'restored' | 'done' | 'blocked'; id: string }
  | { type: 'failed'; id: string; exitCode?: number; error: string }
  /** repro recorded edited pointer-tracked data a stage depends on (pipeline/sources.ts) */
  | { type: 'source'; path: string; pointerFile: string };

export interface ExecOptions {
  ws: Workspace;
  graph: Graph;
  steps: PlanStep[];
  cacheDir: string;
  readFile: (repoRel: string) => string | undefined;
  jobs?: number;
  keepGoing?: boolean;
  runCache?: boolean;
  runner?: RunnerFn;
  onEvent?: (e: ExecEvent) => void;
  /** stage output; prefixed per line with `[stage] ` when more than one job runs */
  onOutput?: (id: string, text: string, stream: 'stdout' | 'stderr') => void;
  signal?: AbortSignal;
  /** append a run record to .cairn/runs/ for every stage that executes */
  runLog?: RunLogOptions;
  /** external deps as probed before planning, by URL */
  external?: ExternalStates;
  /** --allow-missing: deps/outs absent from the workspace but in the lock are not changes */
  allowMissing?: boolean;
  /**
   * Stages to bring up to date only by restoring (run-cache entry, else their lock entry),
   * never by running: the upstream of a --single-item --pull target, run by another worker.
   */
  restoreOnly?: Set<string>;
  /** fetch objects the cache lacks (repro --pull: from the default remote) */
  fetchObjects?: (items: { path: string; id: string }[]) => Promise<void>;
}

/** Run a command through /bin/sh in its own process group so an interrupt reaches its children. */
export const shellRunner: RunnerFn = (cmd, o) =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, { shell: true, cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        /* already gone */
      }
      setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 2000).unref();
    };
    o.signal.addEventListener('abort', kill, { once: true });
    child.stdout!.setEncoding('utf8').on('data', (c: string) => o.onOutput(c, 'stdout'));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => o.onOutput(c, 'stderr'));
    child.on('error', (e) => reject(e));
    child.on('close', (code, sig) => {
      o.signal.removeEventListener('abort', kill);
      resolve(code ?? (sig ? 128 + (sig === 'SIGKILL' ? 9 : sig === 'SIGINT' ? 2 : 15) : 1));
    });
  });

function lineSplitter(emit: (line: string) => void) {
  let buf = '';
  return {
    push(chunk: string) {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        emit(buf.slice(0, i + 1));
        buf = buf.slice(i + 1);
      }
    },
    flush() {
      if (buf) emit(buf + '\n');
      buf = '';
    },
  };
}

export async function executePlan(o: ExecOptions): Promise<{ results: StageResult[]; interrupted: boolean; written: string[] }> {
  /** repo-relative files written for git (lock files, .gitignore files), for the `git add` hint */
  const written = new Set<string>();
  const { ws, graph } = o;
  const jobs = Math.max(1, o.jobs ?? 1);
  const runner = o.runner ?? shellRunner;
  const ctl = new AbortController();
  const onAbort = () => ctl.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const locks = new Map<string, LockFile>();
  const lockOf = (file: string): LockFile => {
    let l = locks.get(file);
    if (!l) {
      l = readLock(join(ws.root, dirname(file), LOCK_FILE), ws.root) ?? { stages: {} };
      locks.set(file, l);
    }
    return l;
  };
  const results = new Map<string, StageResult>();
  const stepById = new Map(o.steps.map((s) => [s.id, s]));
  const starts = new Map<string, RunStart>();
  let stopped = false;

  const result = (id: string, status: StageStatus, extra: Partial<StageResult> = {}): StageResult => {
    const st = graph.byId.get(id)!.stage;
    const r: StageResult = { id, name: st.name, file: st.file, status, reasons: stepById.get(id)?.reasons ?? [], ...extra };
    results.set(id, r);
    return r;
  };

  /**
   * Put a run's outs in place. As before running, each out is removed first (DVC removes a
   * stage's outs before it restores or runs them): a checkout into an out folder keeps files
   * it does not know, so a file added there by hand would leave the stage changed forever.
   * The objects are verified before anything is removed.
   */
  const restoreOuts = (entry: RunEntry, stageDir: string): boolean => {
    for (const out of entry.outs) if (!ws.cache.has(out.id)) return false;
    try {
      const plans = entry.outs.map((out) => {
        const rel = stageDir === '.' ? out.path : posix.join(stageDir, out.path);
        ws.guard.checkTarget(rel, { action: 'restore' });
        const plan = planCheckout(ws, { path: rel, id: out.id, size: out.size });
        recordSnapshots(ws, plan);
        verifyPlanObjects(ws, plan);
        return { rel, out };
      });
      for (const { rel, out } of plans) {
        rmSync(join(ws.root, rel), { recursive: true, force: true });
        const final = planCheckout(ws, { path: rel, id: out.id, size: out.size });
        recordSnapshots(ws, final);
        applyCheckout(ws, final);
      }
    } catch {
      return false;
    }
    return true;
  };

  const runStage = async (step: PlanStep): Promise<void> => {
    const node = graph.byId.get(step.id)!;
    const st = node.stage;
    if (step.action === 'frozen') {
      result(step.id, 'frozen');
      o.onEvent?.({ type: 'frozen', id: step.id });
      return;
    }
    if (step.action === 'skip') {
      // planned with nothing changed and no upstream running: no need to hash again
      result(step.id, 'skipped', { reasons: [] });
      o.onEvent?.({ type: 'skip', id: step.id });
      return;
    }
    const lockFile = lockOf(st.file);
    const prev = lockFile.stages[st.name];
    const { cur, changes } = stageState(ws, st, prev, o.readFile, o.external, o.allowMissing);
    if (!step.forced && !changes.changed) {
      result(step.id, 'skipped', { reasons: [] });
      o.onEvent?.({ type: 'skip', id: step.id });
      return;
    }
    const reasons = step.forced ? ['forced'] : describeChanges(changes);
    const missing = [...st.deps.filter((_, i) => !cur.deps[i]), ...(st.external ?? []).filter((_, i) => !cur.external?.[i])];
    if (missing.length) {
      const msg = `dep '${missing[0]}' of stage '${step.id}' does not exist`;
      result(step.id, 'failed', { reasons, error: msg });
      o.onEvent?.({ type: 'failed', id: step.id, error: msg });
      return;
    }
    const deps = cur.deps as LockEntry[];
    const cmd = lockCmd(st);
    const outPaths = st.outs.map((out) => lockPath(st, out.path));
    const external = (cur.external ?? []) as ExternalEntry[];
    const withExternal = (e: LockStage): LockStage => (external.length ? { ...e, external } : e);
    // external deps enter the key by URL and fingerprint: new upstream data, a new key
    const key = runKey({ cmd, deps: [...deps, ...external], params: cur.params, outPaths });
    const cacheable = runCacheable(st, o.runCache !== false);
    const fetchMissing = async (outs: { path: string; id: string }[]) => {
      const lacking = outs.filter((x) => !ws.cache.has(x.id));
      if (lacking.length && o.fetchObjects) {
        await o.fetchObjects(lacking.map((x) => ({ path: st.dir === '.' ? x.path : posix.join(st.dir, x.path), id: x.id })));
      }
    };
    if (cacheable && !step.forced) {
      const entry = findRunEntry(o.cacheDir, key);
      if (entry && entry.outs.length === outPaths.length) {
        await fetchMissing(entry.outs);
        if (restoreOuts(entry, st.dir)) {
          commit(st.file, st.name, withExternal({ cmd, deps, params: cur.params, outs: entry.outs }));
          ignoreOuts(step.id);
          result(step.id, 'restored', { reasons });
          o.onEvent?.({ type: 'restored', id: step.id });
          return;
        }
      }
    }
    if (o.restoreOnly?.has(step.id)) {
      // the lock's own outs stand in when it recorded exactly these inputs
      const same = prev && runKey({ cmd: prev.cmd, deps: [...prev.deps, ...(prev.external ?? [])], params: prev.params, outPaths: prev.outs.map((x) => x.path) }) === key;
      if (same && prev.outs.length === outPaths.length) {
        await fetchMissing(prev.outs);
        if (restoreOuts({ cmd, deps, params: cur.params, outs: prev.outs }, st.dir)) {
          ignoreOuts(step.id);
          result(step.id, 'restored', { reasons });
          o.onEvent?.({ type: 'restored', id: step.id });
          return;
        }
      }
      const msg = `stage '${step.id}' is upstream of the targets and no worker has run it with these inputs (not in the run-cache of the remote)`;
      result(step.id, 'failed', { reasons, error: msg });
      o.onEvent?.({ type: 'failed', id: step.id, error: msg });
      return;
    }
    // nothing is deleted unless every out passes the containment check (an out under a
    // symlink to elsewhere, a symlinked folder): a refusal fails the stage, nothing touched
    for (const out of st.outs) ws.guard.checkTarget(out.path, { source: st.file, action: 'delete the out' });
    o.onEvent?.({ type: 'start', id: step.id, cmd: st.cmd, reasons });
    starts.set(step.id, { at: new Date(), deps, params: cur.params });
    for (const out of st.outs) {
      const p = join(ws.root, out.path);
      if (!out.persist) rmSync(p, { recursive: true, force: true });
      mkdirSync(dirname(p), { recursive: true });
    }
    // CAIRN_REPRO_PID names the process holding the repo lock for cairn commands run by stages
    const env = { ...process.env, CAIRN_ROOT: ws.root, CAIRN_STAGE: st.name, CAIRN_REPRO_PID: String(process.pid) };
    const prefixed = jobs > 1;
    for (const c of st.cmd) {
      if (ctl.signal.aborted) break;
      o.onEvent?.({ type: 'cmd', id: step.id, cmd: c });
      const splitters = {
        stdout: lineSplitter((l) => o.onOutput?.(step.id, `[${step.id}] ${l}`, 'stdout')),
        stderr: lineSplitter((l) => o.onOutput?.(step.id, `[${step.id}] ${l}`, 'stderr')),
      };
      let code: number;
      try {
        code = await runner(c, {
          cwd: join(ws.root, st.wdir),
          env,
          signal: ctl.signal,
          onOutput: (chunk, stream) => (prefixed ? splitters[stream].push(chunk) : o.onOutput?.(step.id, chunk, stream)),
        });
      } catch (e) {
        code = 127;
        o.onOutput?.(step.id, `${(e as Error).message}\n`, 'stderr');
      }
      splitters.stdout.flush();
      splitters.stderr.flush();
      if (ctl.signal.aborted) {
        result(step.id, 'interrupted', { reasons });
        return;
      }
      if (code !== 0) {
        const why = st.outs.map((x) => summariseVerdictReport(ws.root, x.path)).filter(Boolean);
        const msg = `stage '${step.id}' failed: command \`${c}\` exited with code ${code}${why.length ? ` (${why.join('; ')})` : ''}`;
        result(step.id, 'failed', { reasons, exitCode: code, error: msg });
        o.onEvent?.({ type: 'failed', id: step.id, exitCode: code, error: msg });
        return;
      }
    }
    if (ctl.signal.aborted) {
      result(step.id, 'interrupted', { reasons });
      return;
    }
    // outs to the cache; a claimed out that was not produced fails the stage
    const rec = recordOuts(ws, st);
    if ('missing' in rec) {
      const msg = `stage '${step.id}' did not produce its out '${rec.missing}'`;
      result(step.id, 'failed', { reasons, exitCode: 0, error: msg });
      o.onEvent?.({ type: 'failed', id: step.id, exitCode: 0, error: msg });
      return;
    }
    const outs = rec.outs;
    commit(st.file, st.name, withExternal({ cmd, deps, params: cur.params, outs }));
    ignoreOuts(step.id);
    if (cacheable) writeRunEntry(o.cacheDir, key, { cmd, deps, params: cur.params, outs });
    result(step.id, 'ran', { reasons });
    o.onEvent?.({ type: 'done', id: step.id });
  };

  /** Update one stage's lock entry and write the file atomically (synchronous: no interleaving). */
  function commit(file: string, name: string, entry: LockStage): void {
    const lf = lockOf(file);
    const same = sameLockStage(lf.stages[name], entry);
    lf.stages[name] = entry;
    const dir = dirname(file);
    const rel = dir === '.' ? LOCK_FILE : `${dir}/${LOCK_FILE}`;
    // an entry that records the same state (a callback stage, a restore) leaves the file alone;
    // only this entry is compared, not the whole file serialised twice per stage
    if (same && existsSync(join(ws.root, dir, LOCK_FILE))) return;
    ws.guard.check(rel, { action: 'write' });
    writeLock(join(ws.root, dir, LOCK_FILE), lf);
    written.add(rel);
  }

  function ignoreOuts(id: string): void {
    for (const rel of ignoreStageOuts(ws, graph.byId.get(id)!.stage)) written.add(rel);
  }

  // scheduler
  const pending = [...o.steps];
  const running = new Map<string, Promise<void>>();
  const finished = (id: string) => results.has(id) && !running.has(id);
  const okUp = (s: PlanStep) => s.after.every((u) => ['ran', 'restored', 'skipped', 'frozen'].includes(results.get(u)!.status));
  try {
    while (pending.length || running.size) {
      let started = false;
      for (let i = 0; i < pending.length && running.size < jobs && !stopped && !ctl.signal.aborted; ) {
        const s = pending[i]!;
        if (!s.after.every(finished)) {
          i++;
          continue;
        }
        pending.splice(i, 1);
        if (!okUp(s)) {
          result(s.id, 'blocked', { reasons: [`upstream ${s.after.filter((u) => !['ran', 'restored', 'skipped', 'frozen'].includes(results.get(u)!.status)).map((u) => `'${u}'`).join(', ')} did not succeed`] });
          o.onEvent?.({ type: 'blocked', id: s.id });
          started = true;
          continue;
        }
        const p = runStage(s)
          .catch((e: unknown) => {
            const msg = (e as Error).message;
            result(s.id, 'failed', { error: msg });
            o.onEvent?.({ type: 'failed', id: s.id, error: msg });
          })
          .finally(() => {
            running.delete(s.id);
            const r = results.get(s.id);
            const t = starts.get(s.id);
            if (o.runLog && t && r) recordRun(o.runLog, ws, graph.byId.get(s.id)!.stage, t, r, lockOf(graph.byId.get(s.id)!.stage.file).stages[r.name]);
            if (r?.status === 'failed' && !o.keepGoing) stopped = true;
          });
        running.set(s.id, p);
        started = true;
      }
      if (running.size) await Promise.race(running.values());
      else if (!started) break;
    }
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
  for (const s of pending) if (!results.has(s.id)) result(s.id, ctl.signal.aborted ? 'interrupted' : 'not-run', { reasons: s.reasons });
  return { results: o.steps.map((s) => results.get(s.id)!), interrupted: ctl.signal.aborted, written: [...written].sort() };
}
