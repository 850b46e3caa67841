// cairn fetch: download into the cache the objects the workspace (or the targets) refers
// to and the cache lacks. Every object is rehashed before it enters the cache.
import { walkOptions } from '../pipeline/rev-views.js';
import { fetchItems } from '../remote/fetch.js';
import type { TransferCommonOptions, TransferSummary } from '../remote/selection.js';
import { Repo } from '../repo/repo.js';
import { selectItems } from '../repo/selection.js';

export type FetchOptions = TransferCommonOptions;
export type FetchResult = TransferSummary;

export async function fetch(opts: FetchOptions): Promise<FetchResult> {
  const repo = await Repo.open(opts.cwd);
  // objects enter the cache: hold the repo lock so gc cannot run meanwhile
  return repo.withLock('fetch', async () => fetchItems(repo, await selectItems(repo, opts.cwd, opts.targets, await walkOptions(repo, opts)), opts));
}
