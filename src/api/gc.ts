// cairn gc: delete cache objects that nothing in scope refers to. What is kept is computed
// by one function (collectKept) over the one reference walk (repo/revisions.ts). Every scope
// keeps the workspace too, as DVC does. If any reference in scope cannot be read (a lock
// that does not parse at an old revision, a directory manifest missing from the cache,
// history that cannot be walked), gc refuses and deletes nothing: it never deletes what it
// cannot prove unused.
import { rmSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { CairnError } from '../core/errors.js';
import { type ObjectId } from '../core/ids.js';
import { History } from '../git/revision.js';
import { collectKept, hasHistory, type KeptRefs, type RefScope } from '../repo/revisions.js';
import { Repo } from '../repo/repo.js';
import { listRunEntries, readRunEntry } from '../cache/run-cache.js';
import { uncachedOutsAt } from '../pipeline/rev-views.js';
import { sweepStaleTempsUnder } from '../io/tempname.js';
import { FolderRemote } from '../remote/folder.js';

/** A temp file on a shared folder remote is left over once it is this old (no pid can tell). */
const REMOTE_TEMP_AGE_MS = 24 * 3600 * 1000;

export interface GcScopes extends RefScope {
  /** keep what the workspace refers to (every scope keeps it; this flag alone keeps only it) */
  workspace?: boolean;
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
  /** run-cache entries removed because one of their outs is no longer kept */
  runsRemoved: string[];
  /** stale temp files of dead processes removed */
  tmpRemoved: number;
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

/**
 * What gc keeps for a scope (the one computation: collectKept over the one reference walk),
 * with any failure to read turned into gc's refusal (exit 1, nothing deleted).
 */
async function keepOrRefuse(repo: Repo, scopes: GcScopes, what: string): Promise<KeptRefs> {
  let history: History | undefined;
  try {
    history = hasHistory(scopes) ? await History.open(repo.root) : undefined;
  } catch (e) {
    throw refusal(e, what);
  }
  // a revision the user typed that does not exist is their mistake (exit 2), not a refusal
  for (const r of scopes.revs ?? []) await history!.resolve(r);
  try {
    return await collectKept(repo, { ...scopes, history, uncachedOuts: uncachedOutsAt(repo, history) });
  } catch (e) {
    throw refusal(e, what);
  }
}

function refusal(e: unknown, what: string): unknown {
  if (!(e instanceof CairnError)) return e;
  // exit 1 whatever the cause (a lock that does not parse is exit 2 elsewhere): gc refused
  return new CairnError(e.exitCode === 1 ? e.code : 'CAIRN_FAILED', `${what}: refusing to delete anything, because not every reference in scope can be read: ${e.message}`, {
    hint: e.hint ?? 'fix what the message names, then run gc again',
    data: { ...e.data, cause: e.code },
    cause: e,
  });
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
    const keep = (await keepOrRefuse(repo, opts, 'gc')).ids;
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
        size = repo.cache.sizeOf(id);
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
 * known to be kept); otherwise nothing is deleted (exit 1). Run-cache entries on the remote
 * are kept.
 */
export async function gcCloud(opts: GcCloudOptions): Promise<GcCloudResult> {
  const scopes = scopeNames(opts);
  if (scopes.length === 0) {
    throw new CairnError('CAIRN_USAGE', 'gc --cloud needs a scope: what should it keep?', { hint: 'run `cairn gc --cloud --workspace --dry` to preview' });
  }
  const repo = await Repo.open(opts.cwd);
  // every kept directory's manifest must be in the local cache: else its files are unknown
  const keep = (await keepOrRefuse(repo, opts, 'gc --cloud')).ids;
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
