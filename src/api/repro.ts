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
import { reach } from '../pipeline/graph.js';
import type { ExternalStates } from '../pipeline/stage-state.js';
import { listTracked } from '../repo/tracked.js';
import { lockTracked } from '../pipeline/outs.js';
import { overlaps } from '../core/paths.js';
import { checkoutTracked } from '../repo/checkout.js';
import type { Remote } from '../remote/remote.js';
import type { Repo as RepoT } from '../repo/repo.js';
import { fetchRuns } from '../remote/run-sync.js';
import { jobsFor, remoteFor } from '../remote/selection.js';
import { updateSources, type SourceUpdate } from '../pipeline/sources.js';

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
  /**
   * Fetch from the default remote (or `remote`) before deciding: run-cache entries, the
   * objects of missing pointer-tracked deps, and the outs of stages restored from the
   * run-cache. With --single-item, upstream stages are restored (never run) from what
   * another worker pushed.
   */
  pull?: boolean;
  /** remote name for `pull` */
  remote?: string;
  /** as DVC's: a dep or out missing from the workspace but in the lock is not a change */
  allowMissing?: boolean;
  /** HTTP client for https:// deps (tests) */
  fetch?: typeof fetch;
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
  /** files written for git (every cairn.lock, .gitignore and pointer file changed), repo-relative, sorted */
  gitFiles: string[];
  /**
   * Pointer-tracked data the looked-at stages depend on that was edited in place, recorded
   * (cache + pointer) before the stages ran, as `dvc repro` verifies its data sources
   * (pipeline/sources.ts has the rule); with --dry, what would be recorded.
   */
  sources: SourceUpdate[];
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
    // with --pull the deps arrive later, with --allow-missing they may stay absent: the executor
    // names a dep that is still missing when its stage has to run
    const { pipelines, graph } = loadGraph(repo, { checkDeps: !opts.pull && !opts.allowMissing });
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
    // the stages this run may look at: the selection and (for --pull) its upstream
    const scope = targets.length ? new Set([...targets, ...reach(graph.up, targets)]) : new Set(graph.order);
    const urls = [...scope].flatMap((id) => graph.byId.get(id)!.stage.external ?? []);
    let external: ExternalStates | undefined;
    if (urls.length) {
      const { probeAll } = await import('../remote/external.js');
      external = await probeAll(urls, { config: repo.config, base: repo.root, fetch: opts.fetch });
    }
    let remote: Remote | undefined;
    let fetchObjects: ((items: { path: string; id: string }[]) => Promise<void>) | undefined;
    let restoreOnly: Set<string> | undefined;
    if (opts.pull && !opts.dry) {
      const r = await remoteFor(repo, opts.remote, undefined);
      remote = r.remote;
      openRemotes.set(repo, remote);
      const jobs = jobsFor(repo, r.name, undefined);
      await remote.ready();
      await fetchRuns(repo, remote, jobs);
      const { fetchObjects: fetchIds } = await import('../remote/transfer.js');
      const rem = remote;
      fetchObjects = async (items) => {
        const res = await fetchIds(repo, rem, items, { jobs });
        if (res.failed.length || res.missing.length) {
          const first = res.failed[0]?.message ?? `object ${res.missing[0]!.id} (${res.missing[0]!.path}) is not on remote '${r.name}'`;
          throw new CairnError(res.failed.some((f) => f.code === 'CAIRN_INTEGRITY') ? 'CAIRN_INTEGRITY' : 'CAIRN_FAILED', `repro --pull: ${first}`, {
            hint: 'push it from the machine that has it (`cairn push --run-cache`)',
          });
        }
      };
      // frozen stages never run nor restore: their locked outs are fetched like tracked data
      const frozenOuts = new Set([...scope].flatMap((id) => (graph.byId.get(id)!.stage.frozen ? graph.byId.get(id)!.stage.outs.map((o) => o.path) : [])));
      await pullTrackedDeps(repo, [...scope].flatMap((id) => graph.byId.get(id)!.stage.deps), fetchObjects, frozenOuts);
      if (opts.singleItem && targets.length) restoreOnly = new Set([...scope].filter((id) => !targets.includes(id)));
    }
    // the data sources of the stages the user selected; DVC treats them as upstream stages,
    // so --single-item leaves them alone
    const selected = !targets.length ? graph.order : opts.singleItem ? [] : [...new Set([...targets, ...reach(opts.downstream ? graph.down : graph.up, targets)])];
    const sources = updateSources(repo, ws, selected.map((id) => graph.byId.get(id)!.stage), { dry: opts.dry });
    for (const s of sources) if (s.status === 'updated') opts.onEvent?.({ type: 'source', path: s.path, pointerFile: s.pointerFile });
    const planTargets = restoreOnly ? [...scope] : targets;
    const steps0: PlanStep[] = planRepro({
      graph,
      targets: planTargets,
      force: opts.force,
      singleItem: opts.singleItem,
      downstream: opts.downstream,
      changesOf: (id) => {
        const st = graph.byId.get(id)!.stage;
        return stageState(ws, st, lockOf(st.file).stages[st.name], readFile, external, opts.allowMissing).changes;
      },
    });
    // restored-only upstream stages are never forced; the executor re-checks them
    const steps: PlanStep[] = restoreOnly
      ? steps0.map((s) => (restoreOnly!.has(s.id) && s.action !== 'frozen' ? { ...s, forced: false, action: s.action === 'skip' ? 'skip' : 'maybe' } : s))
      : steps0;
    if (opts.dry) {
      const stages: ReproStage[] = steps.map((s) => {
        const st = graph.byId.get(s.id)!.stage;
        const status: ReproStatus = s.action === 'run' ? 'would-run' : s.action === 'maybe' ? 'may-run' : s.action === 'skip' ? 'skipped' : 'frozen';
        return { id: s.id, name: st.name, file: st.file, status, reasons: s.reasons };
      });
      return { dry: true, ok: true, interrupted: false, stages, counts: count(stages), failed: [], gitFiles: [], sources };
    }
    const { results, interrupted, written } = await executePlan({
      external,
      allowMissing: opts.allowMissing,
      restoreOnly,
      fetchObjects,
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
    const gitFiles = [...new Set([...written, ...sources.map((s) => s.pointerFile)])].sort();
    return { dry: false, ok: !error, interrupted, stages, counts: count(stages), failed, gitFiles, sources, ...(error ? { error } : {}) };
  };
  const withRemoteClosed = async () => {
    try {
      return await body();
    } finally {
      await openRemotes.get(repo)?.close();
      openRemotes.delete(repo);
    }
  };
  return opts.dry ? body() : repo.withLock('repro', withRemoteClosed);
}

const openRemotes = new Map<RepoT, Remote>();

/** repro --pull: pointer-tracked deps (and locked outs of frozen stages) missing from the workspace are fetched and checked out. */
async function pullTrackedDeps(repo: RepoT, deps: string[], fetchObjects: (items: { path: string; id: string }[]) => Promise<void>, frozenOuts: Set<string>): Promise<void> {
  const candidates = [...listTracked(repo), ...(frozenOuts.size ? lockTracked(repo).filter((t) => frozenOuts.has(t.path)) : [])];
  const tracked = candidates.filter((t) => deps.some((d) => overlaps(d, t.path)) && !repo.exists(t.path));
  if (!tracked.length) return;
  await fetchObjects(tracked.map((t) => ({ path: t.path, id: t.out.id })));
  checkoutTracked(repo, tracked, { cwd: repo.root, targets: tracked.map((t) => t.path) });
}

function runLogFor(root: string, dotDir: string): { dotDir: string; commit: string | null; dirty: boolean | null } {
  const commit = headCommit(root);
  return { dotDir, commit, dirty: commit ? isDirty(root) : null };
}
