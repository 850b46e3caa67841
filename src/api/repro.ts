// cairn repro: load every cairn.yaml, build the graph, plan (pure), then execute under the
// repo lock. --dry stops after the plan and writes nothing.
import { CairnError } from '../core/errors.js';
import { loadGraph, lockReader } from '../pipeline/project.js';
import { planRepro, resolveTargets, type PlanStep } from '../pipeline/plan.js';
import { executePlan, type ExecEvent, type RunnerFn, type StageResult, type StageStatus } from '../pipeline/execute.js';
import { stageState, workspaceReader } from '../pipeline/stage-state.js';
import { Repo } from '../repo/repo.js';
import { repoRelative } from '../core/paths.js';
import { headCommit, isDirty } from '../git/cli.js';

export interface ReproOptions {
  cwd: string;
  targets?: string[];
  force?: boolean;
  singleItem?: boolean;
  downstream?: boolean;
  dry?: boolean;
  keepGoing?: boolean;
  jobs?: number;
  /** false = never restore from or record in the run-cache (--no-run-cache) */
  runCache?: boolean;
  onEvent?: (e: ExecEvent) => void;
  onOutput?: (id: string, text: string, stream: 'stdout' | 'stderr') => void;
  signal?: AbortSignal;
  runner?: RunnerFn;
}

export type ReproStatus = StageStatus | 'would-run' | 'may-run';

export interface ReproStage {
  id: string;
  name: string;
  file: string;
  status: ReproStatus;
  reasons: string[];
  exitCode?: number;
  error?: string;
}

export interface ReproResult {
  dry: boolean;
  ok: boolean;
  interrupted: boolean;
  stages: ReproStage[];
  counts: Partial<Record<ReproStatus, number>>;
  failed: { id: string; exitCode?: number; error?: string }[];
  /** files written for git (every cairn.lock and .gitignore changed), repo-relative, sorted */
  gitFiles: string[];
  /**
   * The run's outcome when it is not ok, as data (the stages above are still reported):
   * CAIRN_INTERRUPTED (exit 130) or CAIRN_STAGE_FAILED (exit 1). The CLI maps it through
   * src/cli/outcome.ts; with --json it appears as `{code, message, hint, data}`.
   */
  error?: CairnError;
}

/** The outcome of an executed run: an interruption wins over failed stages. */
function reproError(r: Pick<ReproResult, 'interrupted' | 'failed'>, keepGoing = false): CairnError | undefined {
  if (r.interrupted) {
    return new CairnError('CAIRN_INTERRUPTED', 'interrupted: running stages were stopped; their lock entries are unchanged', {
      hint: 'rerun `cairn repro` to finish the pipeline',
    });
  }
  if (!r.failed.length) return undefined;
  const names = r.failed.map((f) => `'${f.id}'`).join(', ');
  return new CairnError('CAIRN_STAGE_FAILED', `${r.failed.length === 1 ? 'stage' : 'stages'} ${names} failed`, {
    hint: `fix the failing stage and rerun \`cairn repro\`${keepGoing ? '' : ' (or add --keep-going to run independent stages)'}`,
    data: { failed: r.failed },
  });
}

function count(stages: ReproStage[]): ReproResult['counts'] {
  const c: ReproResult['counts'] = {};
  for (const s of stages) c[s.status] = (c[s.status] ?? 0) + 1;
  return c;
}

export async function repro(opts: ReproOptions): Promise<ReproResult> {
  const repo = await Repo.open(opts.cwd);
  if (opts.jobs !== undefined && (!Number.isInteger(opts.jobs) || opts.jobs < 1)) {
    throw new CairnError('CAIRN_USAGE', `--jobs must be a positive integer, got ${opts.jobs}`);
  }
  const body = async (): Promise<ReproResult> => {
    const ws = repo.workspace();
    const { pipelines, graph } = loadGraph(repo);
    if (!pipelines.length) {
      throw new CairnError('CAIRN_NOT_FOUND', `no cairn.yaml in ${repo.root}`, { hint: 'add a stage with `cairn stage add -n NAME -d DEP -o OUT CMD`' });
    }
    // repro deletes outs before running their stage: every out of every stage passes the
    // containment check first, naming its cairn.yaml, so a refusal touches nothing
    for (const p of pipelines) for (const st of p.stages) for (const o of st.outs) repo.guard.checkTarget(o.path, { source: p.file, action: 'use as an out' });
    const cwdRel = repoRelative(repo.root, opts.cwd) ?? '.';
    const targets = opts.targets?.length
      ? resolveTargets(graph, opts.targets.map((t) => (cwdRel !== '.' && (t.includes('/') || t.endsWith('.yaml')) ? `${cwdRel}/${t}` : t)))
      : [];
    const readFile = workspaceReader(repo.root);
    const lockOf = lockReader(repo.root);
    const steps: PlanStep[] = planRepro({
      graph,
      targets,
      force: opts.force,
      singleItem: opts.singleItem,
      downstream: opts.downstream,
      changesOf: (id) => {
        const st = graph.byId.get(id)!.stage;
        return stageState(ws, st, lockOf(st.file).stages[st.name], readFile).changes;
      },
    });
    if (opts.dry) {
      const stages: ReproStage[] = steps.map((s) => {
        const st = graph.byId.get(s.id)!.stage;
        const status: ReproStatus = s.action === 'run' ? 'would-run' : s.action === 'maybe' ? 'may-run' : s.action === 'skip' ? 'skipped' : 'frozen';
        return { id: s.id, name: st.name, file: st.file, status, reasons: s.reasons };
      });
      return { dry: true, ok: true, interrupted: false, stages, counts: count(stages), failed: [], gitFiles: [] };
    }
    const { results, interrupted, written } = await executePlan({
      ws,
      graph,
      steps,
      cacheDir: repo.paths.cacheDir,
      readFile,
      jobs: opts.jobs,
      keepGoing: opts.keepGoing,
      runCache: opts.runCache,
      runner: opts.runner,
      onEvent: opts.onEvent,
      onOutput: opts.onOutput,
      signal: opts.signal,
      runLog: runLogFor(repo.root, repo.paths.dotDir),
    });
    const stages: ReproStage[] = results.map((r: StageResult) => ({ ...r }));
    const failed = stages.filter((s) => s.status === 'failed').map((s) => ({ id: s.id, exitCode: s.exitCode, error: s.error }));
    const error = reproError({ interrupted, failed }, opts.keepGoing);
    return { dry: false, ok: !error, interrupted, stages, counts: count(stages), failed, gitFiles: written, ...(error ? { error } : {}) };
  };
  return opts.dry ? body() : repo.withLock('repro', body);
}

function runLogFor(root: string, dotDir: string): { dotDir: string; commit: string | null; dirty: boolean | null } {
  const commit = headCommit(root);
  return { dotDir, commit, dirty: commit ? isDirty(root) : null };
}
