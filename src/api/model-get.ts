// cairn model get NAME@ALIAS -o DIR: the version's files in DIR, from the cache or the remote.
import { resolve } from 'node:path';
import { CairnError } from '../core/errors.js';
import { materializeInto } from '../mlops/registry/files.js';
import { loadFor, resolveEntry, trusted } from '../mlops/registry/registry.js';
import { ensureObjects, recordItems } from '../mlops/registry/transfer.js';
import { Repo } from '../repo/repo.js';

export interface ModelGetOptions {
  cwd: string;
  target: string;
  /** output folder (relative to cwd) */
  out: string;
  /** cairn remote to pull from when the cache lacks the files */
  remote?: string;
}

export interface ModelGetResult {
  name: string;
  version: string;
  id: string;
  files: string[];
  /** objects pulled from the remote (0 when all were cached) */
  fetched: number;
}

export async function modelGet(opts: ModelGetOptions): Promise<ModelGetResult> {
  const repo = await Repo.open(opts.cwd);
  const { entry } = resolveEntry(loadFor(repo, opts.target), opts.target);
  if (!entry) throw new CairnError('CAIRN_NOT_FOUND', `${opts.target}: no such version or alias`, { hint: 'run `cairn model list`' });
  const rec = trusted(entry);
  return repo.withLock('model get', async () => {
    const moved = await ensureObjects(repo, recordItems(rec).slice(0, 1), opts.remote);
    const { files } = materializeInto(repo, rec, resolve(opts.cwd, opts.out));
    return { name: rec.name, version: rec.version, id: rec.id, files, fetched: moved?.transferred ?? 0 };
  });
}
