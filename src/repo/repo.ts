// A cairn repo: the folder holding .cairn/. Opening one reads config and wires the local
// cache, the stat cache and the workspace helpers; nothing here prints.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CairnError, notARepoError } from '../core/errors.js';
import { assertHashAlgorithm, DEFAULT_ALGORITHM, hasherFactory, type HashAlgorithm, type HasherFactory } from '../core/hash.js';
import { Containment } from '../io/contained.js';
import { acquireLock, type LockHandle } from '../io/lock.js';
import { LocalCache } from '../cache/odb.js';
import { StateStore } from '../cache/state.js';
import { DEFAULT_LINK_TYPES, LINK_TYPES, type LinkType } from '../cache/materialize.js';
import type { Workspace } from '../cache/workspace.js';
import { Config } from './config.js';
import { validateConfigEnv, validateConfigTree } from './config-schema.js';
import { POINTER_SUFFIX } from './pointer.js';
import { findRepoFiles } from './walk.js';

import { DOT_DIR, findRepoRoot } from './root.js';
export { DOT_DIR, findRepoRoot } from './root.js';

export interface RepoPaths {
  root: string;
  dotDir: string;
  cacheDir: string;
  tmpDir: string;
  stateDir: string;
  configFile: string;
  localConfigFile: string;
  lockFile: string;
}

export function repoPaths(root: string): RepoPaths {
  const dotDir = join(root, DOT_DIR);
  return {
    root,
    dotDir,
    cacheDir: join(dotDir, 'cache'),
    tmpDir: join(dotDir, 'tmp'),
    stateDir: join(dotDir, 'state'),
    configFile: join(dotDir, 'config.yaml'),
    localConfigFile: join(dotDir, 'config.local.yaml'),
    lockFile: join(dotDir, 'tmp', 'lock'),
  };
}

export function parseLinkTypes(v: unknown): LinkType[] {
  if (v === undefined || v === null) return [...DEFAULT_LINK_TYPES];
  const list = Array.isArray(v) ? v : String(v).split(',');
  const out = list.map((x) => String(x).trim()).filter(Boolean);
  for (const t of out) {
    if (!(LINK_TYPES as readonly string[]).includes(t)) {
      throw new CairnError('CAIRN_CONFIG', `cache.type: unknown link type '${t}'`, {
        hint: `use a list of: ${LINK_TYPES.join(', ')} (e.g. \`cairn config cache.type reflink,copy\`)`,
      });
    }
  }
  if (out.length === 0) return [...DEFAULT_LINK_TYPES];
  return out as LinkType[];
}

export class Repo {
  private containment: Containment | undefined;

  private constructor(
    readonly paths: RepoPaths,
    readonly config: Config,
    readonly algo: HashAlgorithm,
    readonly factory: HasherFactory,
    readonly cache: LocalCache,
    readonly state: StateStore,
  ) {}

  get root(): string {
    return this.paths.root;
  }

  static async open(cwd: string): Promise<Repo> {
    const root = findRepoRoot(cwd);
    if (!root) {
      throw notARepoError(resolve(cwd));
    }
    return Repo.at(root);
  }

  static async at(root: string): Promise<Repo> {
    const paths = repoPaths(root);
    const config = Config.load({ shared: paths.configFile, local: paths.localConfigFile });
    validateConfigTree(config.shared, paths.configFile);
    validateConfigTree(config.local, paths.localConfigFile);
    validateConfigEnv();
    const algo = assertHashAlgorithm(config.get('core.hash') ?? DEFAULT_ALGORITHM, `${paths.configFile}: core.hash`);
    const factory = await hasherFactory(algo);
    const cacheDirCfg = config.get('cache.dir');
    const cacheDir = typeof cacheDirCfg === 'string' ? resolve(root, cacheDirCfg) : paths.cacheDir;
    const cache = new LocalCache({ dir: cacheDir, tmpDir: paths.tmpDir, algo, factory });
    return new Repo({ ...paths, cacheDir }, config, algo, factory, cache, new StateStore(paths.stateDir));
  }

  /**
   * The containment check every workspace write, delete and rename passes (io/contained.ts).
   * One per Repo, i.e. per command: folders found good are remembered.
   */
  get guard(): Containment {
    this.containment ??= new Containment(this.root);
    return this.containment;
  }

  workspace(onProgress?: Workspace['onProgress']): Workspace {
    return {
      root: this.root,
      guard: this.guard,
      cache: this.cache,
      state: this.state,
      algo: this.algo,
      factory: this.factory,
      linkTypes: parseLinkTypes(this.config.get('cache.type')),
      onProgress,
    };
  }

  /** Run `fn` holding the repo lock (see io/lock.ts). */
  async withLock<T>(purpose: string, fn: () => Promise<T> | T): Promise<T> {
    const t = this.config.get('core.lock_timeout');
    const lock: LockHandle = await acquireLock(this.paths.lockFile, {
      purpose,
      timeoutMs: typeof t === 'number' && !process.env.CAIRN_LOCK_TIMEOUT ? t * 1000 : undefined,
    });
    try {
      return await fn();
    } finally {
      lock.release();
    }
  }

  /**
   * Every pointer file in the workspace, as repo-relative POSIX paths, sorted.
   * Skips .git, .cairn, node_modules and the insides of tracked directories
   * (a folder X with a sibling X.cairn), so a million tracked files cost nothing here.
   */
  pointerFiles(): string[] {
    return findRepoFiles(this.root, (n) => n.endsWith(POINTER_SUFFIX) && n.length > POINTER_SUFFIX.length);
  }

  exists(rel: string): boolean {
    return existsSync(join(this.root, rel));
  }
}
