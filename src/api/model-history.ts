// cairn model history NAME [ALIAS] [--at DATE]: who held the alias when, with the reason.
import { CairnError } from '../core/errors.js';
import { historyOf, loadRegistry } from '../mlops/registry/registry.js';
import type { HistoryRow } from '../mlops/registry/state.js';
import { assertName } from '../mlops/registry/tags.js';
import { Repo } from '../repo/repo.js';

export interface ModelHistoryOptions {
  cwd: string;
  name: string;
  alias?: string;
  /** only the assignments in force at this time (ISO-8601 or anything Date parses) */
  at?: string;
}

export interface ModelHistoryResult {
  name: string;
  alias: string | null;
  at: string | null;
  rows: HistoryRow[];
  versions: { version: string; registered_at: string; commit: string; deprecated: string | null }[];
}

export async function modelHistory(opts: ModelHistoryOptions): Promise<ModelHistoryResult> {
  const repo = await Repo.open(opts.cwd);
  const name = assertName(opts.name, 'model name');
  if (opts.alias) assertName(opts.alias, 'alias');
  let at: Date | undefined;
  if (opts.at !== undefined) {
    at = new Date(opts.at);
    if (Number.isNaN(at.getTime())) throw new CairnError('CAIRN_USAGE', `--at '${opts.at}' is not a date`, { hint: 'write an ISO-8601 date, e.g. 2026-12-01 or 2026-12-01T12:00:00Z' });
  }
  const m = loadRegistry(repo, [name]).models.get(name);
  if (!m || !m.versions.length) throw new CairnError('CAIRN_NOT_FOUND', `no model '${name}' in the registry`, { hint: 'run `cairn model list`' });
  return {
    name,
    alias: opts.alias ?? null,
    at: at ? at.toISOString() : null,
    rows: historyOf(m, opts.alias, at),
    versions: m.versions.map((v) => ({ version: v.version, registered_at: v.registered_at, commit: v.commit, deprecated: v.deprecated?.at ?? null })),
  };
}
