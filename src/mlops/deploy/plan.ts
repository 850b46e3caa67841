// The rollout as a pure state machine. `nextAction(state, now)` says what to do next (load the
// canary, set a weight, wait, analyse a window, promote, roll back); `afterX(state, ..., now)`
// returns the state after it was done. No clock, no I/O: the executor (execute.ts) applies the
// actions through a target and persists every state this file returns.
//
// One step: set the weight (phase `set_weight`), then observe (phase `observe`) until the
// interval has passed AND the canary answered min_requests requests; too little traffic by
// interval + traffic_timeout is inconclusive: the rollout pauses (never a pass). A passed
// analysis moves to the next step (or to `promote` after the last); a failed one counts, and
// failure_limit consecutive failures roll back (phase `rollback`: weight 0, production
// unchanged). The state after a crash is the last one written, so `resume` continues from it.
import type { Analysis } from './analysis.js';
import type { DeployConfig, TargetKind } from './config.js';

export type RolloutState = 'running' | 'paused' | 'rolled_back' | 'succeeded' | 'aborted';
export type Phase = 'load' | 'set_weight' | 'observe' | 'promote' | 'rollback' | 'done';

export interface AnalysisRecord extends Analysis {
  step: number;
  weight: number;
  at: string;
}

export interface DeployState {
  schema: 1;
  target: TargetKind;
  /** the rollout's id: a new one per `cairn deploy`, kept by resume */
  id: string;
  name: string;
  /** the canary version */
  version: string;
  /** the stable version when the rollout started */
  stable: string | null;
  state: RolloutState;
  phase: Phase;
  /** 1-based step number (0 before the first weight is set) */
  step: number;
  /** the canary weight last set (percent) */
  weight: number;
  /** when the current window started (ISO), null outside `observe` */
  window_start: string | null;
  /** consecutive failed analyses */
  failures: number;
  reason: string | null;
  config: Omit<DeployConfig, 'hooks' | 'url' | 'target'>;
  analyses: AnalysisRecord[];
  production: { tag: string | null; previous: string | null } | null;
  started: string;
  updated: string;
  /** the process driving it (a dead pid after kill -9: `deploy resume` takes over) */
  pid: number | null;
}

export type Action =
  | { kind: 'load' }
  | { kind: 'set_weight'; weight: number }
  | { kind: 'wait'; until: number }
  | { kind: 'analyse'; since: string; until: string }
  | { kind: 'promote' }
  | { kind: 'rollback'; reason: string }
  | { kind: 'stop' };

/** How often an observe phase short of traffic looks again (a fraction of the interval, ≤ 1 s). */
export function pollMs(s: DeployState): number {
  return Math.max(50, Math.min(1000, s.config.interval_ms / 4));
}

const iso = (ms: number) => new Date(ms).toISOString();
const MAX_KEPT_ANALYSES = 50;

export function initialState(o: { id: string; target: TargetKind; name: string; version: string; stable: string | null; config: DeployConfig; now: number; pid: number | null }): DeployState {
  const { hooks: _h, url: _u, target: _t, ...config } = o.config;
  return {
    schema: 1,
    target: o.target,
    id: o.id,
    name: o.name,
    version: o.version,
    stable: o.stable,
    state: 'running',
    phase: 'load',
    step: 0,
    weight: 0,
    window_start: null,
    failures: 0,
    reason: null,
    config,
    analyses: [],
    production: null,
    started: iso(o.now),
    updated: iso(o.now),
    pid: o.pid,
  };
}

/** What to do next in this state at time `now` (ms). */
export function nextAction(s: DeployState, now: number): Action {
  if (s.state !== 'running') return { kind: 'stop' };
  switch (s.phase) {
    case 'load':
      return { kind: 'load' };
    case 'set_weight':
      return { kind: 'set_weight', weight: s.config.steps[Math.max(0, s.step - 1)]! };
    case 'observe': {
      const start = Date.parse(s.window_start!);
      const due = start + s.config.interval_ms;
      if (now < due) return { kind: 'wait', until: due };
      return { kind: 'analyse', since: s.window_start!, until: iso(now) };
    }
    case 'promote':
      return { kind: 'promote' };
    case 'rollback':
      return { kind: 'rollback', reason: s.reason ?? 'rolled back' };
    case 'done':
      return { kind: 'stop' };
  }
}

const touch = (s: DeployState, now: number, patch: Partial<DeployState>): DeployState => ({ ...s, ...patch, updated: iso(now) });

export function afterLoad(s: DeployState, now: number): DeployState {
  return touch(s, now, { phase: 'set_weight', step: Math.max(1, s.step) });
}

export function afterSetWeight(s: DeployState, weight: number, now: number): DeployState {
  return touch(s, now, { phase: 'observe', weight, window_start: iso(now) });
}

/**
 * The state after an analysis of the current window. An inconclusive one (too little canary
 * traffic) waits for more until interval + traffic_timeout, then pauses the rollout; `wait` is
 * returned with the time to look again when it keeps waiting.
 */
