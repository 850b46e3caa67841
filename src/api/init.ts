// cairn init: create .cairn/ at the root of the git work tree.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CairnError } from '../core/errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { findGitRoot } from '../git/worktree.js';
import { repoPaths } from '../repo/repo.js';

export interface InitOptions {
  cwd: string;
  /** allow a repo outside any git work tree */
  noScm?: boolean;
  /** rewrite config.yaml and the ignore files even if .cairn/ exists (never touches the cache) */
  force?: boolean;
}

export interface InitResult {
  root: string;
  created: boolean;
  scm: 'git' | 'none';
  /** files git should track after init */
  gitAdd: string[];
}

const DOT_GITIGNORE = ['/cache/', '/tmp/', '/state/', '/runs/', '/config.local.yaml', '/serve/', '/deploy/', ''].join('\n');
const DEFAULT_CONFIG = [
  '# cairn repo config (committed). Machine-specific settings and secrets go in config.local.yaml.',
  'core:',
  '  hash: xxh64x2',
  '',
].join('\n');

export async function init(opts: InitOptions): Promise<InitResult> {
  const cwd = resolve(opts.cwd);
  const gitRoot = await findGitRoot(cwd);
  if (!gitRoot && !opts.noScm) {
    throw new CairnError('CAIRN_NOT_A_GIT_REPO', `${cwd} is not inside a git repository`, {
      hint: 'run `git init` first, or `cairn init --no-scm` to use cairn without git',
    });
  }
  const root = gitRoot ?? cwd;
  const p = repoPaths(root);
  const existed = existsSync(p.dotDir);
  for (const d of [p.dotDir, p.cacheDir, p.tmpDir, p.stateDir]) mkdirSync(d, { recursive: true });
  // what this run wrote, for the `git add` hint (nothing on a second init)
  const written: string[] = [];
  if (!existsSync(p.configFile) || opts.force) {
    writeFileAtomic(p.configFile, DEFAULT_CONFIG);
    written.push('.cairn/config.yaml');
  }
  const ign = join(p.dotDir, '.gitignore');
  if (!existsSync(ign) || opts.force) {
    writeFileAtomic(ign, DOT_GITIGNORE);
    written.push('.cairn/.gitignore');
  }
  const cairnignore = join(root, '.cairnignore');
  if (!existsSync(cairnignore)) {
    writeFileAtomic(cairnignore, '# Files inside tracked directories that cairn should not track (gitignore syntax)\n');
    written.push('.cairnignore');
  }
  return {
    root,
    created: !existed,
    scm: gitRoot ? 'git' : 'none',
    gitAdd: gitRoot ? written : [],
  };
}
