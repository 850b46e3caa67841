// Which objects a push, fetch, pull or status --cloud moves or compares: the one reference
// walk (revisions.ts) over the workspace and the revisions in scope, filtered to the targets.
import { CairnError } from '../core/errors.js';
import type { ObjectId } from '../core/ids.js';
import { collectRefs, type CollectOptions } from './revisions.js';
import type { Repo } from './repo.js';
import { resolveTarget } from './tracked.js';

/** An object to move (remote/transfer.ts's TransferItem has the same shape). */
export interface SelectedItem {
  /** repo-relative path of the data, for messages */
  path: string;
  id: ObjectId;
  /** bytes, when the pointer records them (a file object's size; the byte meter's total) */
  size?: number;
}

/**
 * The objects a transfer moves: what the workspace refers to, plus (for --all-branches,
 * --all-tags, --all-commits, --rev) what those revisions name, through the same walk and the
 * same references gc keeps for those scopes; filtered to `targets` when given. `walk` carries
 * the scope with its git history and the `cache: false` outs per revision, which need the
 * pipeline parser (the caller passes them in: repo/ sits below pipeline/).
 */
export async function selectItems(repo: Repo, cwd: string, targets: string[] | undefined, walk: CollectOptions = {}): Promise<SelectedItem[]> {
  const { refs: all0 } = await collectRefs(repo, walk);
  const all = all0.filter((r) => r.hash === repo.algo);
  const seen = new Set<string>();
  const refs = all.filter((r) => {
    const k = `${r.path}\0${r.id}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  // the size (when the pointer records it) gives the byte meter its total
  const item = (r: (typeof refs)[number]): SelectedItem => ({ path: r.path, id: r.id, ...(r.size !== undefined && !r.id.endsWith('.dir') ? { size: r.size } : {}) });
  if (!targets || targets.length === 0) return refs.map(item);
  const out: SelectedItem[] = [];
  for (const t of targets) {
    const rel = resolveTarget(repo, cwd, t);
    const hits = refs.filter((r) => r.path === rel || r.path.startsWith(rel + '/'));
    if (hits.length === 0) {
      throw new CairnError('CAIRN_BAD_TARGET', `'${t}' is not tracked by cairn (no ${rel}.cairn or pipeline output)`, {
        hint: 'run `cairn status` to see what is tracked',
        data: { target: t },
      });
    }
    for (const h of hits) out.push(item(h));
  }
  return out;
}
