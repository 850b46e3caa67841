// The rollout state machine and its executor, with a fake clock (sleep advances it), a fake
// target that answers windows from a traffic model, an in-memory store and a fake registry:
// no sleeping, no HTTP, no processes.
import { describe, expect, it } from 'vitest';
import { applySettings, defaultDeployConfig, parseSteps, type DeployConfig } from '../../src/mlops/deploy/config.js';
import type { Window } from '../../src/mlops/deploy/analysis.js';
import { executeRollout, type ProductionAlias, type RolloutEvent, type StateStore } from '../../src/mlops/deploy/execute.js';
import { abort, afterAnalysis, afterLoad, afterSetWeight, initialState, nextAction, pause, promoteNow, resume, TransitionError, type DeployState } from '../../src/mlops/deploy/plan.js';
import { TargetError, type DeployTarget } from '../../src/mlops/deploy/target.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function config(over: Partial<DeployConfig> = {}): DeployConfig {
  return { ...defaultDeployConfig(), interval_ms: 1000, min_requests: 20, traffic_timeout_ms: 2000, ...over };
}

function fresh(cfg = config()): DeployState {
  return initialState({ id: 'r1', target: 'local', name: 'm', version: 'v2.0.0', stable: 'v1.0.0', config: cfg, now: T0, pid: 1 });
}

interface Traffic {
  /** canary requests per second at the current weight */
  canaryRate: (weight: number) => number;
  canaryErrorRate: number;
}

/** A target whose windows come from a traffic model over the fake clock. */
function fakeTarget(clock: { t: number }, traffic: Traffic, log: string[], fail?: { window?: number }) {
  let weight = 0;
  let canary: string | null = null;
  let stable = 'v1.0.0';
  let windowFails = fail?.window ?? 0;
  const t: DeployTarget = {
    kind: 'local',
    async status() {
      return { stable, canary, weight };
    },
    async loadCanary(_n, v) {
      canary = v;
      log.push(`load ${v}`);
    },
    async setWeight(w) {
      weight = w;
      log.push(`weight ${w}`);
    },
    async window(since, until): Promise<Window> {
      if (windowFails > 0) {
        windowFails--;
        throw new TargetError('connection refused');
      }
      const secs = (Date.parse(until) - Date.parse(since)) / 1000;
      const n = Math.floor(traffic.canaryRate(weight) * secs);
      const errors = Math.ceil(n * traffic.canaryErrorRate);
      const lat = (k: number, ms: number) => Array.from({ length: k }, () => ms);
      return {
        since,
        until,
        variants: {
          stable: { version: stable, requests: 100, errors: 0, latency_ms: lat(100, 2), outputs: Array.from({ length: 100 }, (_, i) => i % 3) },
          canary: canary ? { version: canary, requests: n, errors, latency_ms: lat(n, 2), outputs: Array.from({ length: n }, (_, i) => i % 3) } : null,
        },
      };
    },
    async promote() {
      stable = canary!;
      canary = null;
      weight = 0;
      log.push('promote');
    },
    async rollback() {
      weight = 0;
      canary = null;
      log.push('rollback');
    },
  };
  return t;
}

function memStore(initial: DeployState) {
  let cur: DeployState | undefined = initial;
  const writes: DeployState[] = [];
  const store: StateStore = {
    read: () => (cur ? structuredClone(cur) : undefined),
    write: (s) => {
      cur = structuredClone(s);
      writes.push(cur);
    },
  };
  return { store, writes, get: () => cur!, set: (s: DeployState) => (cur = s) };
}

function fakeProduction(log: string[], refuse?: string): ProductionAlias {
  return {
    async promote(name, version, reason) {
      log.push(`production ${name}@${version} (${reason.split(':')[0]})`);
      return refuse ? { ok: false, why: refuse } : { ok: true, tag: `${name}#production#3`, previous: 'v1.0.0' };
    },
  };
}

async function run(opts: { traffic: Traffic; cfg?: DeployConfig; refuse?: string; windowFails?: number; onSleep?: (t: number, m: ReturnType<typeof memStore>) => void }) {
  const clock = { t: T0 };
  const log: string[] = [];
  const events: RolloutEvent[] = [];
  const s = fresh(opts.cfg);
  const m = memStore(s);
  let sleeps = 0;
  const last = await executeRollout({
    state: s,
    store: m.store,
    target: fakeTarget(clock, opts.traffic, log, { window: opts.windowFails }),
    production: fakeProduction(log, opts.refuse),
    clock: {
      now: () => clock.t,
      sleep: async (ms) => {
        if (++sleeps > 10_000) throw new Error('runaway loop');
        clock.t += ms;
        opts.onSleep?.(clock.t, m);
      },
    },
    onEvent: (e) => events.push(e),
  });
  return { last, log, events, writes: m.writes, elapsed: clock.t - T0 };
}

