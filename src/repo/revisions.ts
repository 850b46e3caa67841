// The one reference walk: which objects does a revision (a git commit, or the workspace)
// refer to? gc, push/fetch (--all-branches, --all-tags, --all-commits, --rev), status
// --cloud and the history views all ask here, so they agree on what is referenced and on
// the one failure rule:
//
//   a reference that cannot be read is an error (a CairnError naming the revision and the
//   file), never an empty set.
//
// A pointer file or cairn.lock that does not parse, a git object that is absent, a history
// that cannot be walked (a git worktree), a directory manifest that is not in the cache
// when its contents are asked for: each throws. Callers that delete (gc) rely on this: what
// they cannot prove unused, they keep, by refusing to run.
//
// Commits are read through isomorphic-git (src/git/revision.ts); nothing here checks out,
// shells out or writes.
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { CairnError } from '../core/errors.js';
import type { HashAlgorithm } from '../core/hash.js';
import { isDirId, type ObjectId } from '../core/ids.js';
import { parseManifest, type Manifest } from '../core/manifest.js';
import type { ObjectStore } from '../cache/odb.js';
import type { History } from '../git/revision.js';
import { LOCK_FILE, parseLock, readLock, type LockFile } from './lockfile.js';
import { parsePointer, POINTER_SUFFIX, readPointer, type Pointer } from './pointer.js';
import type { Repo } from './repo.js';
import { findRepoFiles } from './walk.js';

/** The name of the working tree where a revision is expected. */
export const WORKSPACE = 'workspace';

/** Where a reference comes from: a pointer file, or an out recorded in a cairn.lock. */
export type RefOrigin = 'pointer' | 'lock';

/** The `source` of a lock out: `<lock file>:<stage>`. */
export function lockSource(lockFile: string, stage: string): string {
  return `${lockFile}:${stage}`;
}

/** One (path, object) a revision names, and the file that names it. */
export interface ObjectRef {
  /** repo-relative POSIX path of the data */
  path: string;
  hash: HashAlgorithm;
  id: ObjectId;
  size?: number;
  nfiles?: number;
  /** what names it: a pointer file, or a stage's out in a cairn.lock */
  from: RefOrigin;
  /** the file that names it, for messages: the pointer file, or `<cairn.lock>:<stage>` */
  source: string;
  /** the revision it was read from: `workspace`, or a commit oid */
  rev: string;
}

/** Something whose committed files can be read: the workspace or one commit. */
export interface RefSource {
  /** `workspace`, or what the user typed (a branch, tag, sha) */
  rev: string;
  /** commit oid; undefined for the workspace */
  oid?: string;
  /** bytes of a repo-relative path; undefined when the revision does not hold it */
  readFile(path: string): Promise<Buffer | undefined>;
  /** every *.cairn pointer file (repo-relative, sorted) */
  pointerFiles(): Promise<string[]>;
  /** every cairn.lock (repo-relative, sorted) */
  lockFiles(): Promise<string[]>;
}

/** `HEAD (1a2b3c4)` or `workspace`: how messages name a revision. */
export function revLabel(src: Pick<RefSource, 'rev' | 'oid'>): string {
  if (!src.oid) return WORKSPACE;
  return src.rev === src.oid ? src.oid.slice(0, 7) : `${src.rev} (${src.oid.slice(0, 7)})`;
}

/** The error for a reference that cannot be read: names the revision and the file. */
export function unreadableRef(src: Pick<RefSource, 'rev' | 'oid'>, file: string, cause: unknown): CairnError {
  const why = cause instanceof Error ? cause.message : String(cause);
  const code = cause instanceof CairnError ? cause.code : 'CAIRN_FAILED';
  return new CairnError(code, `cannot read the references in ${file} at ${revLabel(src)}: ${why}`, {
    hint: cause instanceof CairnError && cause.hint ? cause.hint : 'fix or restore the file at that revision, or leave the revision out of the scope',
    data: { rev: src.rev, oid: src.oid, file, cause: cause instanceof CairnError ? cause.code : (cause as { code?: string })?.code },
    cause,
  });
}

