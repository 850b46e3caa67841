// A revision as something to read: a git commit (through src/git/revision.ts) or the
// workspace. Metrics, params, plots and gc all read revisions through this one view.
// Files that are cached outs (not committed) are read through their id in that revision's
// cairn.lock (or pointer file): from the local cache, else fetched from the default remote.
import { findRepoFiles } from '../repo/walk.js';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { CairnError } from '../core/errors.js';
import { History } from '../git/revision.js';
import { parsePipeline, type Pipeline } from '../pipeline/load.js';
import { registerRootProvider, type GcScopes } from './gc.js';
import { parseLock, type LockFile } from '../repo/lockfile.js';
import { parsePointer } from '../repo/pointer.js';
import type { ObjectRef } from '../repo/refs.js';
import { lockFiles, lockSource } from '../repo/refs.js';
import { Repo } from '../repo/repo.js';

export const WORKSPACE = 'workspace';

export interface RevView {
  /** what the user typed ('workspace' for the working tree) */
  rev: string;
  /** commit oid; undefined for the workspace */
  oid?: string;
  /** committed (or working-tree) bytes of a repo-relative path, undefined when absent */
  readFile(path: string): Promise<Buffer | undefined>;
  pipelineFiles(): Promise<string[]>;
  lockFiles(): Promise<string[]>;
  pointerFiles(): Promise<string[]>;
}

export async function openHistory(repo: Repo): Promise<History> {
  return History.open(repo.root);
}

/** Files named `name` under root, skipping .git, .cairn, node_modules and tracked dirs. */
function workspaceFiles(root: string, name: string): string[] {
  return findRepoFiles(root, (n) => n === name);
}

export function workspaceView(repo: Repo): RevView {
  return {
    rev: WORKSPACE,
    async readFile(p) {
      try {
        return readFileSync(join(repo.root, p));
      } catch {
        return undefined;
      }
    },
    async pipelineFiles() {
      return workspaceFiles(repo.root, 'cairn.yaml');
    },
    async lockFiles() {
      return lockFiles(repo);
    },
    async pointerFiles() {
      return repo.pointerFiles();
    },
  };
}

export function commitView(h: History, rev: string, oid: string): RevView {
  return {
    rev,
    oid,
    readFile: (p) => h.readFile(oid, p),
    pipelineFiles: async () => (await h.cairnFiles(oid)).pipelines,
    lockFiles: async () => (await h.cairnFiles(oid)).locks,
    pointerFiles: async () => (await h.cairnFiles(oid)).pointers,
  };
}

/** Views for the revisions asked for; `workspace` is the working tree. Unknown revisions throw (exit 2). */
export async function openViews(repo: Repo, h: History | undefined, revs: string[]): Promise<RevView[]> {
  const out: RevView[] = [];
  for (const rev of revs) {
    if (rev === WORKSPACE) out.push(workspaceView(repo));
    else {
      if (!h) throw new CairnError('CAIRN_NOT_A_GIT_REPO', `revision '${rev}' needs a git repository`, {});
      out.push(commitView(h, rev, await h.resolve(rev)));
    }
  }
  return out;
}

/** Parse a cairn.yaml at a revision; params/vars files it reads come from the same revision. */
export async function pipelineAt(view: RevView, file: string): Promise<Pipeline | undefined> {
  const text = await view.readFile(file);
  if (!text) return undefined;
  const loaded = new Map<string, string | undefined>();
  for (let round = 0; round < 20; round++) {
    const missing = new Set<string>();
    try {
      const p = parsePipeline({
        text: text.toString('utf8'),
        file,
        readFile: (r) => {
          if (loaded.has(r)) return loaded.get(r);
          missing.add(r);
          return undefined;
        },
      });
      if (missing.size === 0) return p;
    } catch (e) {
      if (missing.size === 0) throw e;
    }
    for (const m of missing) loaded.set(m, (await view.readFile(m))?.toString('utf8'));
  }
  throw new CairnError('CAIRN_BAD_PIPELINE', `${file}: too many nested files to read`, { data: { file } });
}

