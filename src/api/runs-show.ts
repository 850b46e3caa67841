// cairn runs show ID: one run record, found by its id or a unique prefix of it.
import { findRun, readRunLog, type RunRecord } from '../cache/runs.js';
import { Repo } from '../repo/repo.js';

export interface RunsShowOptions {
  cwd: string;
  id: string;
}

export type RunsShowResult = RunRecord;

export async function runsShow(opts: RunsShowOptions): Promise<RunsShowResult> {
  const repo = await Repo.open(opts.cwd);
  return findRun(readRunLog(repo.paths.dotDir).records, opts.id);
}
