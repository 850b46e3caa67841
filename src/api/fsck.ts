// cairn fsck: rehash every object in the local cache. Corrupt objects are moved to
// .cairn/cache/quarantine/ and listed; directory manifests must also parse.
import { CairnError } from '../core/errors.js';
import { isDirId, type ObjectId } from '../core/ids.js';
import { parseManifest } from '../core/manifest.js';
import { Repo } from '../repo/repo.js';

export interface FsckOptions {
  cwd: string;
  onProgress?: (done: number, total: number, what: string) => void;
}

export interface FsckResult {
  checked: number;
  corrupt: { id: ObjectId; reason: string; quarantined?: string }[];
  /** true when every object matched its id */
  ok: boolean;
}

export async function fsck(opts: FsckOptions): Promise<FsckResult> {
  const repo = await Repo.open(opts.cwd);
  return repo.withLock('fsck', async () => {
    const ids = [...repo.cache.list()].sort();
    const corrupt: FsckResult['corrupt'] = [];
    let done = 0;
    for (const id of ids) {
      try {
        repo.cache.check(id);
        if (isDirId(id)) {
          try {
            parseManifest(repo.cache.get(id), repo.algo, id);
          } catch (e) {
            corrupt.push({ id, reason: (e as Error).message, quarantined: repo.cache.quarantine(id) });
          }
        }
      } catch (e) {
        if (e instanceof CairnError && e.code === 'CAIRN_INTEGRITY') {
          corrupt.push({ id, reason: e.message, quarantined: e.data.quarantined as string | undefined });
        } else throw e;
      }
      if (++done % 100 === 0) opts.onProgress?.(done, ids.length, 'checking cache');
    }
    return { checked: ids.length, corrupt, ok: corrupt.length === 0 };
  });
}
