// cairn commit: record the current content of tracked targets into the cache and their
// pointer files (after editing tracked data in place, or after a stage wrote an out); a
// target naming a stage (or an out of one) writes that stage's cairn.lock entry instead,
// without running it (pipeline/commit-stage.ts).
import { join, posix } from 'node:path';
import { hashTarget, saveTarget } from '../cache/build.js';
import type { Workspace } from '../cache/workspace.js';
import { writePointer, type Pointer } from '../repo/pointer.js';
import { Repo } from '../repo/repo.js';
import { updateKnownTargets } from '../repo/known-targets.js';
import { listTracked, resolveTarget, selectTracked } from '../repo/tracked.js';
import { commitStages, splitStageTargets, type CommittedStage } from '../pipeline/commit-stage.js';

export interface CommitOptions {
  cwd: string;
  /** targets as typed (relative to cwd); all tracked targets when empty */
  targets?: string[];
  onProgress?: Workspace['onProgress'];
}

export interface CommittedTarget {
  path: string;
  pointerFile: string;
  /** committed: the pointer now records new content; unchanged: it already did; deleted: the data is gone, nothing recorded */
  status: 'committed' | 'unchanged' | 'deleted';
  oldId: string;
  id?: string;
  size?: number;
  nfiles?: number;
  /** objects newly written to the cache */
  added: number;
}

export interface CommitResult {
  targets: CommittedTarget[];
  /** stages named by the targets, whose lock entries were recorded */
  stages: CommittedStage[];
  /** pointer files that changed (to `git add`) */
  gitFiles: string[];
}

export async function commit(opts: CommitOptions): Promise<CommitResult> {
  const repo = await Repo.open(opts.cwd);
  return repo.withLock('commit', async () => {
    const ws = repo.workspace(opts.onProgress);
    const typed = opts.targets ?? [];
    const split = typed.length ? splitStageTargets(repo, opts.cwd, typed) : { data: [], stages: [] };
    const rels = split.data.map((t) => resolveTarget(repo, opts.cwd, t));
    // only stages named: no data target (an empty selection would mean every tracked target)
    const selected = typed.length && !rels.length ? [] : selectTracked(listTracked(repo), rels);
    const targets: CommittedTarget[] = [];
    const gitFiles = new Set<string>();
    // a pointer file may hold several outs: update them together, write once
    const pointers = new Map<string, Pointer>();
    for (const t of selected) {
      if (!repo.exists(t.path)) {
        targets.push({ path: t.path, pointerFile: t.pointerFile, status: 'deleted', oldId: t.out.id, added: 0 });
        continue;
      }
      // like add: a tracked folder replaced by a symlink is not recorded from where it points
      repo.guard.checkTarget(t.path, { source: t.pointerFile, action: 'commit' });
      const th = hashTarget(ws, t.path, { store: true });
      const saved = saveTarget(ws, th);
      const isexec = th.kind === 'file' && !!th.isexec;
      const changed = th.id !== t.out.id || t.out.hash !== repo.algo || th.size !== t.out.size || (th.kind === 'file' && isexec !== !!t.out.isexec);
      targets.push({
        path: t.path,
        pointerFile: t.pointerFile,
        status: changed ? 'committed' : 'unchanged',
        oldId: t.out.id,
        id: th.id,
        size: th.size,
        nfiles: th.nfiles,
        added: saved.added,
      });
      if (!changed) continue;
      // the rewrite keeps the user's per-output fields, top-level keys and comments
      const p = pointers.get(t.pointerFile) ?? { outs: t.pointer.outs.map((o) => ({ ...o })), extra: t.pointer.extra, text: t.pointer.text };
      const i = t.pointer.outs.indexOf(t.out);
      const name = posix.basename(t.path);
      const idx = i >= 0 ? i : p.outs.findIndex((o) => posix.basename(o.path) === name);
      const prev = p.outs[idx]!;
      p.outs[idx] = {
        path: prev.path,
        hash: repo.algo,
        id: th.id,
        size: th.size,
        ...(th.kind === 'dir' ? { nfiles: th.nfiles } : {}),
        ...(isexec ? { isexec: true } : {}),
        ...(prev.extra ? { extra: prev.extra } : {}),
      };
      pointers.set(t.pointerFile, p);
    }
    for (const [file, p] of pointers) {
      repo.guard.check(file, { action: 'write' });
      writePointer(join(repo.root, file), p);
      gitFiles.add(file);
    }
    updateKnownTargets(repo, { set: targets.filter((t) => t.id && t.status !== 'deleted').map((t) => [t.path, t.id!] as [string, string]) });
    const st = split.stages.length ? await commitStages(repo, ws, split.stages) : { stages: [], gitFiles: [] };
    for (const f of st.gitFiles) gitFiles.add(f);
    return { targets, stages: st.stages, gitFiles: [...gitFiles].sort() };
  });
}