/** Pointer files in the workspace, by a walk that fails on a folder it cannot list. */
function findWorkspacePointers(repo: Repo): string[] {
  return findRepoFiles(repo.root, (n) => n.endsWith(POINTER_SUFFIX) && n.length > POINTER_SUFFIX.length, { strict: true });
}

/** The workspace as a RefSource: files on disk, pointer and lock files found by walking it. */
export function workspaceSource(repo: Repo): RefSource {
  return {
    rev: WORKSPACE,
    async readFile(p) {
      try {
        return readFileSync(join(repo.root, p));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
        throw e;
      }
    },
    pointerFiles: async () => findWorkspacePointers(repo),
    lockFiles: async () => findRepoFiles(repo.root, (n) => n === LOCK_FILE, { strict: true }),
  };
}

/** One commit as a RefSource, read through isomorphic-git. */
export function commitSource(h: History, rev: string, oid: string): RefSource {
  return {
    rev,
    oid,
    readFile: (p) => h.readFile(oid, p),
    pointerFiles: async () => (await h.cairnFiles(oid)).pointers,
    lockFiles: async () => (await h.cairnFiles(oid)).locks,
  };
}

function joinPath(file: string, p: string): string {
  const dir = posix.dirname(file);
  return dir === '.' ? p : posix.join(dir, p);
}

async function readListed(src: RefSource, file: string): Promise<string> {
  let bytes: Buffer | undefined;
  try {
    bytes = await src.readFile(file);
  } catch (e) {
    throw unreadableRef(src, file, e);
  }
  // the walk listed it: absent now means it cannot be read, not that it names nothing
  if (!bytes) throw unreadableRef(src, file, 'listed, but its content cannot be read');
  return bytes.toString('utf8');
}

/** Parse a pointer or lock, turning any failure into the one error (naming revision and file). */
function parsed<T>(src: Pick<RefSource, 'rev' | 'oid'>, file: string, parse: (display: string) => T | undefined): T {
  let v: T | undefined;
  try {
    v = parse(src.oid ? `${file}@${revLabel(src)}` : file);
  } catch (e) {
    throw unreadableRef(src, file, e);
  }
  // the walk listed it: absent now means it cannot be read, not that it names nothing
  if (v === undefined) throw unreadableRef(src, file, 'listed, but its content cannot be read');
  return v;
}

function pointerRefs(src: Pick<RefSource, 'rev' | 'oid'>, file: string, ptr: Pointer): ObjectRef[] {
  const rev = src.oid ?? WORKSPACE;
  return ptr.outs.map((o) => ({ path: joinPath(file, o.path), hash: o.hash, id: o.id, size: o.size, nfiles: o.nfiles, from: 'pointer', source: file, rev }));
}

/** The outs of every stage of a lock (cache: false ones too: see `UncachedOuts`). */
function lockRefs(src: Pick<RefSource, 'rev' | 'oid'>, file: string, lock: LockFile): ObjectRef[] {
  const rev = src.oid ?? WORKSPACE;
  const out: ObjectRef[] = [];
  for (const [name, st] of Object.entries(lock.stages)) {
    for (const o of st.outs) out.push({ path: joinPath(file, o.path), hash: o.hash, id: o.id, size: o.size, nfiles: o.nfiles, from: 'lock', source: lockSource(file, name), rev });
  }
  return out;
}

/** What a pointer file's text names. Throws (naming revision and file) when it does not parse. */
export function pointerRefsFrom(src: Pick<RefSource, 'rev' | 'oid'>, file: string, text: string): ObjectRef[] {
  return pointerRefs(src, file, parsed(src, file, (d) => parsePointer(text, d)));
}

