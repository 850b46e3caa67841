// cairn runs compare ID ID...: params, metrics and duration of several runs side by side.
import { findRun, readRunLog, type RunValue } from '../cache/runs.js';
import { CairnError } from '../core/errors.js';
import { Repo } from '../repo/repo.js';

export interface RunsCompareOptions {
  cwd: string;
  ids: string[];
}

export interface RunsCompareRow {
  kind: 'param' | 'metric' | 'run';
  key: string;
  /** one value per run, in the order of `runs`; null where the run has no such key */
  values: (RunValue | undefined)[];
  /** the values are not all equal */
  differs: boolean;
}

export interface RunsCompareResult {
  runs: { id: string; stage: string; started: string; status: string; commit: string | null }[];
  rows: RunsCompareRow[];
}

export async function runsCompare(opts: RunsCompareOptions): Promise<RunsCompareResult> {
  if (opts.ids.length < 2) throw new CairnError('CAIRN_USAGE', 'runs compare needs at least two run ids', { hint: 'run `cairn runs list` to see the ids' });
  const repo = await Repo.open(opts.cwd);
  const { records } = readRunLog(repo.paths.dotDir);
  const runs = opts.ids.map((id) => findRun(records, id));
  const rows: RunsCompareRow[] = [];
  const same = (vs: (RunValue | undefined)[]) => vs.every((v) => JSON.stringify(v) === JSON.stringify(vs[0]));
  for (const kind of ['param', 'metric'] as const) {
    const maps = runs.map((r) => (kind === 'param' ? r.params : r.metrics));
    const keys = [...new Set(maps.flatMap((m) => Object.keys(m)))].sort();
    for (const key of keys) {
      const values = maps.map((m) => (key in m ? m[key] : null));
      rows.push({ kind, key, values, differs: !same(values) });
    }
  }
  const durations = runs.map((r) => r.duration_s);
  rows.push({ kind: 'run', key: 'duration_s', values: durations, differs: !same(durations) });
  return { runs: runs.map((r) => ({ id: r.id, stage: r.stage, started: r.started, status: r.status, commit: r.commit })), rows };
}
