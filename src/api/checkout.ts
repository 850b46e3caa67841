// cairn checkout: make the workspace match the pointer files (the step after git checkout
// or git pull): pointer-tracked data, then the pipeline outputs recorded in cairn.lock (like
// DVC's checkout). The three phases (plan, refuse/verify, apply) are in repo/checkout.ts.
import { checkoutTracked, type CheckoutResult, type CheckoutTrackedOptions } from '../repo/checkout.js';
import { Repo } from '../repo/repo.js';
import { checkoutCandidates } from '../pipeline/outs.js';

export type { CheckoutResult, CheckoutTargetResult } from '../repo/checkout.js';

export interface CheckoutOptions extends CheckoutTrackedOptions {
  cwd: string;
}

export async function checkout(opts: CheckoutOptions): Promise<CheckoutResult> {
  const repo = await Repo.open(opts.cwd);
  return repo.withLock('checkout', () => checkoutTracked(repo, checkoutCandidates(repo), opts));
}
