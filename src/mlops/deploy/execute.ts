// The rollout executor: asks the planner for the next action, applies it through the target,
// and persists the new state after every transition (the store writes atomically), so a
// `kill -9` at any point leaves a state `deploy resume` continues from. Before each action it
// re-reads the stored state: a `deploy pause|abort|promote` from another process (which
// changes the state or takes the pid) stops this loop. Clock, sleep, target and registry are
// passed in, so the whole loop runs in tests without sleeping.
import { analyseWindow, type Analysis } from './analysis.js';
import { afterAnalysis, afterLoad, afterPromote, afterPromoteRefused, afterRollback, afterSetWeight, afterTargetError, nextAction, pollMs, type DeployState } from './plan.js';
import { TargetError, type DeployTarget } from './target.js';

export interface StateStore {
  read(): DeployState | undefined;
  write(s: DeployState): void;
}

export interface RolloutClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Moves the registry alias `production` to the rolled-out version. */
export interface ProductionAlias {
  promote(name: string, version: string, reason: string): Promise<{ ok: true; tag: string | null; previous: string | null } | { ok: false; why: string }>;
}

export type RolloutEvent =
  | { kind: 'loaded'; version: string }
  | { kind: 'weight'; step: number; steps: number; weight: number }
  | { kind: 'waiting'; step: number; canary_requests: number; needed: number }
  | { kind: 'analysis'; step: number; weight: number; analysis: Analysis }
  | { kind: 'promoted'; version: string; tag: string | null }
  | { kind: 'rolled_back'; reason: string }
  | { kind: 'paused'; reason: string }
  | { kind: 'target_error'; message: string; attempt: number };

export interface ExecuteInput {
  state: DeployState;
  store: StateStore;
  target: DeployTarget;
  production: ProductionAlias;
  clock: RolloutClock;
  onEvent?: (e: RolloutEvent) => void;
  /** consecutive target errors before the rollout pauses (default 3) */
  maxTargetErrors?: number;
}

/** Drive the rollout until it is no longer running (or another process took it over); returns the last state. */
export async function executeRollout(o: ExecuteInput): Promise<DeployState> {
  let s = o.state;
  const emit = o.onEvent ?? (() => {});
  const maxErrors = o.maxTargetErrors ?? 3;
  let errors = 0;
  // a note on waiting for traffic at most once per interval
  let lastWaitNote = -Infinity;
  for (;;) {
    const disk = o.store.read();
    if (!disk || disk.id !== s.id || disk.pid !== s.pid || disk.state !== 'running') return disk ?? s;
    s = disk;
    const now = o.clock.now();
    const action = nextAction(s, now);
    let next: DeployState;
    try {
      switch (action.kind) {
        case 'stop':
          return s;
        case 'wait':
          await o.clock.sleep(Math.max(1, Math.min(action.until - now, pollMs(s) * 4)));
          continue;
        case 'load': {
          const st = await o.target.status();
          if (st?.canary !== s.version) await o.target.loadCanary(s.name, s.version);
          next = afterLoad(st && s.stable === null ? { ...s, stable: st.stable } : s, o.clock.now());
          emit({ kind: 'loaded', version: s.version });
          break;
        }
        case 'set_weight':
          await o.target.setWeight(action.weight);
          next = afterSetWeight(s, action.weight, o.clock.now());
          emit({ kind: 'weight', step: s.step, steps: s.config.steps.length, weight: action.weight });
          break;
        case 'analyse': {
          const w = await o.target.window(action.since, action.until);
          const a = analyseWindow(w, s.config.thresholds, s.config.min_requests);
          const r = afterAnalysis(s, a, o.clock.now());
          if (r.waitUntil !== undefined) {
            if (o.clock.now() - lastWaitNote >= s.config.interval_ms) {
              emit({ kind: 'waiting', step: s.step, canary_requests: a.canary_requests, needed: s.config.min_requests });
              lastWaitNote = o.clock.now();
            }
            errors = 0;
            await o.clock.sleep(Math.max(1, r.waitUntil - o.clock.now()));
            continue;
          }
          lastWaitNote = -Infinity;
          next = r.state;
          emit({ kind: 'analysis', step: s.step, weight: s.weight, analysis: a });
          if (next.state === 'paused') emit({ kind: 'paused', reason: next.reason ?? '' });
          break;
        }
        case 'promote': {
          const reason = `by rollout ${s.id}: ${s.config.steps.join('→')}% on ${s.target}`;
          const p = await o.production.promote(s.name, s.version, reason);
          if (!p.ok) {
            next = afterPromoteRefused(s, p.why, o.clock.now());
            emit({ kind: 'paused', reason: next.reason ?? '' });
            break;
          }
          // idempotent after a crash between serve's promotion and the state write
          const st = await o.target.status();
          if (!(st && st.stable === s.version && !st.canary)) await o.target.promote();
          next = afterPromote(s, { tag: p.tag, previous: p.previous }, o.clock.now());
          emit({ kind: 'promoted', version: s.version, tag: p.tag });
          break;
        }
        case 'rollback':
          await o.target.rollback();
          next = afterRollback(s, o.clock.now());
          emit({ kind: 'rolled_back', reason: s.reason ?? '' });
          break;
      }
      errors = 0;
    } catch (e) {
      if (!(e instanceof TargetError)) throw e;
      errors++;
      emit({ kind: 'target_error', message: e.message, attempt: errors });
      if (errors < maxErrors) {
        await o.clock.sleep(pollMs(s));
        continue;
      }
      next = afterTargetError(s, e.message, o.clock.now());
      emit({ kind: 'paused', reason: next.reason ?? '' });
    }
    // the state may have been paused/aborted by another process while the action ran
    const again = o.store.read();
    if (!again || again.id !== s.id || again.pid !== s.pid || again.state !== 'running') return again ?? s;
    o.store.write(next);
    s = next;
  }
}
