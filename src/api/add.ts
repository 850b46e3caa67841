// cairn add: hash targets into the cache, write pointer files, ignore the data in git.
import { lstatSync } from 'node:fs';
import { posix, join } from 'node:path';
import { CairnError } from '../core/errors.js';
import { hashTarget, saveTarget } from '../cache/build.js';
import type { Workspace } from '../cache/workspace.js';
import { gitAdd, listIndexFiles } from '../git/worktree.js';
import { checkIgnorable, ignoreInGit } from '../repo/gitignore.js';
import { writePointer, type Pointer } from '../repo/pointer.js';
import { Repo } from '../repo/repo.js';
import { findOverlap, listTracked, pointerFileFor, resolveTarget } from '../repo/tracked.js';
import { findGitRoot } from '../git/worktree.js';
import type { ByteMeter } from '../core/progress.js';

export interface AddOptions {
  cwd: string;
  targets: string[];
  /** stage the pointer files and .gitignore changes in git */
  gitAdd?: boolean;
  onProgress?: Workspace['onProgress'];
  /** bytes hashed into the cache, per big file target (core/progress.ts) */
  meter?: ByteMeter;
}

export interface AddedTarget {
  path: string;
  pointerFile: string;
  kind: 'file' | 'dir';
  id: string;
  size: number;
  nfiles?: number;
  /** files read and hashed (0 when the stat cache knew them all) */
  hashed: number;
  /** objects newly written to the cache */
  added: number;
  /** false when the pointer already said exactly this */
  changed: boolean;
  /** entries skipped inside directories (dangling or directory symlinks) */
  skipped: string[];
}

export interface AddResult {
  targets: AddedTarget[];
  /** files to `git add` (already staged when gitAdd was set) */
  gitFiles: string[];
  staged: boolean;
}

/** a regular file's size (the byte meter's total); undefined for folders and the rest */
function fileSize(abs: string): number | undefined {
  try {
    const st = lstatSync(abs);
    return st.isFile() ? st.size : undefined;
  } catch {
    return undefined;
  }
}

export async function add(opts: AddOptions): Promise<AddResult> {
  if (opts.targets.length === 0) {
    throw new CairnError('CAIRN_USAGE', 'nothing to add', { hint: 'name a file or directory: `cairn add data/`' });
  }
  const repo = await Repo.open(opts.cwd);
  return repo.withLock('add', async () => {
    const ws = repo.workspace(opts.onProgress);
    const rels = opts.targets.map((t) => resolveTarget(repo, opts.cwd, t));
    const tracked = listTracked(repo);
    const gitRoot = await findGitRoot(repo.root);
    const indexed = gitRoot ? await listIndexFiles(gitRoot) : [];
    const indexedSet = new Set(indexed);
    for (const rel of rels) {
      // every file add writes (the pointer, the .gitignore) and the target itself pass the
      // containment check before anything is hashed: `add link/x` with link -> /elsewhere
      // and a symlinked folder are refused here
      repo.guard.checkTarget(rel, { action: 'add' });
      repo.guard.check(pointerFileFor(rel), { action: 'write' });
      const dir = posix.dirname(rel);
      repo.guard.check(dir === '.' ? '.gitignore' : `${dir}/.gitignore`, { action: 'write' });
      checkIgnorable(posix.basename(rel));
      const other = findOverlap(tracked, rel);
      if (other) {
        throw new CairnError('CAIRN_BAD_TARGET', `'${rel}' overlaps '${other.path}', which ${other.pointerFile} already tracks`, {
          hint: `track either the folder or what is inside it, not both (\`cairn remove ${other.path}\` first to switch)`,
          data: { target: rel, tracked: other.path },
        });
      }
      for (const r2 of rels) {
        if (r2 !== rel && (r2.startsWith(rel + '/') || rel.startsWith(r2 + '/'))) {
          throw new CairnError('CAIRN_BAD_TARGET', `targets '${rel}' and '${r2}' overlap`, { hint: 'add only the outer one' });
        }
      }
      if (gitRoot) {
        const prefix = relFromGit(gitRoot, repo.root, rel);
        const hit = indexedSet.has(prefix) ? prefix : indexed.find((f) => f.startsWith(prefix + '/'));
        if (hit) {
          throw new CairnError('CAIRN_BAD_TARGET', `'${rel}' is already tracked by git ('${hit}' is in the git index)`, {
            hint: `stop tracking it in git first: \`git rm -r --cached ${prefix}\` and commit, then \`cairn add ${rel}\``,
            data: { target: rel, gitPath: hit },
          });
        }
      }
    }

    const results: AddedTarget[] = [];
    const gitFiles = new Set<string>();
    for (const rel of rels) {
      const size = opts.meter ? fileSize(join(repo.root, rel)) : undefined;
      if (size !== undefined) {
        opts.meter!.start(`adding ${rel}`, size);
        repo.cache.meter = opts.meter;
      }
      let th: ReturnType<typeof hashTarget>;
      try {
        th = hashTarget(ws, rel, { store: true });
      } finally {
        if (size !== undefined) {
          repo.cache.meter = undefined;
          opts.meter!.end();
        }
      }
      const saved = saveTarget(ws, th);
      const pointerFile = pointerFileFor(rel);
      const out = {
        path: posix.basename(rel),
        hash: repo.algo,
        id: th.id,
        size: th.size,
        ...(th.kind === 'dir' ? { nfiles: th.nfiles } : {}),
      };
      const prev = tracked.find((t) => t.path === rel);
      const changed = !prev || prev.out.id !== out.id || prev.out.hash !== out.hash || prev.out.size !== out.size;
      if (changed) {
        const pointer: Pointer = { outs: [out], extra: prev?.pointer.extra };
        writePointer(join(repo.root, pointerFile), pointer);
      }
      const dir = posix.dirname(rel);
      // the git hint names only what this run wrote, and nothing when nothing changed
      if (ignoreInGit(join(repo.root, dir), posix.basename(rel))) gitFiles.add(dir === '.' ? '.gitignore' : `${dir}/.gitignore`);
      if (changed) gitFiles.add(pointerFile);
      results.push({
        path: rel,
        pointerFile,
        kind: th.kind,
        id: th.id,
        size: th.size,
        nfiles: th.nfiles,
        hashed: th.hashed,
        added: saved.added + (th.addedObjects ?? 0),
        changed,
        skipped: th.skipped,
      });
    }
    const files = [...gitFiles].sort();
    let staged = false;
    if (opts.gitAdd && gitRoot) {
      await gitAdd(gitRoot, files.map((f) => relFromGit(gitRoot, repo.root, f)));
      staged = true;
    }
    return { targets: results, gitFiles: files, staged };
  });
}

function relFromGit(gitRoot: string, repoRoot: string, rel: string): string {
  const base = posix.relative(gitRoot.split('\\').join('/'), repoRoot.split('\\').join('/'));
  return base ? posix.join(base, rel) : rel;
}
