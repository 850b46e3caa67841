// cairn runs list: the run records repro appended to .cairn/runs/, oldest first.
import { readRunLog, type RunRecord } from '../cache/runs.js';
import { Repo } from '../repo/repo.js';

export interface RunsListOptions {
  cwd: string;
  /** only records of this stage (its name, or `file:name`) */
  stage?: string;
  /** only the last N records */
  last?: number;
}

export interface RunsListResult {
  records: RunRecord[];
  /** log lines that did not parse or whose id did not match their content (file:line) */
  bad: string[];
}

export async function runsList(opts: RunsListOptions): Promise<RunsListResult> {
  const repo = await Repo.open(opts.cwd);
  const log = readRunLog(repo.paths.dotDir);
  let records = opts.stage ? log.records.filter((r) => r.stage === opts.stage || `${r.file}:${r.stage}` === opts.stage) : log.records;
  if (opts.last !== undefined && opts.last >= 0) records = records.slice(Math.max(0, records.length - opts.last));
  return { records, bad: log.bad };
}
