// cairn unprotect: replace hardlinked or symlinked workspace files (cache.type hardlink or
// symlink) with private writable copies, so editing them cannot reach the cache.
import { chmodSync, copyFileSync, lstatSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CairnError, ioError } from '../core/errors.js';
import { Repo } from '../repo/repo.js';
import { listTracked, resolveTarget, selectTracked } from '../repo/tracked.js';
import { tempBeside } from '../io/tempname.js';

export interface UnprotectOptions {
  cwd: string;
  targets: string[];
}

export interface UnprotectResult {
  targets: { path: string; copied: number }[];
}

/**
 * Make one workspace file a private, writable regular file: a symlink is replaced by a copy
 * of what it points to, a file with other hard links by a copy of itself. Returns true when
 * it copied. Executable bits are kept.
 */
export function makePrivate(file: string): boolean {
  let l;
  try {
    l = lstatSync(file);
  } catch (e) {
    throw ioError(e, 'cannot stat', file);
  }
  if (l.isDirectory()) return false;
  const linked = l.isSymbolicLink() || l.nlink > 1;
  const st = l.isSymbolicLink() ? statSync(file, { throwIfNoEntry: false }) : l;
  if (!st) return false; // dangling link: nothing to copy
  const mode = (st.mode & 0o111 ? 0o755 : 0o644);
  if (!linked) {
    if ((st.mode & 0o200) === 0) chmodSync(file, mode);
    return false;
  }
  const tmp = tempBeside(file);
  try {
    copyFileSync(file, tmp); // follows a symlink: copies the content
    chmodSync(tmp, mode);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw ioError(e, 'cannot unprotect', file);
  }
  return true;
}

/** makePrivate over a file or every file under a directory; returns how many were copied. */
export function makePrivateTree(path: string): number {
  let l;
  try {
    l = lstatSync(path);
  } catch {
    return 0;
  }
  if (!l.isDirectory()) return makePrivate(path) ? 1 : 0;
  let n = 0;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, e.name);
    if (e.isDirectory()) n += makePrivateTree(p);
    else if (e.isFile() || e.isSymbolicLink()) n += makePrivate(p) ? 1 : 0;
  }
  return n;
}

export async function unprotect(opts: UnprotectOptions): Promise<UnprotectResult> {
  if (opts.targets.length === 0) {
    throw new CairnError('CAIRN_USAGE', 'nothing to unprotect', { hint: 'name tracked files or directories: `cairn unprotect data/`' });
  }
  const repo = await Repo.open(opts.cwd);
  return repo.withLock('unprotect', async () => {
    const rels = opts.targets.map((t) => resolveTarget(repo, opts.cwd, t));
    const selected = selectTracked(listTracked(repo), rels);
    const targets: UnprotectResult['targets'] = [];
    for (const t of selected) {
      // only the part of a tracked dir the user named, when they named a path inside it
      const inner = rels.filter((r) => r.startsWith(t.path + '/'));
      const paths = inner.length ? inner : [t.path];
      let copied = 0;
      for (const p of paths) {
        repo.guard.checkTarget(p, { source: t.pointerFile, action: 'unprotect' });
        copied += makePrivateTree(join(repo.root, p));
      }
      targets.push({ path: t.path, copied });
    }
    return { targets };
  });
}
