// The git work tree around a cairn repo, through isomorphic-git (loaded lazily: commands
// that do not touch git do not pay for it).
import * as fs from 'node:fs';

async function git() {
  return (await import('isomorphic-git')).default;
}

/** The git work tree containing `dir`, or undefined outside one. */
export async function findGitRoot(dir: string): Promise<string | undefined> {
  try {
    return await (await git()).findRoot({ fs, filepath: dir });
  } catch {
    return undefined;
  }
}

/** Paths (POSIX, repo-relative) that the git index tracks. */
export async function listIndexFiles(root: string): Promise<string[]> {
  try {
    return await (await git()).listFiles({ fs, dir: root });
  } catch {
    return [];
  }
}

/** Stage files in the git index (like `git add`). */
export async function gitAdd(root: string, files: string[]): Promise<void> {
  if (files.length === 0) return;
  await (await git()).add({ fs, dir: root, filepath: files });
}

/** Remove files from the git index, keeping them on disk (like `git rm --cached`). */
export async function gitRemoveFromIndex(root: string, files: string[]): Promise<void> {
  const g = await git();
  for (const f of files) await g.remove({ fs, dir: root, filepath: f });
}

/**
 * True when git would ignore `filepath` (POSIX, relative to the work tree `root`): the
 * .gitignore files on the way to it and .git/info/exclude, as isomorphic-git reads them.
 */
export async function isGitIgnored(root: string, filepath: string): Promise<boolean> {
  try {
    return await (await git()).isIgnored({ fs, dir: root, filepath });
  } catch {
    return false;
  }
}
