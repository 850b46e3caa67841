// Pipeline changes per stage (cmd / deps / params / outs against cairn.lock), read-only:
// the integrator wires this into `cairn status`.
import { loadGraph, lockReader } from '../pipeline/project.js';
import { stageState, workspaceReader, type StageChanges } from '../pipeline/stage-state.js';
import { Repo } from '../repo/repo.js';

export interface PipelineStatusOptions {
  cwd: string;
}

/** A stage and what differs from its cairn.lock entry (`changed`: something does, or it never ran). */
export interface PipelineStageStatus extends StageChanges {
  id: string;
  name: string;
  file: string;
  frozen: boolean;
}

export interface PipelineStatusResult {
  stages: PipelineStageStatus[];
  /** ids of changed stages, topological order */
  changed: string[];
}

export async function pipelineStatus(opts: PipelineStatusOptions): Promise<PipelineStatusResult> {
  const repo = await Repo.open(opts.cwd);
  const { graph } = loadGraph(repo, { checkDeps: false });
  const ws = repo.workspace();
  const readFile = workspaceReader(repo.root);
  const lockOf = lockReader(repo.root);
  const stages = graph.order.map((id): PipelineStageStatus => {
    const st = graph.byId.get(id)!.stage;
    const { changes } = stageState(ws, st, lockOf(st.file).stages[st.name], readFile);
    return { id, name: st.name, file: st.file, frozen: st.frozen, ...changes };
  });
  return { stages, changed: stages.filter((s) => s.changed).map((s) => s.id) };
}
