// cairn pull = fetch + checkout. If anything failed to arrive (or arrived corrupt), nothing
// is checked out: the workspace stays as it was.
import { Repo } from '../repo/repo.js';
import { checkoutCandidates } from '../pipeline/outs.js';
import { checkoutTargets, checkoutTracked, type CheckoutResult } from '../repo/checkout.js';
import { resolveTarget } from '../repo/tracked.js';
import { walkOptions } from '../pipeline/rev-views.js';
import { fetchItems } from '../remote/fetch.js';
import { transferError, type TransferCommonOptions, type TransferSummary } from '../remote/selection.js';
import { selectItems } from '../repo/selection.js';

export interface PullOptions extends TransferCommonOptions {
  /** passed to checkout: overwrite workspace changes that are not in the cache */
  force?: boolean;
}

export interface PullResult {
  fetch: TransferSummary;
  checkout: CheckoutResult;
}

export async function pull(opts: PullOptions): Promise<PullResult> {
  const repo = await Repo.open(opts.cwd);
  return repo.withLock('pull', async () => {
    // refuse hostile targets (a pointer into .git/, a symlinked parent leaving the repo)
    // before anything is downloaded
    const candidates = checkoutCandidates(repo);
    checkoutTargets(repo, candidates, (opts.targets ?? []).map((t) => resolveTarget(repo, opts.cwd, t)));
    const f = await fetchItems(repo, await selectItems(repo, opts.cwd, opts.targets, await walkOptions(repo, opts)), opts);
    const err = transferError(f, 'pull');
    if (err) {
      err.data.fetch = f;
      throw err;
    }
    // checkout restores pointer-tracked data and pipeline outputs alike
    const c = checkoutTracked(repo, candidates, { cwd: opts.cwd, targets: opts.targets, force: opts.force, onProgress: opts.onProgress });
    return { fetch: f, checkout: c };
  });
}
