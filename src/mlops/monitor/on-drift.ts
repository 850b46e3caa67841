// `--on-drift CMD` with a cooldown: the decision is pure (drift, the last run, the clock), the
// last run per command is kept in .cairn/state/monitor-on-drift.json (written atomically; an
// unreadable file counts as no earlier run), and the command runs through an injected runner.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';

export const ON_DRIFT_STATE = 'monitor-on-drift.json';

export interface OnDriftPlan {
  run: boolean;
  /** why it runs or not */
  reason: 'drift' | 'no drift' | 'cooldown';
  /** when the cooldown ends (ISO), when it holds the command back */
  next_allowed?: string;
}

export function planOnDrift(o: { drift: boolean; now: Date; last?: Date; cooldownMs: number }): OnDriftPlan {
  if (!o.drift) return { run: false, reason: 'no drift' };
  if (o.last && o.now.getTime() - o.last.getTime() < o.cooldownMs) {
    return { run: false, reason: 'cooldown', next_allowed: new Date(o.last.getTime() + o.cooldownMs).toISOString() };
  }
  return { run: true, reason: 'drift' };
}

type State = Record<string, { last: string }>;

function readState(stateDir: string): State {
  try {
    const v = JSON.parse(readFileSync(join(stateDir, ON_DRIFT_STATE), 'utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as State;
  } catch {
    /* missing or unreadable: no earlier run */
  }
  return {};
}

export function lastOnDrift(stateDir: string, command: string): Date | undefined {
  const e = Object.prototype.hasOwnProperty.call(readState(stateDir), command) ? readState(stateDir)[command] : undefined;
  const t = e && typeof e.last === 'string' ? new Date(e.last) : undefined;
  return t && !Number.isNaN(t.getTime()) ? t : undefined;
}

export function recordOnDrift(stateDir: string, command: string, when: Date): void {
  const s = readState(stateDir);
  const next: State = Object.create(null) as State;
  for (const [k, v] of Object.entries(s)) next[k] = v;
  next[command] = { last: when.toISOString() };
  mkdirSync(stateDir, { recursive: true });
  writeFileAtomic(join(stateDir, ON_DRIFT_STATE), JSON.stringify(next, null, 2) + '\n');
}
