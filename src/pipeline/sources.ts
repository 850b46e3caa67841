// Data sources of a repro: pointer-tracked data (`X.cairn`) that a stage repro looks at
// depends on. As `dvc repro` does with the `.dvc` stages upstream of its targets ("Verifying
// data sources"), data that was edited in place is recorded (cache + pointer file) before the
// stages run, so the pointer and the lock never disagree about the same bytes.
//
// The rule, kept safe:
//  - only pointers overlapping a dep of a stage repro looks at (the selection and, unless
//    --single-item, its upstream), never other tracked data;
//  - only data present in the workspace: missing data is never recorded as a deletion (the
//    stage then fails on its missing dep, as DVC's "missing data source");
//  - the new content enters the cache before its pointer is rewritten; the old pointer stays
//    in git history and its object in the cache, so the previous version stays reachable;
//  - --dry reports what it would record and writes nothing.
import { join } from 'node:path';
import { hashTarget, saveTarget } from '../cache/build.js';
import type { Workspace } from '../cache/workspace.js';
import { overlaps } from '../core/paths.js';
import { writePointer, type Pointer, type PointerOut } from '../repo/pointer.js';
import type { Repo } from '../repo/repo.js';
import { listTracked, type Tracked } from '../repo/tracked.js';
import type { Stage } from './model.js';

export interface SourceUpdate {
  /** repo-relative path of the data */
  path: string;
  pointerFile: string;
  /** updated: the pointer now records the workspace content; would-update: --dry */
  status: 'updated' | 'would-update';
  oldId: string;
  id: string;
  size: number;
  nfiles?: number;
}

/** Pointer-tracked data the stages depend on whose workspace content differs from its pointer. */
export function changedSources(repo: Repo, ws: Workspace, stages: Stage[]): { t: Tracked; id: string }[] {
  const deps = stages.flatMap((s) => s.deps);
  if (!deps.length) return [];
  const out: { t: Tracked; id: string }[] = [];
  for (const t of listTracked(repo)) {
    if (!deps.some((d) => overlaps(d, t.path)) || !repo.exists(t.path)) continue;
    repo.guard.checkTarget(t.path, { source: t.pointerFile, action: 'record' });
    const th = hashTarget(ws, t.path);
    if (th.id !== t.out.id || t.out.hash !== ws.algo) out.push({ t, id: th.id });
  }
  return out;
}

/** Record changed sources: objects to the cache, then each pointer file rewritten once. */
export function updateSources(repo: Repo, ws: Workspace, stages: Stage[], opts: { dry?: boolean } = {}): SourceUpdate[] {
  const changed = changedSources(repo, ws, stages);
  const updates: SourceUpdate[] = [];
  const pointers = new Map<string, Pointer>();
  for (const { t, id } of changed) {
    if (opts.dry) {
      updates.push({ path: t.path, pointerFile: t.pointerFile, status: 'would-update', oldId: t.out.id, id, size: 0 });
      continue;
    }
    const th = hashTarget(ws, t.path, { store: true });
    saveTarget(ws, th);
    const p = pointers.get(t.pointerFile) ?? { outs: t.pointer.outs.map((o) => ({ ...o })), ...(t.pointer.extra ? { extra: t.pointer.extra } : {}), ...(t.pointer.text !== undefined ? { text: t.pointer.text } : {}) };
    const i = t.pointer.outs.indexOf(t.out);
    const prev = p.outs[i]!;
    // the other fields of the entry (desc, meta, ...) stay as they were
    const next: PointerOut = { ...prev, hash: ws.algo, id: th.id, size: th.size };
    if (th.kind === 'dir') next.nfiles = th.nfiles ?? th.manifest?.length ?? 0;
    else delete next.nfiles;
    p.outs[i] = next;
    pointers.set(t.pointerFile, p);
    updates.push({ path: t.path, pointerFile: t.pointerFile, status: 'updated', oldId: t.out.id, id: th.id, size: th.size, ...(next.nfiles !== undefined ? { nfiles: next.nfiles } : {}) });
  }
  for (const [file, p] of pointers) {
    repo.guard.check(file, { action: 'write' });
    writePointer(join(repo.root, file), p);
  }
  return updates;
}
