// cairn unprotect: replace hardlinked or symlinked workspace files (cache.type hardlink or
// symlink) with private writable copies, so editing them cannot reach the cache.
import { join } from 'node:path';
import { CairnError } from '../core/errors.js';
import { makePrivateTree } from '../cache/protect.js';
import { Repo } from '../repo/repo.js';
import { listTracked, resolveTarget, selectTracked } from '../repo/tracked.js';

export interface UnprotectOptions {
  cwd: string;
  targets: string[];
}

export interface UnprotectResult {
  targets: { path: string; copied: number }[];
}

export async function unprotect(opts: UnprotectOptions): Promise<UnprotectResult> {
  if (opts.targets.length === 0) {
    throw new CairnError('CAIRN_USAGE', 'nothing to unprotect', { hint: 'name tracked files or directories: `cairn unprotect data/`' });
  }
  const repo = await Repo.open(opts.cwd);
  return repo.withLock('unprotect', async () => {
    const rels = opts.targets.map((t) => resolveTarget(repo, opts.cwd, t));
    const selected = selectTracked(listTracked(repo), rels);
    const targets: UnprotectResult['targets'] = [];
    for (const t of selected) {
      // only the part of a tracked dir the user named, when they named a path inside it
      const inner = rels.filter((r) => r.startsWith(t.path + '/'));
      const paths = inner.length ? inner : [t.path];
      let copied = 0;
      for (const p of paths) {
        repo.guard.checkTarget(p, { source: t.pointerFile, action: 'unprotect' });
        copied += makePrivateTree(join(repo.root, p));
      }
      targets.push({ path: t.path, copied });
    }
    return { targets };
  });
}
