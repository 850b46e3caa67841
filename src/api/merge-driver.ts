// git merge driver for cairn.lock and pointer files (`cairn merge-driver %O %A %B %P`):
// three-way merge stage by stage (locks) and entry by entry of directory manifests
// (pointers), taking each side's change where only one side touched it. The merged
// manifest is written into the cache. A real conflict leaves %A untouched and is reported.
import { readFileSync, writeFileSync } from 'node:fs';
import { CairnError } from '../core/errors.js';
import { isDirId } from '../core/ids.js';
import { parseManifest, serializeManifest, sortManifest, type Manifest, type ManifestEntry } from '../core/manifest.js';
import { canonicalStage, parseLock, serializeLock, type LockFile } from '../repo/lockfile.js';
import { parsePointer, serializePointer, type Pointer, type PointerOut } from '../repo/pointer.js';
import { Repo } from '../repo/repo.js';

export interface MergeDriverOptions {
  cwd: string;
  /** ancestor (%O), ours (%A: the result is written here), theirs (%B) */
  base: string;
  ours: string;
  theirs: string;
  /** the path in the repo (%P), to tell a lock from a pointer and for messages */
  path: string;
}

export interface MergeDriverResult {
  path: string;
  merged: boolean;
  /** what could not be merged: stage names or `out/relpath` entries */
  conflicts: string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Three-way choice: undefined value means absent on that side. */
function pick<T>(o: T | undefined, a: T | undefined, b: T | undefined): { ok: true; v: T | undefined } | { ok: false } {
  if (same(a, b)) return { ok: true, v: a };
  if (same(o, a)) return { ok: true, v: b };
  if (same(o, b)) return { ok: true, v: a };
  return { ok: false };
}

function mergeLocks(o: LockFile, a: LockFile, b: LockFile): { lock: LockFile; conflicts: string[] } {
  const names = [...new Set([...Object.keys(o.stages), ...Object.keys(a.stages), ...Object.keys(b.stages)])].sort();
  const out: LockFile = { stages: {} };
  const conflicts: string[] = [];
  for (const n of names) {
    const c = (s: LockFile) => (s.stages[n] ? canonicalStage(s.stages[n]!) : undefined);
    const r = pick(c(o), c(a), c(b));
    if (!r.ok) conflicts.push(n);
    else if (r.v !== undefined) {
      const src = same(r.v, c(a)) ? a : b;
      out.stages[n] = src.stages[n]!;
    }
  }
  return { lock: out, conflicts };
}

function mergeManifests(o: Manifest, a: Manifest, b: Manifest): { entries: Manifest; conflicts: string[] } {
  const m = (x: Manifest) => new Map(x.map((e) => [e.relpath, e]));
  const [mo, ma, mb] = [m(o), m(a), m(b)];
  const paths = [...new Set([...mo.keys(), ...ma.keys(), ...mb.keys()])];
  const entries: ManifestEntry[] = [];
  const conflicts: string[] = [];
  for (const p of paths) {
    const r = pick(mo.get(p), ma.get(p), mb.get(p));
    if (!r.ok) conflicts.push(p);
    else if (r.v) entries.push(r.v);
  }
  return { entries: sortManifest(entries), conflicts };
}

function mergePointers(repo: Repo, path: string, o: Pointer, a: Pointer, b: Pointer): { pointer: Pointer; conflicts: string[] } {
  const conflicts: string[] = [];
  const key = (x: Pointer) => new Map(x.outs.map((e) => [e.path, e]));
  const [ko, ka, kb] = [key(o), key(a), key(b)];
  const outs: PointerOut[] = [];
  for (const p of [...new Set([...ka.keys(), ...kb.keys(), ...ko.keys()])]) {
    const r = pick(ko.get(p), ka.get(p), kb.get(p));
    if (r.ok) {
      if (r.v) outs.push(r.v);
      continue;
    }
    const [eo, ea, eb] = [ko.get(p), ka.get(p), kb.get(p)];
    if (!eo || !ea || !eb || !isDirId(eo.id) || !isDirId(ea.id) || !isDirId(eb.id) || eo.hash !== repo.algo || ea.hash !== eo.hash || eb.hash !== eo.hash) {
      conflicts.push(p);
      continue;
    }
    const load = (id: string) => parseManifest(repo.cache.get(id, `${path} (merge)`), repo.algo, `${id} (${path})`);
    let mo: Manifest, ma: Manifest, mb: Manifest;
    try {
      [mo, ma, mb] = [load(eo.id), load(ea.id), load(eb.id)];
    } catch (e) {
      conflicts.push(`${p} (manifests not in the cache: ${(e as Error).message}; run \`cairn fetch\`)`);
      continue;
    }
    const mm = mergeManifests(mo, ma, mb);
    if (mm.conflicts.length) {
      conflicts.push(...mm.conflicts.map((c) => `${p}/${c}`));
      continue;
    }
    const id = repo.cache.put(serializeManifest(mm.entries), { dir: true });
    outs.push({ path: p, hash: repo.algo, id, size: mm.entries.reduce((s, e) => s + e.size, 0), nfiles: mm.entries.length });
  }
  return { pointer: { outs, extra: a.extra }, conflicts };
}

export async function mergeDriver(opts: MergeDriverOptions): Promise<MergeDriverResult> {
  const read = (f: string) => {
    try {
      return readFileSync(f, 'utf8');
    } catch (e) {
      throw new CairnError('CAIRN_NOT_FOUND', `merge of ${opts.path}: cannot read ${f}: ${(e as Error).message}`, { data: { file: f } });
    }
  };
  const [to, ta, tb] = [read(opts.base), read(opts.ours), read(opts.theirs)];
  if (opts.path.endsWith('cairn.lock')) {
    const empty = (t: string, w: string) => (t.trim() === '' ? { stages: {} } : parseLock(t, `${opts.path} (${w})`));
    const r = mergeLocks(empty(to, 'base'), empty(ta, 'ours'), empty(tb, 'theirs'));
    if (r.conflicts.length) return { path: opts.path, merged: false, conflicts: r.conflicts };
    writeFileSync(opts.ours, serializeLock(r.lock));
    return { path: opts.path, merged: true, conflicts: [] };
  }
  if (opts.path.endsWith('.cairn')) {
    const repo = await Repo.open(opts.cwd);
    const empty = (t: string, w: string): Pointer => (t.trim() === '' ? { outs: [] } : parsePointer(t, `${opts.path} (${w})`));
    const r = mergePointers(repo, opts.path, empty(to, 'base'), empty(ta, 'ours'), empty(tb, 'theirs'));
    if (r.conflicts.length) return { path: opts.path, merged: false, conflicts: r.conflicts };
    writeFileSync(opts.ours, serializePointer(r.pointer));
    return { path: opts.path, merged: true, conflicts: [] };
  }
  throw new CairnError('CAIRN_USAGE', `merge-driver: ${opts.path} is neither a cairn.lock nor a .cairn pointer file`, { hint: 'check the merge=cairn lines in .gitattributes' });
}
