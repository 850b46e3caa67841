// cairn model push [NAME...]: the registry tags to the git remote, the files they name
// (model, gate report, predictions) to the cairn remote. Data goes first: a tag that arrives
// before its files would name bytes nobody can fetch.
import { CairnError } from '../core/errors.js';
import { loadRegistry } from '../mlops/registry/registry.js';
import { moveObjects, pushTags, recordItems, type ObjectsMoved } from '../mlops/registry/transfer.js';
import { Repo } from '../repo/repo.js';

export interface ModelPushOptions {
  cwd: string;
  /** models to push; all when empty */
  names?: string[];
  /** git remote for the tags (default origin) */
  gitRemote?: string;
  /** cairn remote for the data (the default remote when omitted) */
  remote?: string;
  /** tags only */
  noData?: boolean;
}

export interface ModelPushResult {
  tags: string[];
  pushedTags: number;
  data: ObjectsMoved | null;
}

export async function modelPush(opts: ModelPushOptions): Promise<ModelPushResult> {
  const repo = await Repo.open(opts.cwd);
  const reg = loadRegistry(repo);
  const names = opts.names?.length ? opts.names : [...reg.models.keys()];
  for (const n of names) if (!reg.models.has(n)) throw new CairnError('CAIRN_NOT_FOUND', `no model '${n}' in the registry`, { hint: 'run `cairn model list`' });
  const wanted = new Set(names);
  const tags = reg.tags.filter((t) => wanted.has(t.parsed.name)).map((t) => t.tag).sort();
  let data: ObjectsMoved | null = null;
  if (!opts.noData) {
    const items = names.flatMap((n) => reg.models.get(n)!.versions.filter((v) => v.record && !v.problems.length).flatMap((v) => recordItems(v.record!)));
    data = await moveObjects(repo, 'push', items, opts.remote);
    if (data.failed.length || data.missing.length) {
      throw new CairnError('CAIRN_FAILED', `model push: ${data.failed.length + data.missing.length} object(s) could not be pushed (${[...data.missing, ...data.failed].slice(0, 3).map((x) => x.path).join(', ')}); no tags pushed`, {
        hint: 'the missing files are not in this cache: `cairn pull` them, or push with --no-data',
        data: { missing: data.missing, failed: data.failed },
      });
    }
  }
  const { pushed } = await pushTags(repo.root, opts.gitRemote ?? 'origin', tags);
  return { tags, pushedTags: pushed, data };
}