export async function pipelinesAt(view: RevView): Promise<Pipeline[]> {
  const out: Pipeline[] = [];
  for (const f of await view.pipelineFiles()) {
    const p = await pipelineAt(view, f);
    if (p) out.push(p);
  }
  return out;
}

/** Every (path, id) a revision's pointer files and locks name. */
export async function refsAt(view: RevView): Promise<ObjectRef[]> {
  const refs: ObjectRef[] = [];
  for (const f of await view.pointerFiles()) {
    const text = await view.readFile(f);
    if (!text) continue;
    let ptr;
    try {
      ptr = parsePointer(text.toString('utf8'), `${f}@${view.rev}`);
    } catch {
      continue;
    }
    const dir = posix.dirname(f);
    for (const o of ptr.outs) refs.push({ path: dir === '.' ? o.path : posix.join(dir, o.path), hash: o.hash, id: o.id, size: o.size, nfiles: o.nfiles, from: 'pointer', source: f });
  }
  for (const f of await view.lockFiles()) {
    const lock = await lockAt(view, f);
    if (!lock) continue;
    const dir = posix.dirname(f);
    for (const [name, st] of Object.entries(lock.stages)) {
      for (const o of st.outs) refs.push({ path: dir === '.' ? o.path : posix.join(dir, o.path), hash: o.hash, id: o.id, size: o.size, nfiles: o.nfiles, from: 'lock', source: lockSource(f, name) });
    }
  }
  return refs;
}

async function lockAt(view: RevView, f: string): Promise<LockFile | undefined> {
  const text = await view.readFile(f);
  if (!text) return undefined;
  try {
    return parseLock(text.toString('utf8'), `${f}@${view.rev}`);
  } catch {
    return undefined;
  }
}

/**
 * Bytes of a data file at a revision: committed bytes when git holds it, else through the
 * id its lock or pointer names at that revision, from the cache or the default remote.
 * Throws a CairnError naming the file and revision when neither works.
 */
export async function readDataAt(repo: Repo, view: RevView, path: string): Promise<Buffer> {
  const direct = await view.readFile(path);
  if (direct) return direct;
  if (view.oid) {
    const refs = await refsAt(view);
    const ref = refs.find((r) => r.path === path);
    if (ref && ref.hash === repo.algo) {
      if (!repo.cache.has(ref.id)) await fetchOne(repo, ref).catch(() => undefined);
      if (repo.cache.has(ref.id)) return repo.cache.get(ref.id, `${path}@${view.rev}`);
      throw new CairnError('CAIRN_MISSING_FROM_CACHE', `${path} at ${view.rev}: object ${ref.id} (from ${ref.source}) is not in the cache or on the remote`, {
        hint: 'run `cairn fetch --rev ' + view.rev + '` with the remote that holds it',
        data: { path, rev: view.rev, id: ref.id },
      });
    }
  }
  throw new CairnError('CAIRN_NOT_FOUND', `${path} at ${view.rev}: no such file`, { data: { path, rev: view.rev } });
}

async function fetchOne(repo: Repo, ref: ObjectRef): Promise<void> {
  const { remoteSpec, openRemote } = await import('../remote/open.js');
  const { fetchObjects } = await import('../remote/transfer.js');
  const remote = await openRemote(remoteSpec(repo.config), repo.root);
  try {
    await fetchObjects(repo, remote, [{ path: ref.path, id: ref.id }], { jobs: 1 });
  } finally {
    await remote.close();
  }
}

/** gc's history scopes: the pointers and locks of every commit in scope. */
async function historyRoots(repo: Repo, scopes: GcScopes): Promise<ObjectRef[]> {
  const h = await openHistory(repo);
  const oids = new Set<string>();
  if (scopes.allBranches) for (const b of await h.branches()) oids.add(b.oid);
  if (scopes.allTags) for (const t of await h.tags()) oids.add(t.oid);
  if (scopes.allCommits) for (const c of await h.allCommits()) oids.add(c);
  for (const r of scopes.revs ?? []) oids.add(await h.resolve(r));
  const refs: ObjectRef[] = [];
  for (const oid of oids) refs.push(...(await refsAt(commitView(h, oid, oid))));
  return refs;
}

registerRootProvider(historyRoots);