const healthy: Traffic = { canaryRate: (w) => w, canaryErrorRate: 0 };

describe('rollout executor (fake clock, fake target)', () => {
  it('a healthy canary goes 10 → 50 → 100 and production moves, by rollout', async () => {
    const r = await run({ traffic: healthy });
    expect(r.last.state).toBe('succeeded');
    expect(r.log).toEqual(['load v2.0.0', 'weight 10', 'weight 50', 'weight 100', 'production m@v2.0.0 (by rollout r1)', 'promote']);
    expect(r.last.production).toEqual({ tag: 'm#production#3', previous: 'v1.0.0' });
    expect(r.last.analyses.map((a) => [a.weight, a.verdict])).toEqual([[10, 'pass'], [50, 'pass'], [100, 'pass']]);
    // every transition was persisted, the step number rising
    expect(r.writes.map((w) => w.step)).toEqual([1, 1, 2, 2, 3, 3, 3, 3]);
    // the windows each span one interval (10 req/s at 10% makes 20 requests in 2 s: the first waits)
    expect(r.elapsed).toBeGreaterThanOrEqual(3000);
  });

  it('a canary failing 5% of requests rolls back within one interval; production untouched', async () => {
    const r = await run({ traffic: { canaryRate: () => 50, canaryErrorRate: 0.05 } });
    expect(r.last.state).toBe('rolled_back');
    expect(r.last.weight).toBe(0);
    expect(r.log).toEqual(['load v2.0.0', 'weight 10', 'rollback']);
    expect(r.log.some((l) => l.startsWith('production'))).toBe(false);
    expect(r.last.reason).toMatch(/error_rate/);
    // set at T0, analysed once at T0 + interval, rolled back then
    expect(r.elapsed).toBe(1000);
  });

  it('failure_limit 2 needs two consecutive failed windows', async () => {
    const r = await run({ traffic: { canaryRate: () => 50, canaryErrorRate: 0.05 }, cfg: config({ failure_limit: 2 }) });
    expect(r.last.state).toBe('rolled_back');
    expect(r.last.analyses.map((a) => a.verdict)).toEqual(['fail', 'fail']);
    expect(r.elapsed).toBe(2000);
  });

  it('too little traffic waits past the interval, then pauses: inconclusive, never a pass', async () => {
    const r = await run({ traffic: { canaryRate: () => 1, canaryErrorRate: 0 } });
    expect(r.last.state).toBe('paused');
    expect(r.last.reason).toMatch(/inconclusive at step 1 \(10%\): too little traffic/);
    expect(r.last.analyses.map((a) => a.verdict)).toEqual(['inconclusive']);
    expect(r.log).toEqual(['load v2.0.0', 'weight 10']);
    // paused at interval + traffic_timeout
    expect(r.elapsed).toBe(3000);
    expect(r.events.some((e) => e.kind === 'waiting')).toBe(true);
  });

  it('a target that keeps failing pauses the rollout (resume retries); one failure is retried', async () => {
    const once = await run({ traffic: healthy, windowFails: 1 });
    expect(once.last.state).toBe('succeeded');
    const down = await run({ traffic: healthy, windowFails: 99 });
    expect(down.last.state).toBe('paused');
    expect(down.last.reason).toMatch(/target error: connection refused/);
  });

  it('production refused by a policy pauses with the canary still at 100%', async () => {
    const r = await run({ traffic: healthy, refuse: 'gate verdict fail' });
    expect(r.last.state).toBe('paused');
    expect(r.last.reason).toMatch(/production refused the version: gate verdict fail/);
    expect(r.log).not.toContain('promote');
  });

  it('a pause written by another process stops the loop at its next look', async () => {
    const r = await run({
      traffic: healthy,
      onSleep: (t, m) => {
        if (t >= T0 + 500 && m.get().state === 'running') m.set(pause(m.get(), t));
      },
    });
    expect(r.last.state).toBe('paused');
    expect(r.last.reason).toBe('paused by user');
  });

  it('resume after a crash restarts the persisted step (not the rollout)', async () => {
    // a rollout killed while observing step 2 (50%)
    let s = fresh();
    s = afterLoad(s, T0);
    s = afterSetWeight(s, 10, T0);
    s = afterAnalysis(s, { verdict: 'pass', since: '', until: '', canary_requests: 30, stable_requests: 100, checks: [], reason: 'ok' }, T0 + 1000).state;
    s = afterSetWeight(s, 50, T0 + 1000);
    expect([s.step, s.phase, s.weight]).toEqual([2, 'observe', 50]);
    const back = resume(s, T0 + 60_000, 2);
    expect([back.step, back.phase, back.window_start, back.pid]).toEqual([2, 'load', null, 2]);
    const clock = { t: T0 + 60_000 };
    const log: string[] = [];
    const m = memStore(back);
    const last = await executeRollout({ state: back, store: m.store, target: fakeTarget(clock, healthy, log), production: fakeProduction(log), clock: { now: () => clock.t, sleep: async (ms) => void (clock.t += ms) } });
    expect(last.state).toBe('succeeded');
    expect(log).toEqual(['load v2.0.0', 'weight 50', 'weight 100', 'production m@v2.0.0 (by rollout r1)', 'promote']);
  });
});

