// cairn model pull [NAME...]: fetch the registry tags from the git remote (never replacing a
// local tag that differs), then the files of every version from the cairn remote.
import { loadRegistry } from '../mlops/registry/registry.js';
import { fetchTags, moveObjects, recordItems, type ObjectsMoved } from '../mlops/registry/transfer.js';
import { Repo } from '../repo/repo.js';

export interface ModelPullOptions {
  cwd: string;
  names?: string[];
  gitRemote?: string;
  remote?: string;
  /** tags only */
  noData?: boolean;
}

export interface ModelPullResult {
  /** registry tags before and after */
  before: number;
  after: number;
  data: ObjectsMoved | null;
}

export async function modelPull(opts: ModelPullOptions): Promise<ModelPullResult> {
  const repo = await Repo.open(opts.cwd);
  const before = loadRegistry(repo).tags.length;
  await fetchTags(repo.root, opts.gitRemote ?? 'origin', opts.names ?? []);
  const reg = loadRegistry(repo);
  let data: ObjectsMoved | null = null;
  if (!opts.noData) {
    const names = opts.names?.length ? opts.names : [...reg.models.keys()];
    const items = names.flatMap((n) => (reg.models.get(n)?.versions ?? []).filter((v) => v.record && !v.problems.length).flatMap((v) => recordItems(v.record!)));
    const todo = items.filter((i) => !repo.cache.has(i.id));
    data = todo.length ? await repo.withLock('model pull', () => moveObjects(repo, 'fetch', todo, opts.remote)) : null;
  }
  return { before, after: reg.tags.length, data };
}
