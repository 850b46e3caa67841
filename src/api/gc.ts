// cairn gc: delete cache objects that nothing to keep refers to. What is kept is computed
// by one function (gcRoots) from the scopes asked for; the workspace scope is built in,
// history scopes (--all-branches, --all-tags, --all-commits, --rev) plug in through
// registerRootProvider so the history module can supply them without this file knowing git.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { CairnError } from '../core/errors.js';
import { isDirId, type ObjectId } from '../core/ids.js';
import { parseManifest } from '../core/manifest.js';
import type { ObjectRef } from '../repo/refs.js';
import { workspaceRefs } from '../repo/refs.js';
import { Repo } from '../repo/repo.js';
import { listRunEntries, readRunEntry } from '../cache/run-cache.js';
import { sweepStaleTempsUnder } from '../io/tempname.js';
import { FolderRemote } from '../remote/folder.js';

/** A temp file on a shared folder remote is left over once it is this old (no pid can tell). */
const REMOTE_TEMP_AGE_MS = 24 * 3600 * 1000;

export interface GcScopes {
  /** everything the workspace's pointer files (and cairn.lock files) name */
  workspace?: boolean;
  allBranches?: boolean;
  allTags?: boolean;
  allCommits?: boolean;
  /** git revisions whose pointers and locks to keep */
  revs?: string[];
}

export interface GcOptions extends GcScopes {
  cwd: string;
  /** report what would go, delete nothing */
  dry?: boolean;
}

export interface GcResult {
  dry: boolean;
  scopes: string[];
  /** objects kept (roots plus the files of kept directory manifests) */
  kept: number;
  removed: { id: ObjectId; size: number }[];
  removedBytes: number;
  /** run-cache keys removed because one of their outs is no longer kept */
  runsRemoved: string[];
  /** stale temp files of dead processes removed */
  tmpRemoved: number;
}

/** Supplies refs for history scopes; registered by the history module. */
export type RootProvider = (repo: Repo, scopes: GcScopes) => Promise<ObjectRef[]>;
let historyProvider: RootProvider | undefined;

export function registerRootProvider(p: RootProvider): void {
  historyProvider = p;
}

function scopeNames(s: GcScopes): string[] {
  const out: string[] = [];
  if (s.workspace) out.push('workspace');
  if (s.allBranches) out.push('all-branches');
  if (s.allTags) out.push('all-tags');
  if (s.allCommits) out.push('all-commits');
  for (const r of s.revs ?? []) out.push(`rev:${r}`);
  return out;
}

/** The refs (roots) to keep for the given scopes. The one place that decides what gc keeps. */
export async function gcRoots(repo: Repo, scopes: GcScopes): Promise<ObjectRef[]> {
  const roots: ObjectRef[] = [];
  if (scopes.workspace) roots.push(...workspaceRefs(repo));
  const history = scopes.allBranches || scopes.allTags || scopes.allCommits || (scopes.revs?.length ?? 0) > 0;
  if (history) {
    if (!historyProvider) await import('./history.js');
    if (!historyProvider) {
      throw new CairnError('CAIRN_USAGE', 'history scopes (--all-branches, --all-tags, --all-commits, --rev) are not available in this build', {
        hint: 'use `cairn gc --workspace`',
      });
    }
    roots.push(...(await historyProvider(repo, scopes)));
  }
  return roots;
}

/** Ids to keep: every root of this repo's algorithm, plus the files of every cached manifest. */
export function keptIds(repo: Repo, roots: ObjectRef[]): Set<ObjectId> {
  const keep = new Set<ObjectId>();
  for (const r of roots) {
    if (r.hash !== repo.algo || keep.has(r.id)) continue;
    keep.add(r.id);
    if (isDirId(r.id) && repo.cache.has(r.id)) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(repo.cache.pathOf(r.id));
      } catch {
        continue;
      }
      try {
        for (const e of parseManifest(bytes, repo.algo, `${r.id} (${r.path})`)) keep.add(e.hash);
      } catch {
        // a corrupt manifest keeps nothing more; fsck reports it
      }
    }
  }
  return keep;
}

/** Out ids a run-cache entry names, or undefined when it cannot be read (then it is pruned). */
function runOuts(file: string): { hash: string; id: string }[] | undefined {
  try {
    return readRunEntry(file).outs;
  } catch {
    return undefined;
  }
}

/**
 * Temp files of processes that no longer run (io/tempname.ts), anywhere in the repo: the
 * cache (also one configured outside the repo), .cairn/tmp and .cairn/state, and the
 * workspace, where a killed checkout leaves them beside the files it was writing.
 */
