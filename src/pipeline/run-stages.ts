// Run named stages (and nothing upstream) as repro would: load, probe external deps, plan,
// execute. For commands that own one stage (import-url, update); the caller holds the lock.
import { probeAll } from '../remote/external.js';
import type { Repo } from '../repo/repo.js';
import { executePlan, type StageResult } from './execute.js';
import { planRepro } from './plan.js';
import { loadGraph, lockReader } from './project.js';
import { stageState, workspaceReader } from './stage-state.js';

export async function runStages(repo: Repo, ids: string[], opts: { force?: boolean; fetch?: typeof fetch } = {}): Promise<StageResult[]> {
  const ws = repo.workspace();
  const { graph } = loadGraph(repo);
  const urls = ids.flatMap((id) => graph.byId.get(id)?.stage.external ?? []);
  const external = urls.length ? await probeAll(urls, { config: repo.config, base: repo.root, fetch: opts.fetch }) : undefined;
  const readFile = workspaceReader(repo.root);
  const lockOf = lockReader(repo.root);
  const steps = planRepro({
    graph,
    targets: ids,
    singleItem: true,
    force: opts.force,
    changesOf: (id) => {
      const st = graph.byId.get(id)!.stage;
      return stageState(ws, st, lockOf(st.file).stages[st.name], readFile, external).changes;
    },
  });
  const { results } = await executePlan({ ws, graph, steps, cacheDir: repo.paths.cacheDir, readFile, external });
  return results;
}