export function afterAnalysis(s: DeployState, a: Analysis, now: number): { state: DeployState; waitUntil?: number } {
  const start = Date.parse(s.window_start!);
  if (a.verdict === 'inconclusive') {
    const deadline = start + s.config.interval_ms + s.config.traffic_timeout_ms;
    if (now < deadline) return { state: s, waitUntil: Math.min(deadline, now + pollMs(s)) };
    return { state: touch(s, now, { state: 'paused', reason: `inconclusive at step ${s.step} (${s.weight}%): ${a.reason}`, analyses: keep(s, a, now) }) };
  }
  const analyses = keep(s, a, now);
  if (a.verdict === 'pass') {
    const last = s.step >= s.config.steps.length;
    return { state: touch(s, now, { failures: 0, analyses, reason: null, ...(last ? { phase: 'promote', window_start: null } : { phase: 'set_weight', step: s.step + 1, window_start: null }) }) };
  }
  const failures = s.failures + 1;
  if (failures >= s.config.failure_limit) {
    return { state: touch(s, now, { failures, analyses, phase: 'rollback', window_start: null, reason: `analysis failed ${failures} time(s) in a row at step ${s.step} (${s.weight}%): ${a.reason}` }) };
  }
  // a failure under the limit: analyse a fresh window at the same weight
  return { state: touch(s, now, { failures, analyses, window_start: iso(now) }) };
}

function keep(s: DeployState, a: Analysis, now: number): AnalysisRecord[] {
  return [...s.analyses, { ...a, step: s.step, weight: s.weight, at: iso(now) }].slice(-MAX_KEPT_ANALYSES);
}

export function afterPromote(s: DeployState, production: DeployState['production'], now: number): DeployState {
  return touch(s, now, { state: 'succeeded', phase: 'done', weight: 100, production, reason: s.reason ?? 'all steps passed', pid: null });
}

/** The registry refused the alias (a promotion policy): the canary keeps its weight, the rollout pauses. */
export function afterPromoteRefused(s: DeployState, why: string, now: number): DeployState {
  return touch(s, now, { state: 'paused', reason: `production refused the version: ${why}` });
}

export function afterRollback(s: DeployState, now: number): DeployState {
  return touch(s, now, { state: 'rolled_back', phase: 'done', weight: 0, window_start: null, pid: null });
}

/** A target that keeps failing (serve down, a hook exiting non-zero): pause, so resume can retry. */
export function afterTargetError(s: DeployState, message: string, now: number): DeployState {
  return touch(s, now, { state: 'paused', reason: `target error: ${message}` });
}

// --------------------------------------------------------------------------- control commands

export class TransitionError extends Error {}

export function pause(s: DeployState, now: number, reason = 'paused by user'): DeployState {
  if (s.state !== 'running') throw new TransitionError(`the rollout is ${s.state}, not running`);
  return touch(s, now, { state: 'paused', reason, pid: null });
}

/**
 * Resume a paused or interrupted rollout: the current step starts over (its weight is set again
 * and a fresh window observed), so a window interrupted by a crash or a pause is never judged.
 */
export function resume(s: DeployState, now: number, pid: number | null): DeployState {
  if (s.state !== 'running' && s.state !== 'paused') throw new TransitionError(`the rollout ${s.state === 'succeeded' ? 'succeeded' : `was ${s.state.replace('_', ' ')}`}: nothing to resume`);
  const phase: Phase = s.phase === 'promote' || s.phase === 'rollback' ? s.phase : 'load';
  return touch(s, now, { state: 'running', phase, window_start: null, pid, reason: s.phase === 'rollback' ? s.reason : null, failures: s.phase === 'rollback' ? s.failures : 0 });
}

export function abort(s: DeployState, now: number, reason = 'aborted by user'): DeployState {
  if (s.state === 'succeeded' || s.state === 'aborted' || s.state === 'rolled_back') throw new TransitionError(`the rollout is ${s.state.replace('_', ' ')}: nothing to abort`);
  return touch(s, now, { state: 'aborted', phase: 'done', weight: 0, window_start: null, reason, pid: null });
}

/** Skip the remaining steps: the next action promotes. */
export function promoteNow(s: DeployState, now: number, pid: number | null): DeployState {
  if (s.state !== 'running' && s.state !== 'paused') throw new TransitionError(`the rollout is ${s.state.replace('_', ' ')}: nothing to promote`);
  if (s.phase === 'load') throw new TransitionError('the canary is not loaded yet: resume the rollout first');
  return touch(s, now, { state: 'running', phase: 'promote', window_start: null, pid, reason: 'promoted by user' });
}

/** A rollout that may be replaced by a new `cairn deploy` (Argo #841/#3120: an aborted one can be retried). */
export function isFinished(s: DeployState): boolean {
  return s.state === 'succeeded' || s.state === 'aborted' || s.state === 'rolled_back';
}
