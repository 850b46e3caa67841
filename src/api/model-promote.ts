// cairn model promote NAME@VERSION ALIAS: assign the alias (tag NAME#ALIAS#N) under the
// alias's policy; a refusal is a verdict (data), not an error.
import { promoteVersion, type PromoteOutcome } from '../mlops/registry/registry.js';
import { Repo } from '../repo/repo.js';

export interface ModelPromoteOptions {
  cwd: string;
  target: string;
  alias: string;
  reason?: string;
  /** override the alias's policy (needs a reason; both are recorded) */
  force?: boolean;
}

export type ModelPromoteResult = PromoteOutcome;

export async function modelPromote(opts: ModelPromoteOptions): Promise<ModelPromoteResult> {
  const repo = await Repo.open(opts.cwd);
  return repo.withLock('model promote', () => promoteVersion({ repo, target: opts.target, alias: opts.alias, reason: opts.reason, force: opts.force }));
}
