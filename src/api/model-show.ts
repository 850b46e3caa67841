// cairn model show NAME[@VERSION|@ALIAS]: one version record (the latest without a version).
import { CairnError } from '../core/errors.js';
import { loadFor, resolveEntry, viewOf, type VersionView } from '../mlops/registry/registry.js';
import { Repo } from '../repo/repo.js';

export interface ModelShowOptions {
  cwd: string;
  target: string;
}

export type ModelShowResult = VersionView;

export async function modelShow(opts: ModelShowOptions): Promise<ModelShowResult> {
  const repo = await Repo.open(opts.cwd);
  const { model, entry, alias } = resolveEntry(loadFor(repo, opts.target), opts.target);
  if (!entry) {
    throw new CairnError('CAIRN_NOT_FOUND', `${opts.target}: ${alias ? `no version holds alias '${alias}'` : 'no such version'} of model '${model.name}'`, {
      hint: `run \`cairn model history ${model.name}\` to see its versions and aliases`,
      data: { target: opts.target },
    });
  }
  return viewOf(model, entry, alias);
}
