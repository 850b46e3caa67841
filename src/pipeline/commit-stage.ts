// `commit <stage>` (as `dvc commit <stage>`): record a stage's current deps, params and outs
// in its cairn.lock entry without running it (after running its command by hand, or editing
// an out). Outs enter the cache and are git-ignored, and the run-cache learns the run, as
// repro would have recorded them. The caller holds the repo lock.
import { dirname, join } from 'node:path';
import type { Workspace } from '../cache/workspace.js';
import { runKey, writeRunEntry } from '../cache/run-cache.js';
import { CairnError } from '../core/errors.js';
import { readLock, serializeLock, writeLock, LOCK_FILE, type ExternalEntry, type LockEntry, type LockStage } from '../repo/lockfile.js';
import type { Repo } from '../repo/repo.js';
import { listTracked, resolveTarget } from '../repo/tracked.js';
import { overlaps, repoRelative } from '../core/paths.js';
import type { Graph } from './graph.js';
import { resolveTargets } from './plan.js';
import { loadGraph } from './project.js';
import type { Stage } from './model.js';
import { ignoreOuts, recordOuts, runCacheable } from './record.js';
import { entryOf, lockCmd, lockPath, paramValues, workspaceReader } from './stage-state.js';

export interface CommittedStage {
  id: string;
  name: string;
  file: string;
  /** committed: the lock entry was written; unchanged: it already recorded this state */
  status: 'committed' | 'unchanged';
}

/** Record each stage's lock entry; returns what changed and the files written for git. */
export async function commitStages(repo: Repo, ws: Workspace, stages: { id: string; stage: Stage }[]): Promise<{ stages: CommittedStage[]; gitFiles: string[] }> {
  const readFile = workspaceReader(repo.root);
  const gitFiles = new Set<string>();
  const out: CommittedStage[] = [];
  const urls = stages.flatMap((s) => s.stage.external ?? []);
  const probed = urls.length ? await (await import('../remote/external.js')).probeAll(urls, { config: repo.config, base: repo.root }) : undefined;
  for (const { id, stage: st } of stages) {
    const fail = (msg: string, hint: string, data: Record<string, unknown>) => new CairnError('CAIRN_NOT_FOUND', `cannot commit stage '${id}': ${msg}`, { hint, data: { stage: id, ...data } });
    const params = paramValues(st, readFile);
    const deps: LockEntry[] = [];
    for (const d of st.deps) {
      const e = entryOf(ws, st, d);
      if (!e) throw fail(`its dep '${d}' does not exist`, `create ${d}, or run the stage with \`cairn repro ${id}\``, { path: d });
      deps.push(e);
    }
    const external: ExternalEntry[] = [];
    for (const u of st.external ?? []) {
      const e = probed?.get(u);
      if (!e) throw fail(`its dep '${u}' could not be reached`, 'check the URL and credentials, then retry', { path: u });
      external.push(e);
    }
    for (const o of st.outs) repo.guard.checkTarget(o.path, { source: st.file, action: 'commit' });
    const rec = recordOuts(ws, st);
    if ('missing' in rec) throw fail(`its out '${rec.missing}' does not exist`, `produce it with \`cairn repro ${id}\``, { path: rec.missing });
    const entry: LockStage = { cmd: lockCmd(st), deps, params, outs: rec.outs, ...(external.length ? { external } : {}) };
    const dir = dirname(st.file);
    const lockRel = dir === '.' ? LOCK_FILE : `${dir}/${LOCK_FILE}`;
    const lock = readLock(join(repo.root, lockRel), repo.root) ?? { stages: {} };
    const prev = lock.stages[st.name];
    // the lock's own canonical form decides (key order, list order)
    const same = prev !== undefined && serializeLock({ stages: { s: prev } }) === serializeLock({ stages: { s: entry } });
    if (!same) {
      lock.stages[st.name] = entry;
      repo.guard.check(lockRel, { action: 'write' });
      writeLock(join(repo.root, lockRel), lock);
      gitFiles.add(lockRel);
    }
    for (const g of ignoreOuts(ws, st)) gitFiles.add(g);
    if (runCacheable(st)) {
      const key = runKey({ cmd: entry.cmd, deps: [...deps, ...external], params, outPaths: st.outs.map((o) => lockPath(st, o.path)) });
      writeRunEntry(repo.paths.cacheDir, key, { cmd: entry.cmd, deps, params, outs: rec.outs });
    }
    out.push({ id, name: st.name, file: st.file, status: same ? 'unchanged' : 'committed' });
  }
  return { stages: out, gitFiles: [...gitFiles].sort() };
}

/**
 * Split `commit` and `status` targets: a pointer-tracked path stays data; otherwise a stage name
 * (`name`, `file:name`, a foreach group, a cairn.yaml) or a path that is, or holds, a stage
 * out names that stage (as DVC's granular targets). Anything else stays data, so the data
 * commit reports it as not tracked. Pipelines are loaded only when some target is not data.
 */
export function splitStageTargets(repo: Repo, cwd: string, typed: string[]): { data: string[]; stages: { id: string; stage: Stage }[] } {
  const tracked = listTracked(repo);
  const data: string[] = [];
  const ids: string[] = [];
  let graph: Graph | undefined;
  const cwdRel = repoRelative(repo.root, cwd) ?? '.';
  for (const t of typed) {
    let rel: string;
    try {
      rel = resolveTarget(repo, cwd, t);
    } catch {
      // outside the repo, the root, .cairn/: the data commit reports it as before
      data.push(t);
      continue;
    }
    if (tracked.some((x) => overlaps(x.path, rel))) {
      data.push(t);
      continue;
    }
    graph ??= loadGraph(repo, { checkDeps: false }).graph;
    let hit: string[] = [];
    try {
      hit = resolveTargets(graph, [cwdRel !== '.' && (t.includes('/') || t.endsWith('.yaml')) ? `${cwdRel}/${t}` : t]);
    } catch (e) {
      if ((e as CairnError).code !== 'CAIRN_BAD_TARGET') throw e;
      hit = graph.nodes.filter((n) => n.stage.outs.some((o) => overlaps(o.path, rel))).map((n) => n.id);
    }
    if (!hit.length) data.push(t);
    for (const id of hit) if (!ids.includes(id)) ids.push(id);
  }
  return { data, stages: ids.map((id) => ({ id, stage: graph!.byId.get(id)!.stage })) };
}
