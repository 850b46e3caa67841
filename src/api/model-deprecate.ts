// cairn model deprecate NAME@VERSION: GTO's deregistration tag NAME@vX.Y.Z!#N.
import { deprecateVersion } from '../mlops/registry/registry.js';
import { Repo } from '../repo/repo.js';

export interface ModelDeprecateOptions {
  cwd: string;
  target: string;
  reason?: string;
}

export interface ModelDeprecateResult {
  tag: string;
  name: string;
  version: string;
  /** it was deprecated before: nothing written */
  already: boolean;
}

export async function modelDeprecate(opts: ModelDeprecateOptions): Promise<ModelDeprecateResult> {
  const repo = await Repo.open(opts.cwd);
  return repo.withLock('model deprecate', () => deprecateVersion({ repo, target: opts.target, reason: opts.reason }));
}
