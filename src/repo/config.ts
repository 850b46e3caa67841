// Repo config: .cairn/config.yaml (committed) overlaid by .cairn/config.local.yaml
// (git-ignored: credentials, machine paths). Keys are dotted: core.hash, cache.type,
// core.remote, remote.<name>.url, ...
import { CairnError } from '../core/errors.js';
import { CONFIG_KIND, parseOwnYaml, readOwnText, type OwnFileCode } from '../io/own-file.js';
import { isSecretKey, registerSecret } from '../core/secrets.js';
import { writeFileAtomic } from '../io/atomic.js';
import { lstatSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { isMap } from 'yaml';
import { yaml } from '../io/yaml.js';

export type ConfigTree = Record<string, unknown>;

export interface ConfigFiles {
  shared: string;
  local: string;
}

/** Read one of cairn's own YAML files through io/own-file.ts (no symlinks, size cap, alias bound); undefined when absent. */
export function readYamlFile(file: string, what: string): unknown {
  const text = readOwnText(file, { what, code: 'CAIRN_CONFIG' });
  return text === undefined ? undefined : parseYamlText(text, file, what);
}

/** Parse YAML, turning syntax errors and alias bombs into errors (CAIRN_CONFIG by default) that name file and line. */
export function parseYamlText(text: string, file: string, what: string, code: OwnFileCode = 'CAIRN_CONFIG'): unknown {
  return parseOwnYaml(text, file, { what, code }).value;
}

/**
 * .cairn/config.yaml, parsed once per change: the parsed tree is kept in .cairn/state/ (local,
 * git-ignored) beside the exact text it came from and the file's identity (device, inode, size,
 * mtime and ctime in ns), so a command whose config did not change never loads the YAML parser
 * (~50 ms of start-up here). The text is still read through own-file (no symlinks, size cap)
 * every time. A cache file that arrived with a hostile clone cannot match: the ctime is the
 * victim's own checkout's. The state folder must be a real folder, not a symlink. Any doubt
 * means parse. config.local.yaml (credentials) is never copied there.
 */
function readSharedConfig(file: string): unknown {
  const text = readOwnText(file, { what: 'config', code: 'CAIRN_CONFIG' });
  if (text === undefined) return undefined;
  const meta = dirname(file);
  const stateDir = join(meta, 'state');
  let cacheFile: string | undefined;
  let stamp: string | undefined;
  try {
    if (basename(meta) === '.cairn' && lstatSync(stateDir).isDirectory()) {
      const st = lstatSync(file, { bigint: true });
      stamp = [st.dev, st.ino, st.size, st.mtimeNs, st.ctimeNs].join(':');
      cacheFile = join(stateDir, 'config.parsed.json');
    }
  } catch {
    cacheFile = undefined; // no state folder yet: parse, keep nothing
  }
  if (cacheFile) {
    try {
      const c = JSON.parse(readFileSync(cacheFile, 'utf8')) as { stamp?: unknown; text?: unknown; value?: unknown };
      if (c.stamp === stamp && c.text === text) return c.value;
    } catch {
      // absent or unreadable: parse below
    }
  }
  const value = parseYamlText(text, file, 'config');
  if (cacheFile) {
    try {
      writeFileAtomic(cacheFile, JSON.stringify({ stamp, text, value }));
    } catch {
      // a read-only checkout still works, only slower
    }
  }
  return value;
}

function asTree(x: unknown, file: string): ConfigTree {
  if (x === undefined || x === null) return {};
  if (typeof x !== 'object' || Array.isArray(x)) {
    throw new CairnError('CAIRN_CONFIG', `${file}: config must be a mapping`, { data: { file } });
  }
  return x as ConfigTree;
}

function merge(a: ConfigTree, b: ConfigTree): ConfigTree {
  const out: ConfigTree = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev)) {
      out[k] = merge(prev as ConfigTree, v as ConfigTree);
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** Every value under a secret-named key is remembered, so no output shows it (core/secrets.ts). */
function rememberSecrets(tree: unknown, key?: string): void {
  if (tree && typeof tree === 'object') {
    for (const [k, v] of Object.entries(tree)) rememberSecrets(v, k);
  } else if (key !== undefined && isSecretKey(key)) registerSecret(tree);
}

export class Config {
  constructor(
    readonly files: ConfigFiles,
    readonly shared: ConfigTree,
    readonly local: ConfigTree,
  ) {}

  static load(files: ConfigFiles): Config {
    const cfg = new Config(
      files,
      asTree(readSharedConfig(files.shared), files.shared),
      asTree(readYamlFile(files.local, 'config'), files.local),
    );
    rememberSecrets(cfg.shared);
    rememberSecrets(cfg.local);
    return cfg;
  }

  get merged(): ConfigTree {
    return merge(this.shared, this.local);
  }

  get(key: string): unknown {
    let cur: unknown = this.merged;
    for (const k of key.split('.')) {
      if (!cur || typeof cur !== 'object') return undefined;
      cur = (cur as ConfigTree)[k];
    }
    return cur;
  }

  /** Set (or with value undefined, unset) a dotted key in the shared or local file, keeping comments. */
  set(key: string, value: unknown, where: 'shared' | 'local' = 'shared'): void {
    const file = where === 'shared' ? this.files.shared : this.files.local;
    const text = readOwnText(file, CONFIG_KIND) ?? '';
    const doc = parseOwnYaml(text, file, CONFIG_KIND).doc;
    if (!yaml().isMap(doc.contents)) doc.contents = doc.createNode({}) as never;
    const path = key.split('.');
    if (value === undefined) doc.deleteIn(path);
    else doc.setIn(path, value);
    writeFileAtomic(file, doc.toString());
    const tree = asTree(doc.toJS(), file);
    rememberSecrets(tree);
    if (where === 'shared') (this as { shared: ConfigTree }).shared = tree;
    else (this as { local: ConfigTree }).local = tree;
  }
}
