// cairn model list: every model, its latest version and the aliases it has now.
import { loadRegistry, type ModelSummary } from '../mlops/registry/registry.js';
import { Repo } from '../repo/repo.js';

export interface ModelListOptions {
  cwd: string;
}

export interface ModelListEntry extends ModelSummary {
  name: string;
}

export type ModelListResult = ModelListEntry[];

export async function modelList(opts: ModelListOptions): Promise<ModelListResult> {
  const repo = await Repo.open(opts.cwd);
  const { summaries } = loadRegistry(repo, []);
  return Object.keys(summaries)
    .sort()
    .filter((n) => summaries[n]!.versions > 0)
    .map((name) => ({ name, ...summaries[name]! }));
}