/** The outs of every stage of a cairn.lock's text. Throws (naming revision and file) when it does not parse. */
export function lockRefsFrom(src: Pick<RefSource, 'rev' | 'oid'>, file: string, text: string): ObjectRef[] {
  return lockRefs(src, file, parsed(src, file, (d) => parseLock(text, d)));
}

export async function pointerRefsAt(src: RefSource, file: string): Promise<ObjectRef[]> {
  return pointerRefsFrom(src, file, await readListed(src, file));
}

export async function lockRefsAt(src: RefSource, file: string): Promise<ObjectRef[]> {
  return lockRefsFrom(src, file, await readListed(src, file));
}

/**
 * The workspace's references, read synchronously (for commands that plan without
 * awaiting) through the pointer and lock readers, so their rules for cairn's own files hold.
 */
export function workspaceRefs(repo: Repo, which: { pointers?: boolean; locks?: boolean } = { pointers: true, locks: true }): ObjectRef[] {
  const src = { rev: WORKSPACE };
  const refs: ObjectRef[] = [];
  if (which.pointers) for (const f of findWorkspacePointers(repo)) refs.push(...pointerRefs(src, f, parsed(src, f, (d) => readPointer(join(repo.root, f), d))));
  if (which.locks) for (const f of findRepoFiles(repo.root, (n) => n === LOCK_FILE, { strict: true })) refs.push(...lockRefs(src, f, parsed(src, f, () => readLock(join(repo.root, f)))));
  return refs;
}

/** Every (path, object) one revision names: its pointer files, then its cairn.lock outs. */
export async function refsAt(src: RefSource): Promise<ObjectRef[]> {
  const refs: ObjectRef[] = [];
  let pointers: string[];
  let locks: string[];
  try {
    pointers = await src.pointerFiles();
    locks = await src.lockFiles();
  } catch (e) {
    throw unreadableRef(src, 'the file tree', e);
  }
  for (const f of pointers) refs.push(...(await pointerRefsAt(src, f)));
  for (const f of locks) refs.push(...(await lockRefsAt(src, f)));
  return refs;
}

/** Which revisions a command covers. The workspace is always included. */
export interface RefScope {
  allBranches?: boolean;
  allTags?: boolean;
  allCommits?: boolean;
  /** git revisions as typed (branch, tag, sha, HEAD~2) */
  revs?: string[];
}

export function hasHistory(s: RefScope): boolean {
  return !!(s.allBranches || s.allTags || s.allCommits || (s.revs?.length ?? 0) > 0);
}

/**
 * Paths of stage outs declared `cache: false` at a revision: their bytes are in git, so
 * they are not cache references. Supplied by the pipeline layer (this layer does not parse
 * cairn.yaml); when absent, every lock out counts as cached.
 */
export type UncachedOuts = (src: RefSource) => Promise<Set<string>>;

export interface CollectOptions extends RefScope {
  /** git history, opened once per command; required when the scope names history */
  history?: History;
  uncachedOuts?: UncachedOuts;
}

export interface CollectedRefs {
  refs: ObjectRef[];
  /** commit oids walked, besides the workspace */
  commits: string[];
}

/**
 * The references to keep (gc) or to transfer (push/fetch --all-*): the workspace's, plus
 * those of every commit the scope names. Throws on anything it cannot read, so a caller
 * never acts on a partial set.
 */
