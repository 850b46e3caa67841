// cairn config: get, set or unset dotted keys in .cairn/config.yaml (or config.local.yaml
// with local). Known keys are checked before they are written. Works even when the
// current config is broken (that is when it is needed), so it loads no cache or hasher.
import { flatten } from '../core/flatten.js';
import { CairnError, notARepoError } from '../core/errors.js';
import { assertHashAlgorithm } from '../core/hash.js';
import { Config } from '../repo/config.js';
import { findRepoRoot, parseLinkTypes, repoPaths } from '../repo/repo.js';

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
}

/** Turn the typed string into the stored value, checking the keys cairn knows. */
export function coerceConfigValue(key: string, raw: string): unknown {
  switch (key) {
    case 'core.hash':
      return assertHashAlgorithm(raw, `config ${key}`);
    case 'cache.type':
      return parseLinkTypes(raw);
    case 'core.lock_timeout': {
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0 || raw.trim() === '') {
        throw new CairnError('CAIRN_CONFIG', `core.lock_timeout must be a number of seconds, not '${raw}'`, {
          hint: 'e.g. `cairn config core.lock_timeout 60`',
        });
      }
      return n;
    }
  }
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^-?(0|[1-9]\d{0,14})(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
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
  const file = opts.local ? p.localConfigFile : p.configFile;
  if (opts.unset) {
    cfg.set(key, undefined, opts.local ? 'local' : 'shared');
    return { action: 'unset', key, file };
  }
  if (opts.value === undefined) {
    return { action: 'get', key, value: cfg.get(key) };
  }
  const value = coerceConfigValue(key, opts.value);
  cfg.set(key, value, opts.local ? 'local' : 'shared');
  return { action: 'set', key, value, file };
}
