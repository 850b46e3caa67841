// Private copies of workspace files: with cache.type hardlink or symlink a workspace file
// shares its bytes with the cache; before editing (unprotect) or un-tracking (remove) it
// becomes a private, writable regular file, so no write can reach the cache.
import { chmodSync, copyFileSync, lstatSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ioError } from '../core/errors.js';
import { tempBeside } from '../io/tempname.js';

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
