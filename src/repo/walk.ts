// Finding cairn's own files (pointer files, cairn.yaml, cairn.lock) in a workspace.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Folder names never searched: git's, cairn's own, and package trees. */
const SKIP = new Set(['.git', '.cairn', 'node_modules']);

/**
 * Repo-relative POSIX paths of the files (or symlinks) under root whose name matches,
 * sorted. Skips .git, .cairn, node_modules and the insides of tracked directories (a
 * folder X with a sibling X.cairn), so a million tracked files cost nothing here.
 */
export function findRepoFiles(root: string, match: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (absDir: string, rel: string) => {
    let entries;
    try {
      entries = readdirSync(absDir, { withFileTypes: true });
    } catch {
      return;
    }
    const names = new Set(entries.map((e) => e.name));
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (SKIP.has(e.name) || names.has(`${e.name}.cairn`)) continue;
        walk(join(absDir, e.name), r);
      } else if ((e.isFile() || e.isSymbolicLink()) && match(e.name)) {
        out.push(r);
      }
    }
  };
  walk(root, '');
  return out.sort();
}
