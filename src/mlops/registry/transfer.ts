// Moving the registry: its tags through git (push/fetch of refs/tags/NAME@* and NAME#*), its
// objects (model files, gate reports, predictions) through the cairn remote.
import { CairnError } from '../../core/errors.js';
import { gitAsync } from '../../git/cli.js';
import { openRemote, remoteSpec } from '../../remote/open.js';
import { fetchObjects, pushObjects, type TransferItem } from '../../remote/transfer.js';
import type { Repo } from '../../repo/repo.js';
import type { VersionRecord } from './record.js';

/** The objects a version needs: its files, and the gate report and predictions it names. */
export function recordItems(rec: VersionRecord): TransferItem[] {
  const items: TransferItem[] = [{ path: rec.path, id: rec.id }];
  if (rec.gate) items.push({ path: `${rec.name}@${rec.version}:gate-report`, id: rec.gate.report_id });
  if (rec.predictions) items.push({ path: rec.predictions.path, id: rec.predictions.id });
  return items;
}

export interface ObjectsMoved {
  remote: string;
  transferred: number;
  skipped: number;
  missing: { id: string; path: string }[];
  failed: { id: string; path: string; message: string }[];
}

export async function moveObjects(repo: Repo, dir: 'push' | 'fetch', items: TransferItem[], remoteName?: string): Promise<ObjectsMoved> {
  const spec = remoteSpec(repo.config, remoteName);
  const remote = await openRemote(spec, repo.root);
  try {
    const jobs = 16;
    const r = dir === 'push' ? await pushObjects(repo, remote, items, { jobs }) : await fetchObjects(repo, remote, items, { jobs });
    return { remote: spec.name, transferred: r.transferred, skipped: r.skipped, missing: r.missing, failed: r.failed.map((f) => ({ id: f.id, path: f.path, message: f.message })) };
  } finally {
    await remote.close();
  }
}

/** Fetch from the remote whichever of the items the cache lacks. */
export async function ensureObjects(repo: Repo, items: TransferItem[], remoteName?: string): Promise<ObjectsMoved | null> {
  const missing = items.filter((i) => !repo.cache.has(i.id));
  if (!missing.length) return null;
  const r = await moveObjects(repo, 'fetch', missing, remoteName);
  const still = missing.filter((i) => !repo.cache.has(i.id));
  if (still.length) {
    throw new CairnError('CAIRN_MISSING_FROM_CACHE', `${still.map((s) => `${s.path} (${s.id})`).join(', ')}: not in the cache, nor on remote '${r.remote}'`, {
      hint: 'push it from the machine that registered it (`cairn model push`)',
      data: { missing: still },
    });
  }
  return r;
}

const refspecs = (names: string[]) =>
  names.length ? names.flatMap((n) => [`refs/tags/${n}@*:refs/tags/${n}@*`, `refs/tags/${n}#*:refs/tags/${n}#*`]) : ['refs/tags/*:refs/tags/*'];

export async function pushTags(root: string, gitRemote: string, tags: string[]): Promise<{ pushed: number }> {
  if (!tags.length) return { pushed: 0 };
  const r = await gitAsync(root, ['push', '--porcelain', gitRemote, ...tags.map((t) => `refs/tags/${t}:refs/tags/${t}`)]);
  if (r.code !== 0) {
    throw new CairnError('CAIRN_REMOTE', `git push ${gitRemote} of ${tags.length} registry tag(s) failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`, {
      hint: 'a tag that exists on the remote with other content is refused: compare with `git ls-remote --tags`',
    });
  }
  const pushed = r.stdout.split('\n').filter((l) => /^\*\t/.test(l)).length;
  return { pushed };
}

export async function fetchTags(root: string, gitRemote: string, names: string[]): Promise<void> {
  // no --force: a registry tag that differs from the local one is refused, never replaced
  const r = await gitAsync(root, ['fetch', '--no-tags', gitRemote, ...refspecs(names)]);
  if (r.code !== 0) {
    throw new CairnError('CAIRN_REMOTE', `git fetch ${gitRemote} of the registry tags failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`, {
      hint: "a remote tag that differs from the local one is refused ('would clobber existing tag'): a version record must not change",
    });
  }
}