describe('resume at the promote phase (a crash after serve promoted, before the state was written)', () => {
  it('does not promote in serve twice; the registry alias still moves', async () => {
    let s = afterLoad(fresh(), T0);
    s = { ...afterSetWeight(s, 100, T0), step: 3 };
    s = afterAnalysis(s, { verdict: 'pass', since: '', until: '', canary_requests: 30, stable_requests: 0, checks: [], reason: 'ok' }, T0 + 1000).state;
    expect(s.phase).toBe('promote');
    const back = resume(s, T0 + 5000, 9);
    expect(back.phase).toBe('promote');
    const log: string[] = [];
    const clock = { t: T0 + 5000 };
    const target = fakeTarget(clock, healthy, log);
    await target.loadCanary('m', 'v2.0.0');
    await target.promote(); // serve already promoted v2 before the crash
    log.length = 0;
    const m = memStore(back);
    const last = await executeRollout({ state: back, store: m.store, target, production: fakeProduction(log), clock: { now: () => clock.t, sleep: async (ms) => void (clock.t += ms) } });
    expect(last.state).toBe('succeeded');
    expect(log).toEqual(['production m@v2.0.0 (by rollout r1)']);
  });
});

describe('rollout transitions', () => {
  it('next actions follow the phases', () => {
    let s = fresh();
    expect(nextAction(s, T0)).toEqual({ kind: 'load' });
    s = afterLoad(s, T0);
    expect(nextAction(s, T0)).toEqual({ kind: 'set_weight', weight: 10 });
    s = afterSetWeight(s, 10, T0);
    expect(nextAction(s, T0 + 10)).toEqual({ kind: 'wait', until: T0 + 1000 });
    expect(nextAction(s, T0 + 1000)).toEqual({ kind: 'analyse', since: new Date(T0).toISOString(), until: new Date(T0 + 1000).toISOString() });
  });

  it('abort, pause, resume and promote refuse the states they do not apply to', () => {
    const s = fresh();
    const aborted = abort(s, T0);
    expect([aborted.state, aborted.weight]).toEqual(['aborted', 0]);
    expect(() => abort(aborted, T0)).toThrow(TransitionError);
    expect(() => resume(aborted, T0, 1)).toThrow(/nothing to resume/);
    expect(() => pause(aborted, T0)).toThrow(TransitionError);
    expect(() => promoteNow(s, T0, 1)).toThrow(/not loaded/);
    const paused = pause(afterLoad(s, T0), T0);
    expect(promoteNow(paused, T0, 3).phase).toBe('promote');
  });

  it('steps must increase and end at 100; settings name the flag or key', () => {
    expect(parseSteps('--steps', '10,50,100')).toEqual([10, 50, 100]);
    expect(parseSteps('--steps', [25, 100])).toEqual([25, 100]);
    expect(() => parseSteps('--steps', '50,10,100')).toThrow(/must increase/);
    expect(() => parseSteps('--steps', '10,50')).toThrow(/last weight must be 100/);
    expect(() => parseSteps('--steps', '0,100')).toThrow(/percentage/);
    expect(() => parseSteps('--steps', 'ten,100')).toThrow(/percentage/);
    const cfg = applySettings(defaultDeployConfig(), { interval: '1.5s', min_requests: '7', max_psi: 0.1 }, (k) => `deploy.${k}`);
    expect([cfg.interval_ms, cfg.min_requests, cfg.thresholds.max_psi]).toEqual([1500, 7, 0.1]);
    expect(() => applySettings(defaultDeployConfig(), { interval: 'soon' }, (k) => `--${k}`)).toThrow(/--interval takes a duration/);
    expect(() => applySettings(defaultDeployConfig(), { failure_limit: 0 }, (k) => `deploy.${k}`)).toThrow(/deploy.failure_limit/);
    expect(() => applySettings(defaultDeployConfig(), { url: 'file:///etc' }, (k) => `--${k}`)).toThrow(/http/);
  });
});