export async function collectRefs(repo: Repo, opts: CollectOptions = {}): Promise<CollectedRefs> {
  const sources: RefSource[] = [];
  const commits: string[] = [];
  if (hasHistory(opts)) {
    const h = opts.history;
    if (!h) throw new CairnError('CAIRN_USAGE', 'history scopes need the git history (collectRefs was called without it)');
    const oids = new Map<string, string>(); // oid → rev as typed
    if (opts.allBranches) for (const b of await h.branches()) if (!oids.has(b.oid)) oids.set(b.oid, b.name);
    if (opts.allTags) for (const t of await h.tags()) if (!oids.has(t.oid)) oids.set(t.oid, t.name);
    if (opts.allCommits) for (const c of await h.allCommits()) if (!oids.has(c)) oids.set(c, c);
    for (const r of opts.revs ?? []) {
      const oid = await h.resolve(r);
      if (!oids.has(oid)) oids.set(oid, r);
    }
    for (const [oid, rev] of oids) {
      sources.push(commitSource(h, rev, oid));
      commits.push(oid);
    }
  }
  const refs: ObjectRef[] = [];
  const ws = workspaceSource(repo);
  for (const src of [ws, ...sources]) {
    const got = src === ws ? workspaceRefs(repo) : await refsAt(src);
    const uncached = opts.uncachedOuts && got.some((r) => r.from === 'lock') ? await opts.uncachedOuts(src) : undefined;
    for (const r of got) if (!(r.from === 'lock' && uncached?.has(r.path))) refs.push(r);
  }
  return { refs, commits };
}

/** What the expansion needs of an object store. */
export type ManifestSource = Pick<ObjectStore, 'algo' | 'has' | 'get'>;

/** Manifest of a directory ref from the store; throws CAIRN_MISSING_FROM_CACHE naming the ref when absent. */
export function manifestOf(store: ManifestSource, ref: Pick<ObjectRef, 'id' | 'path' | 'source' | 'rev'>): Manifest {
  const at = ref.rev === WORKSPACE ? '' : ` at ${ref.rev.slice(0, 7)}`;
  if (!store.has(ref.id)) {
    throw new CairnError('CAIRN_MISSING_FROM_CACHE', `the manifest of ${ref.path} (${ref.id}, named by ${ref.source}${at}) is not in the cache, so the objects of its files are unknown`, {
      hint: 'run `cairn fetch` (with the same scope) to get the manifest, or `cairn fsck` if it was quarantined',
      data: { id: ref.id, path: ref.path, file: ref.source, rev: ref.rev },
    });
  }
  return parseManifest(store.get(ref.id, ref.path), store.algo, `${ref.id} (${ref.path})`);
}

export interface ExpandedIds {
  /** every object id the refs need: the refs' own ids and the files of their manifests */
  ids: Set<ObjectId>;
  /** directory refs whose manifest is not in the store (only with `missing: 'list'`) */
  missingManifests: ObjectRef[];
}

/**
 * Every object the refs need, directory manifests expanded through the store (the
 * kept-ids computation of gc). Refs of another hash algorithm are skipped: this store
 * cannot hold them. A directory whose manifest is not in the store throws (`missing:
 * 'error'`, the default) or is listed (`'list'`); a corrupt manifest always throws.
 */
export function expandRefs(store: ManifestSource, refs: ObjectRef[], opts: { missing?: 'error' | 'list' } = {}): ExpandedIds {
  const ids = new Set<ObjectId>();
  const missingManifests: ObjectRef[] = [];
  for (const r of refs) {
    if (r.hash !== store.algo || ids.has(r.id)) continue;
    if (isDirId(r.id) && !store.has(r.id) && opts.missing === 'list') {
      missingManifests.push(r);
      ids.add(r.id);
      continue;
    }
    ids.add(r.id);
    if (isDirId(r.id)) for (const e of manifestOf(store, r)) ids.add(e.hash);
  }
  return { ids, missingManifests };
}

export interface KeptRefs {
  refs: ObjectRef[];
  /** every object id to keep: the refs and the files of their manifests */
  ids: Set<ObjectId>;
}

/**
 * What to keep for a scope (gc, local and --cloud; later the registry): the workspace's
 * references plus those of every commit in scope, directory manifests expanded through the
 * repo's cache. Anything unreadable, a missing manifest included, throws.
 */
export async function collectKept(repo: Repo, opts: CollectOptions = {}): Promise<KeptRefs> {
  const { refs } = await collectRefs(repo, opts);
  return { refs, ids: expandRefs(repo.cache, refs).ids };
}
