// The run record of one executed stage (see cache/runs.ts): what went in (dep ids, params),
// what came out (out ids, metrics values), when, how long and with what status.
import { now } from '../core/clock.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendRunRecord, flatParams, type RunRecord, type RunValue } from '../cache/runs.js';
import type { Workspace } from '../cache/workspace.js';
import { parseMetrics } from '../io/metrics-file.js';
import type { LockEntry, LockStage } from '../repo/lockfile.js';
import type { Stage } from './load.js';

export interface RunLogOptions {
  /** the repo's .cairn/ folder */
  dotDir: string;
  commit: string | null;
  dirty: boolean | null;
  /** called when a record cannot be written (the run itself is not failed for it) */
  onError?: (e: Error) => void;
}

export interface RunStart {
  at: Date;
  deps: LockEntry[];
  params: Record<string, Record<string, unknown>>;
}

/** Metrics files of a stage, flattened and merged (a file that does not parse is left out). */
export function stageMetrics(root: string, st: Stage): Record<string, RunValue> {
  const out: Record<string, RunValue> = {};
  for (const m of st.outs.filter((x) => x.kind === 'metric')) {
    try {
      Object.assign(out, parseMetrics(readFileSync(join(root, m.path), 'utf8'), m.path));
    } catch {
      /* a missing or malformed metrics file is the stage's problem, not the record's */
    }
  }
  return out;
}

export function recordRun(
  o: RunLogOptions,
  ws: Workspace,
  st: Stage,
  start: RunStart,
  result: { status: string; exitCode?: number },
  lock: LockStage | undefined,
): RunRecord | undefined {
  const status = result.status === 'ran' ? 'ran' : result.status === 'interrupted' ? 'interrupted' : result.status === 'failed' ? 'failed' : undefined;
  if (!status) return undefined;
  try {
    return appendRunRecord(o.dotDir, {
      stage: st.name,
      file: st.file,
      cmd: st.cmd,
      started: start.at.toISOString(),
      duration_s: Math.round((now() - start.at.getTime()) / 1000 * 1000) / 1000,
      status,
      exit_code: status === 'ran' ? 0 : (result.exitCode ?? null),
      commit: o.commit,
      dirty: o.dirty,
      hash: ws.algo,
      deps: start.deps.map((d) => ({ path: d.path, id: d.id })),
      outs: status === 'ran' && lock ? lock.outs.map((x) => ({ path: x.path, id: x.id })) : [],
      params: flatParams(start.params),
      metrics: status === 'ran' ? stageMetrics(ws.root, st) : {},
    });
  } catch (e) {
    o.onError?.(e as Error);
    return undefined;
  }
}