function staleTemps(repo: Repo, dry: boolean): string[] {
  // cairn's own folders also hold temps under earlier versions' names; the workspace only ours
  const out = sweepStaleTempsUnder(repo.paths.dotDir, { dry, own: true });
  out.push(...sweepStaleTempsUnder(repo.root, { skip: ['.git', '.cairn', 'node_modules'], dry }));
  const rel = relative(repo.paths.dotDir, repo.cache.dir);
  if (rel.startsWith('..') || isAbsolute(rel)) out.push(...sweepStaleTempsUnder(repo.cache.dir, { dry, own: true }));
  return out;
}

export async function gc(opts: GcOptions): Promise<GcResult> {
  const scopes = scopeNames(opts);
  if (scopes.length === 0) {
    throw new CairnError('CAIRN_USAGE', 'gc needs a scope: what should it keep?', {
      hint: 'run `cairn gc --workspace` to keep only what the workspace refers to (add --dry to preview)',
    });
  }
  const repo = await Repo.open(opts.cwd);
  return repo.withLock('gc', async () => {
    const roots = await gcRoots(repo, opts);
    const keep = keptIds(repo, roots);
    const dry = !!opts.dry;

    // run-cache entries survive only if every out they restore is kept
    const runsRemoved: string[] = [];
    for (const r of listRunEntries(repo.cache.dir)) {
      const outs = runOuts(r.file);
      const ok = outs !== undefined && outs.every((o) => o.hash !== repo.algo || keep.has(o.id));
      if (!ok) {
        runsRemoved.push(r.key);
        if (!dry) rmSync(r.file, { force: true });
      }
    }

    const removed: GcResult['removed'] = [];
    let removedBytes = 0;
    for (const id of repo.cache.list()) {
      if (keep.has(id)) continue;
      let size = 0;
      try {
        size = statSync(repo.cache.pathOf(id)).size;
      } catch {
        continue;
      }
      removed.push({ id, size });
      removedBytes += size;
      if (!dry) repo.cache.remove(id);
    }
    const temps = staleTemps(repo, dry);
    removed.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { dry, scopes, kept: keep.size, removed, removedBytes, runsRemoved: runsRemoved.sort(), tmpRemoved: temps.length };
  });
}

export interface GcCloudOptions extends GcScopes {
  cwd: string;
  /** remote name (default: the default remote) */
  remote?: string;
  dry?: boolean;
}

export interface GcCloudResult {
  dry: boolean;
  scopes: string[];
  remote: string;
  kept: number;
  /** remote objects deleted (or that would be, with dry); sizes are not known without a HEAD per object */
  removed: ObjectId[];
  /** folder remotes: temp files of pushes that died, older than a day, removed (or found, with dry) */
  tmpRemoved: number;
}

/**
 * gc --cloud: delete objects on a remote that nothing in scope refers to, in bulk
 * (deleteMany). Every kept directory's manifest must be in the local cache (so its files are
 * known to be kept); otherwise nothing is deleted. Run-cache entries on the remote are kept.
 */
export async function gcCloud(opts: GcCloudOptions): Promise<GcCloudResult> {
  const scopes = scopeNames(opts);
  if (scopes.length === 0) {
    throw new CairnError('CAIRN_USAGE', 'gc --cloud needs a scope: what should it keep?', { hint: 'run `cairn gc --cloud --workspace --dry` to preview' });
  }
  const repo = await Repo.open(opts.cwd);
  const roots = await gcRoots(repo, opts);
  const missing = roots.filter((r) => r.hash === repo.algo && isDirId(r.id) && !repo.cache.has(r.id));
  if (missing.length) {
    throw new CairnError('CAIRN_MISSING_FROM_CACHE', `gc --cloud: the manifest of ${missing[0]!.path} (${missing[0]!.id}, from ${missing[0]!.source}) is not in the local cache, so its files cannot be told apart; nothing deleted`, {
      hint: 'run `cairn fetch` for the scopes you keep, then retry',
      data: { missing: missing.map((m) => m.id) },
    });
  }
  const keep = keptIds(repo, roots);
  const { openRemote, remoteSpec } = await import('../remote/open.js');
  const spec = remoteSpec(repo.config, opts.remote);
  const remote = await openRemote(spec, repo.root);
  try {
    const prefix = `${repo.algo}/`;
    const doomed: string[] = [];
    const removed: ObjectId[] = [];
    for await (const key of remote.list(prefix)) {
      const rest = key.slice(prefix.length).split('/');
      if (rest.length !== 2) continue;
      const id = rest[0]! + rest[1]!;
      if (keep.has(id)) continue;
      doomed.push(key);
      removed.push(id);
    }
    if (!opts.dry && doomed.length) await remote.deleteMany(doomed);
    const temps = remote instanceof FolderRemote ? remote.sweepTemps(REMOTE_TEMP_AGE_MS, !!opts.dry) : [];
    return { dry: !!opts.dry, scopes, remote: spec.name, kept: keep.size, removed: removed.sort(), tmpRemoved: temps.length };
  } finally {
    await remote.close();
  }
}
