// Finding the repo root: the folder holding .cairn/. Its own module (node:fs and node:path
// only) so the CLI's output helpers can use it without loading the repo, cache and config.
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const DOT_DIR = '.cairn';

/** Walk up from `cwd` to the folder holding .cairn/ (CAIRN_ROOT is not consulted: it is set for stages). */
export function findRepoRoot(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    try {
      if (statSync(join(dir, DOT_DIR)).isDirectory()) return dir;
    } catch {
      /* keep walking */
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}
