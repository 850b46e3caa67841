// Workspace ↔ cache for one tracked target (a file or a directory). Storage-level: knows
// nothing of pointer files or pipelines; callers pass ids in. The jobs live in their own
// modules (after dvc-data's hashfile/): walk.ts (the walk: .cairnignore, folder stamps),
// build.ts (hash, manifest, save to the cache), materialize.ts (link types, materialise,
// apply a plan), checkout-plan.ts (planCheckout). This file holds the Workspace type and
// re-exports them for callers that import from here.
import type { HashAlgorithm, HasherFactory } from '../core/hash.js';
import type { Containment } from '../io/contained.js';
import type { LocalCache } from './odb.js';
import type { StateStore } from './state.js';
import type { LinkType } from './materialize.js';

export interface Workspace {
  /** absolute repo root */
  root: string;
  /** every write, delete and rename below passes this check (io/contained.ts) */
  guard: Containment;
  cache: LocalCache;
  state: StateStore;
  algo: HashAlgorithm;
  factory: HasherFactory;
  /** tried in order when materialising files from the cache */
  linkTypes: LinkType[];
  /** optional observer for progress (files done, files total) */
  onProgress?: (done: number, total: number, what: string) => void;
}

export { IGNORE_FILE, walkDir, type Walk } from './walk.js';
export { hashTarget, saveTarget, loadManifest, diffTarget, type TargetHash, type SaveResult, type SnapshotWrite } from './build.js';
export { LINK_TYPES, DEFAULT_LINK_TYPES, materialize, recordSnapshots, verifyPlanObjects, applyCheckout, type LinkType } from './materialize.js';
export { planCheckout, type CheckoutPlan, type CheckoutTarget, type CheckoutPlanOptions } from './checkout-plan.js';
