// cairn status, the one status command: tracked data against its pointer files (and the
// cache), pipeline stages against cairn.lock, or (with cloud) the local cache against a
// remote. Options pick the parts; one Result type carries them. Reads and stats only (the
// stat cache means an unchanged target is never read); never takes the repo lock.
import { CairnError } from '../core/errors.js';
import { isDirId, type ObjectId } from '../core/ids.js';
import { diffTarget, hashTarget, loadManifest } from '../cache/build.js';
import { stageState, workspaceReader, type StageChanges } from '../pipeline/stage-state.js';
import { compareWithRemote, type CloudComparison } from '../remote/cloud-compare.js';
import { Repo } from '../repo/repo.js';
import { listTracked, resolveTarget, selectTracked } from '../repo/tracked.js';
import { loadGraph, lockReader } from '../pipeline/project.js';
import { walkOptions } from '../pipeline/rev-views.js';
import { jobsFor, remoteFor } from '../remote/selection.js';
import { selectItems } from '../repo/selection.js';
import { splitStageTargets } from '../pipeline/commit-stage.js';

export type { CloudState, CloudTarget } from '../remote/cloud-compare.js';

export interface StatusOptions {
  cwd: string;
  /** targets as typed (relative to cwd); all tracked targets when empty */
  targets?: string[];
  /** compare the cache with a remote instead of the workspace with the cache (status --cloud) */
  cloud?: boolean;
  /** with cloud: the remote's name (default: core.remote) */
  remote?: string;
  /** with cloud: requests in flight */
  jobs?: number;
  /** with cloud: download and hash every object the remote has (a corrupt one is not in sync) */
  verifyRemote?: boolean;
  /** report tracked data (default true; ignored with cloud) */
  data?: boolean;
  /** report pipeline stages: true always, false never; by default when no targets are
   * named and some cairn.yaml has stages (ignored with cloud) */
  pipeline?: boolean;
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

export interface CloudStatusResult extends CloudComparison {
  remote: string;
  url: string;
  requests: { requests: number; heads: number; lists: number; retries: number };
}

export type TargetState = 'up-to-date' | 'modified' | 'deleted' | 'missing-from-cache';

export interface TargetStatus {
  /** repo-relative POSIX path of the data */
  path: string;
  pointerFile: string;
  kind: 'file' | 'dir';
  state: TargetState;
  /** id the pointer file records */
  id: ObjectId;
  /** id of what is in the workspace now (absent when deleted) */
  workspaceId?: ObjectId;
  /** whether the pointer's object is in the local cache (for a directory: its manifest and
   * every file object it lists) */
  inCache: boolean;
  /** directories only: files (relpaths) whose object is missing from the cache (absent, or
   * quarantined by fsck) */
  missingObjects?: string[];
  /** directories only, when modified and the recorded manifest is cached */
  changes?: { added: string[]; modified: string[]; deleted: string[] };
}

export interface StatusResult {
  targets: TargetStatus[];
  /** true when every target is up to date (and, with pipelines, no stage changed; with
   * --cloud, everything is in sync) */
  clean: boolean;
  /** stages of every cairn.yaml that differ from cairn.lock (absent without pipelines, or
   * when targets were named) */
  pipeline?: PipelineStatusResult;
  /** with cloud: the remote comparison */
  cloud?: CloudStatusResult;
}

export async function status(opts: StatusOptions): Promise<StatusResult> {
  const repo = await Repo.open(opts.cwd);
  if (opts.cloud) {
    const cloud = await cloudStatus(repo, opts);
    return { targets: [], clean: cloud.inSync, cloud };
  }
  const named = (opts.targets?.length ?? 0) > 0;
  // a named target may be a stage (`name`, `file:name`, a group, a cairn.yaml, or one of its
  // outs), as in `dvc status STAGE`: the comparison with cairn.lock of the named stages only
  const split = named && opts.pipeline !== false ? splitStageTargets(repo, opts.cwd, opts.targets!) : undefined;
  const stageIds = split?.stages.length ? new Set(split.stages.map((s) => s.id)) : undefined;
  const dataTargets = split ? split.data : opts.targets;
  const data = opts.data === false || (stageIds && !dataTargets?.length) ? { targets: [], clean: true } : dataStatus(repo, { ...opts, targets: dataTargets });
  if (opts.pipeline === false || (opts.pipeline === undefined && named && !stageIds)) return data;
  const pipeline = await pipelineStatus(repo, stageIds);
  if (pipeline.stages.length === 0 && opts.pipeline === undefined) return data;
  return { ...data, pipeline, clean: data.clean && pipeline.changed.length === 0 };
}

async function cloudStatus(repo: Repo, opts: StatusOptions): Promise<CloudStatusResult> {
  const items = await selectItems(repo, opts.cwd, opts.targets, await walkOptions(repo, {}));
  const { remote, name, url } = await remoteFor(repo, opts.remote, opts.jobs);
  try {
    const c = await compareWithRemote(repo, remote, items, { jobs: jobsFor(repo, name, opts.jobs), verify: opts.verifyRemote });
    return { remote: name, url, ...c, requests: { ...remote.stats } };
  } finally {
    await remote.close();
  }
}

async function pipelineStatus(repo: Repo, only?: Set<string>): Promise<PipelineStatusResult> {
  const { graph } = loadGraph(repo, { checkDeps: false });
  const order = only ? graph.order.filter((id) => only.has(id)) : graph.order;
  const ws = repo.workspace();
  const readFile = workspaceReader(repo.root);
  const lockOf = lockReader(repo.root);
  // external deps (s3://, https://) are looked at without downloading: ETag, listing, HEAD
  const urls = order.flatMap((id) => graph.byId.get(id)!.stage.external ?? []);
  const external = urls.length ? await (await import('../remote/external.js')).probeAll(urls, { config: repo.config, base: repo.root }, { tolerant: true }) : undefined;
  const stages = order.map((id): PipelineStageStatus => {
    const st = graph.byId.get(id)!.stage;
    // tolerant: a missing params file or key is a deleted dep or param here, not an error
    const { changes } = stageState(ws, st, lockOf(st.file).stages[st.name], readFile, external, false, true);
    return { id, name: st.name, file: st.file, frozen: st.frozen, ...changes };
  });
  return { stages, changed: stages.filter((s) => s.changed).map((s) => s.id) };
}

function dataStatus(repo: Repo, opts: StatusOptions): StatusResult {
  const ws = repo.workspace();
  const rels = (opts.targets ?? []).map((t) => resolveTarget(repo, opts.cwd, t));
  const selected = selectTracked(listTracked(repo), rels);
  const targets: TargetStatus[] = [];
  for (const t of selected) {
    const kind = isDirId(t.out.id) ? 'dir' : 'file';
    let inCache = t.out.hash === repo.algo && repo.cache.has(t.out.id);
    // a directory is in the cache only when every file object its manifest lists is
    let missingObjects: string[] | undefined;
    if (kind === 'dir' && inCache) {
      missingObjects = loadManifest(ws, t.out.id, t.path).filter((e) => !repo.cache.has(e.hash)).map((e) => e.relpath);
      if (missingObjects.length) inCache = false;
      else missingObjects = undefined;
    }
    const base = { path: t.path, pointerFile: t.pointerFile, kind, id: t.out.id, inCache, ...(missingObjects ? { missingObjects } : {}) } as const;
    if (t.out.hash !== repo.algo) {
      // recorded with another algorithm: compare by rehashing is impossible without its factory
      throw new CairnError('CAIRN_CONFIG', `${t.pointerFile} records hash ${t.out.hash} but this repo uses ${repo.algo}`, {
        hint: `re-add the data with \`cairn add ${t.path}\`, or set \`cairn config core.hash ${t.out.hash}\``,
        data: { file: t.pointerFile },
      });
    }
    if (!repo.exists(t.path)) {
      targets.push({ ...base, state: 'deleted' });
      continue;
    }
    let cur;
    try {
      cur = hashTarget(ws, t.path);
    } catch (e) {
      if (e instanceof CairnError && e.code === 'CAIRN_NOT_FOUND') {
        targets.push({ ...base, state: 'deleted' });
        continue;
      }
      throw e;
    }
    if (cur.id === t.out.id) {
      targets.push({ ...base, workspaceId: cur.id, state: inCache ? 'up-to-date' : 'missing-from-cache' });
      continue;
    }
    const entry: TargetStatus = { ...base, workspaceId: cur.id, state: 'modified' };
    if (kind === 'dir' && cur.kind === 'dir' && repo.cache.has(t.out.id)) {
      try {
        entry.changes = diffTarget(ws, t.out.id, cur, t.path);
      } catch (e) {
        if (!(e instanceof CairnError) || e.code !== 'CAIRN_MISSING_FROM_CACHE') throw e;
      }
    }
    targets.push(entry);
  }
  return { targets, clean: targets.every((t) => t.state === 'up-to-date') };
}
