// cairn status: compare every tracked target with its pointer file. Reads and stats only
// (the stat cache means an unchanged target is never read); never takes the repo lock.
import { CairnError } from '../core/errors.js';
import { isDirId, type ObjectId } from '../core/ids.js';
import { diffTarget, hashTarget } from '../cache/workspace.js';
import { Repo } from '../repo/repo.js';
import type { CloudStatusResult } from './cloud-status.js';
import type { PipelineStatusResult } from './pipeline-status.js';
import { listTracked, resolveTarget, selectTracked } from '../repo/tracked.js';

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
  /** whether the pointer's object (for a directory: its manifest) is in the local cache */
  inCache: boolean;
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
  if (opts.cloud) {
    const { cloudStatus } = await import('./cloud-status.js');
    const cloud = await cloudStatus({ cwd: opts.cwd, targets: opts.targets, remote: opts.remote, jobs: opts.jobs });
    return { targets: [], clean: cloud.inSync, cloud };
  }
  const data = await dataStatus(opts);
  if (opts.targets && opts.targets.length > 0) return data;
  const { pipelineStatus } = await import('./pipeline-status.js');
  const pipeline = await pipelineStatus({ cwd: opts.cwd });
  if (pipeline.stages.length === 0) return data;
  return { ...data, pipeline, clean: data.clean && pipeline.changed.length === 0 };
}

async function dataStatus(opts: StatusOptions): Promise<StatusResult> {
  const repo = await Repo.open(opts.cwd);
  const ws = repo.workspace();
  const rels = (opts.targets ?? []).map((t) => resolveTarget(repo, opts.cwd, t));
  const selected = selectTracked(listTracked(repo), rels);
  const targets: TargetStatus[] = [];
  for (const t of selected) {
    const kind = isDirId(t.out.id) ? 'dir' : 'file';
    const inCache = t.out.hash === repo.algo && repo.cache.has(t.out.id);
    const base = { path: t.path, pointerFile: t.pointerFile, kind, id: t.out.id, inCache } as const;
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
    if (kind === 'dir' && cur.kind === 'dir' && inCache) {
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
