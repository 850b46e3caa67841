// Repo config: .cairn/config.yaml (committed) overlaid by .cairn/config.local.yaml
// (git-ignored: credentials, machine paths). Keys are dotted: core.hash, cache.type,
// core.remote, remote.<name>.url, ...
import { readFileSync } from 'node:fs';
import { parseDocument, isMap, YAMLParseError } from 'yaml';
import { CairnError } from '../core/errors.js';
import { isSecretKey, registerSecret } from '../core/secrets.js';
import { writeFileAtomic } from '../io/atomic.js';

export type ConfigTree = Record<string, unknown>;

export interface ConfigFiles {
  shared: string;
  local: string;
}

export function readYamlFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CairnError('CAIRN_IO', `cannot read ${what} ${file}: ${(e as Error).message}`, { data: { file } });
  }
  return parseYamlText(text, file, what);
}

/** Parse YAML, turning syntax errors into CAIRN_CONFIG errors that name file and line. */
export function parseYamlText(text: string, file: string, what: string, code: 'CAIRN_CONFIG' | 'CAIRN_BAD_POINTER' | 'CAIRN_BAD_PIPELINE' | 'CAIRN_BAD_LOCK' | 'CAIRN_BAD_PARAMS' = 'CAIRN_CONFIG'): unknown {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    // with prettyErrors off, linePos is not filled in: count lines up to the offset
    const line =
      err instanceof YAMLParseError && err.linePos
        ? err.linePos[0].line
        : Array.isArray(err.pos) && typeof err.pos[0] === 'number'
          ? text.slice(0, err.pos[0]).split('\n').length
          : undefined;
    throw new CairnError(code, `${file}${line ? `:${line}` : ''}: malformed ${what}: ${err.message.split('\n')[0]}`, {
      hint: `fix the YAML in ${file}${line ? ` near line ${line}` : ''} (or restore it with git checkout -- ${file})`,
      data: { file, line },
    });
  }
  return doc.toJS();
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
      asTree(readYamlFile(files.shared, 'config'), files.shared),
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
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      /* new file */
    }
    const doc = parseDocument(text);
    if (!isMap(doc.contents)) doc.contents = doc.createNode({}) as never;
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
