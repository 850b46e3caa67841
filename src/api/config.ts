// cairn config: get, set or unset dotted keys in .cairn/config.yaml (or config.local.yaml
// with local). Known keys are checked before they are written (repo/config-schema.ts);
// secrets always go to config.local.yaml. Works even when the
// current config is broken (that is when it is needed), so it loads no cache or hasher.
import { flatten } from '../core/flatten.js';
import { CairnError, notARepoError } from '../core/errors.js';
import { hasUrlCredentials } from '../core/secrets.js';
import { Config } from '../repo/config.js';
import { isLocalOnlyKey, parseConfigValue } from '../repo/config-schema.js';
import { findRepoRoot, repoPaths } from '../repo/repo.js';

export interface ConfigOptions {
  cwd: string;
  /** dotted key, e.g. core.hash; omitted with list */
  key?: string;
  /** value to set (a string as typed) */
  value?: string;
  unset?: boolean;
  /** write to config.local.yaml (git-ignored) instead of config.yaml */
  local?: boolean;
  /** every key, flattened */
  list?: boolean;
}

export interface ConfigResult {
  action: 'get' | 'set' | 'unset' | 'list';
  key?: string;
  value?: unknown;
  file?: string;
  /** list: dotted key → value (the merged view) */
  values?: Record<string, unknown>;
  /** set: the value is a secret, so it went to config.local.yaml (git-ignored) though --local was not given */
  routedToLocal?: boolean;
}

/** Turn the typed string into the stored value, checked against the known keys (exit 2 when bad). */
function coerceConfigValue(key: string, raw: string): unknown {
  return parseConfigValue(key, raw);
}

function lookup(tree: unknown, key: string): unknown {
  let cur = tree;
  for (const k of key.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

export async function config(opts: ConfigOptions): Promise<ConfigResult> {
  const root = findRepoRoot(opts.cwd);
  if (!root) {
    throw notARepoError(opts.cwd);
  }
  const p = repoPaths(root);
  const cfg = Config.load({ shared: p.configFile, local: p.localConfigFile });
  if (opts.list) {
    const values = flatten(opts.local ? cfg.local : cfg.merged);
    return { action: 'list', values };
  }
  const key = opts.key;
  if (!key || !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/.test(key)) {
    throw new CairnError('CAIRN_USAGE', `'${key ?? ''}' is not a config key: use section.name, e.g. core.hash`, {
      hint: 'run `cairn config --list` to see the keys set',
    });
  }
  if (opts.unset) {
    const file = opts.local ? p.localConfigFile : p.configFile;
    cfg.set(key, undefined, opts.local ? 'local' : 'shared');
    return { action: 'unset', key, file };
  }
  if (opts.value === undefined) {
    return { action: 'get', key, value: cfg.get(key) };
  }
  const value = coerceConfigValue(key, opts.value);
  // a secret never goes to the committed file: route it to the git-ignored one (and drop a
  // copy committed earlier), as `remote modify` does
  const secret = isLocalOnlyKey(key) || hasUrlCredentials(opts.value);
  const where = opts.local || secret ? 'local' : 'shared';
  if (secret && where === 'local' && lookup(cfg.shared, key) !== undefined) cfg.set(key, undefined, 'shared');
  cfg.set(key, value, where);
  const file = where === 'local' ? p.localConfigFile : p.configFile;
  return { action: 'set', key, value, file, ...(secret && !opts.local ? { routedToLocal: true } : {}) };
}
