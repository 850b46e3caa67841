// Finding cairn's own files (pointer files, cairn.yaml, cairn.lock) in a workspace.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CairnError } from '../core/errors.js';

/** Folder names never searched: git's, cairn's own, and package trees. */
const SKIP = new Set(['.git', '.cairn', 'node_modules']);

/**
 * Repo-relative POSIX paths of the files (or symlinks) under root whose name matches,
 * sorted. Skips .git, .cairn, node_modules and the insides of tracked directories (a
 * folder X with a sibling X.cairn), so a million tracked files cost nothing here.
 * A folder that cannot be listed is skipped, unless `strict` (the reference walk: a folder
 * it cannot read may hold pointer files, so it must not answer "none").
 */
export function findRepoFiles(root: string, match: (name: string) => boolean, opts: { strict?: boolean } = {}): string[] {
  const out: string[] = [];
  const walk = (absDir: string, rel: string) => {
    let entries;
    try {
      entries = readdirSync(absDir, { withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (opts.strict && code !== 'ENOENT' && code !== 'ENOTDIR') {
        throw new CairnError('CAIRN_IO', `cannot list ${rel || '.'} (${code}): it may hold pointer or lock files`, {
          hint: 'make the folder readable (or remove it), then run the command again',
          data: { path: rel || '.', code },
        });
      }
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
