// cairn remote add|list|remove|rename|default|modify: remote settings in .cairn/config.yaml,
// or with `local` in .cairn/config.local.yaml (git-ignored; machine paths, profiles).
// Works without opening the cache, so it also repairs a broken remote setup.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { CairnError, ioError, notARepoError } from '../core/errors.js';
import { hasUrlCredentials, isSecretKey, MASK, maskText } from '../core/secrets.js';
import { Config } from '../repo/config.js';
import { findRepoRoot, repoPaths } from '../repo/repo.js';
import { parseRemoteUrl } from '../remote/open.js';
import { REMOTE_CONFIG_KEYS } from '../repo/config-schema.js';

export interface RemoteInfo {
  name: string;
  url: string;
  default: boolean;
  /** settings other than url; values of secret-looking keys are masked */
  settings: Record<string, unknown>;
  /** where each setting comes from */
  files: ('shared' | 'local')[];
  /** modify: the file written; 'local' also when a secret was routed there */
  wrote?: 'shared' | 'local';
}

function open(cwd: string): Config {
  const root = findRepoRoot(cwd);
  if (!root) {
    throw notARepoError(cwd);
  }
  const p = repoPaths(root);
  return Config.load({ shared: p.configFile, local: p.localConfigFile });
}

function checkName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
    throw new CairnError('CAIRN_USAGE', `'${name}' is not a valid remote name: use letters, digits, '-' and '_'`);
  }
}

function tree(cfg: Config, where: 'shared' | 'local', name: string): Record<string, unknown> | undefined {
  const t = (where === 'shared' ? cfg.shared : cfg.local).remote as Record<string, unknown> | undefined;
  const v = t?.[name];
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}

function mustExist(cfg: Config, name: string): void {
  if (!tree(cfg, 'shared', name) && !tree(cfg, 'local', name)) {
    const names = listOf(cfg).map((r) => r.name);
    throw new CairnError('CAIRN_NO_REMOTE', `no remote named '${name}'${names.length ? ` (remotes: ${names.join(', ')})` : ''}`, {
      hint: `add it with \`cairn remote add ${name} <url>\``,
      data: { remote: name },
    });
  }
}

function listOf(cfg: Config): RemoteInfo[] {
  const merged = (cfg.merged.remote ?? {}) as Record<string, Record<string, unknown>>;
  const def = cfg.get('core.remote');
  return Object.keys(merged)
    .sort()
    .filter((n) => merged[n] && typeof merged[n] === 'object')
    .map((name) => {
      const { url, ...rest } = merged[name]!;
      const settings: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(rest)) settings[k] = isSecretKey(k) ? MASK : v;
      const files: ('shared' | 'local')[] = [];
      if (tree(cfg, 'shared', name)) files.push('shared');
      if (tree(cfg, 'local', name)) files.push('local');
      return { name, url: maskText(String(url ?? '')), default: def === name, settings, files };
    });
}

export interface RemoteAddOptions {
  cwd: string;
  name: string;
  url: string;
  /** also make it the default remote */
  default?: boolean;
  local?: boolean;
  /** replace an existing remote of that name */
  force?: boolean;
  /** folder remotes: create the folder now (push never creates a missing one) */
  create?: boolean;
}

export interface RemoteAddResult extends RemoteInfo {
  /** folder remotes: the folder exists now (false: push and fetch refuse until it does) */
  exists?: boolean;
  /** the folder was created by --create */
  created?: boolean;
}

export async function remoteAdd(o: RemoteAddOptions): Promise<RemoteAddResult> {
  checkName(o.name);
  const cfg = open(o.cwd);
  const root = findRepoRoot(o.cwd)!;
  const parsed = parseRemoteUrl(o.url, root); // reject bad URLs now, not at push time
  if (o.create && parsed.kind !== 'folder') {
    throw new CairnError('CAIRN_USAGE', `--create applies to folder remotes only, not ${o.url}`, { hint: 'create the bucket with your S3 tools' });
  }
  const where = o.local ? 'local' : 'shared';
  if ((tree(cfg, 'shared', o.name) || tree(cfg, 'local', o.name)) && !o.force) {
    throw new CairnError('CAIRN_CONFIG', `remote '${o.name}' already exists`, {
      hint: `replace it with \`cairn remote add -f ${o.name} ${o.url}\`, or change its URL with \`cairn remote modify ${o.name} url ${o.url}\``,
      data: { remote: o.name },
    });
  }
  if (o.force) {
    if (tree(cfg, 'shared', o.name)) cfg.set(`remote.${o.name}`, undefined, 'shared');
    if (tree(cfg, 'local', o.name)) cfg.set(`remote.${o.name}`, undefined, 'local');
  }
  let created = false;
  if (parsed.kind === 'folder' && o.create && !existsSync(parsed.path)) {
    try {
      mkdirSync(parsed.path, { recursive: true });
    } catch (e) {
      throw ioError(e, 'cannot create remote folder', parsed.path);
    }
    created = true;
  }
  cfg.set(`remote.${o.name}.url`, o.url, where);
  if (o.default) cfg.set('core.remote', o.name, where);
  const info: RemoteAddResult = listOf(cfg).find((r) => r.name === o.name)!;
  if (parsed.kind === 'folder') {
    info.exists = statSync(parsed.path, { throwIfNoEntry: false })?.isDirectory() ?? false;
    info.created = created;
  }
  return info;
}

export interface RemoteListOptions {
  cwd: string;
}
export interface RemoteListResult {
  remotes: RemoteInfo[];
}

export async function remoteList(o: RemoteListOptions): Promise<RemoteListResult> {
  return { remotes: listOf(open(o.cwd)) };
}

export interface RemoteRemoveOptions {
  cwd: string;
  name: string;
}
export interface RemoteRemoveResult {
  removed: string;
  wasDefault: boolean;
}

export async function remoteRemove(o: RemoteRemoveOptions): Promise<RemoteRemoveResult> {
  const cfg = open(o.cwd);
  mustExist(cfg, o.name);
  for (const w of ['shared', 'local'] as const) if (tree(cfg, w, o.name)) cfg.set(`remote.${o.name}`, undefined, w);
  let wasDefault = false;
  for (const w of ['shared', 'local'] as const) {
    const t = (w === 'shared' ? cfg.shared : cfg.local).core as Record<string, unknown> | undefined;
    if (t?.remote === o.name) {
      cfg.set('core.remote', undefined, w);
      wasDefault = true;
    }
  }
  return { removed: o.name, wasDefault };
}

export interface RemoteRenameOptions {
  cwd: string;
  name: string;
  newName: string;
}

export async function remoteRename(o: RemoteRenameOptions): Promise<RemoteInfo> {
  checkName(o.newName);
  const cfg = open(o.cwd);
  mustExist(cfg, o.name);
  if (tree(cfg, 'shared', o.newName) || tree(cfg, 'local', o.newName)) {
    throw new CairnError('CAIRN_CONFIG', `remote '${o.newName}' already exists`, { hint: `remove it first: \`cairn remote remove ${o.newName}\`` });
  }
  for (const w of ['shared', 'local'] as const) {
    const t = tree(cfg, w, o.name);
    if (!t) continue;
    cfg.set(`remote.${o.newName}`, { ...t }, w);
    cfg.set(`remote.${o.name}`, undefined, w);
    const core = (w === 'shared' ? cfg.shared : cfg.local).core as Record<string, unknown> | undefined;
    if (core?.remote === o.name) cfg.set('core.remote', o.newName, w);
  }
  for (const w of ['shared', 'local'] as const) {
    const core = (w === 'shared' ? cfg.shared : cfg.local).core as Record<string, unknown> | undefined;
    if (core?.remote === o.name) cfg.set('core.remote', o.newName, w);
  }
  return listOf(cfg).find((r) => r.name === o.newName)!;
}

/** Show (no name), set, or with unset clear the default remote. */
export interface RemoteDefaultOptions {
  cwd: string;
  name?: string;
  unset?: boolean;
  local?: boolean;
}
export interface RemoteDefaultResult {
  default: string | null;
}

export async function remoteDefault(o: RemoteDefaultOptions): Promise<RemoteDefaultResult> {
  const cfg = open(o.cwd);
  const where = o.local ? 'local' : 'shared';
  if (o.unset) {
    cfg.set('core.remote', undefined, where);
  } else if (o.name !== undefined) {
    mustExist(cfg, o.name);
    cfg.set('core.remote', o.name, where);
  }
  const d = cfg.get('core.remote');
  return { default: typeof d === 'string' ? d : null };
}

export interface RemoteModifyOptions {
  cwd: string;
  name: string;
  key: string;
  value?: string;
  unset?: boolean;
  local?: boolean;
}

export async function remoteModify(o: RemoteModifyOptions): Promise<RemoteInfo> {
  const cfg = open(o.cwd);
  mustExist(cfg, o.name);
  const spec = REMOTE_CONFIG_KEYS[o.key];
  if (!spec) {
    throw new CairnError('CAIRN_CONFIG', `unknown remote setting '${o.key}'`, {
      hint: `known settings: ${Object.keys(REMOTE_CONFIG_KEYS).join(', ')}`,
      data: { key: o.key },
    });
  }
  // secrets (and URLs carrying a password) go to the git-ignored local file, never the committed one
  const secret = isSecretKey(o.key) || hasUrlCredentials(o.value);
  const where = o.local || secret ? 'local' : 'shared';
  if (secret && tree(cfg, 'shared', o.name)?.[o.key] !== undefined) cfg.set(`remote.${o.name}.${o.key}`, undefined, 'shared');
  if (o.unset) {
    if (o.key === 'url') throw new CairnError('CAIRN_USAGE', 'a remote needs a url; remove the remote instead', { hint: `cairn remote remove ${o.name}` });
    cfg.set(`remote.${o.name}.${o.key}`, undefined, where);
  } else {
    if (o.value === undefined) throw new CairnError('CAIRN_USAGE', `missing value for ${o.key}`, { hint: `cairn remote modify ${o.name} ${o.key} VALUE` });
    if (o.key === 'url') parseRemoteUrl(o.value, '/');
    let value: unknown;
    try {
      value = spec.parse(o.value);
    } catch (e) {
      // the setting's validator says what is wrong with the value; the key is named here
      throw new CairnError('CAIRN_CONFIG', `${o.key}: ${(e as Error).message}`, { data: { key: o.key } });
    }
    cfg.set(`remote.${o.name}.${o.key}`, value, where);
  }
  return { ...listOf(cfg).find((r) => r.name === o.name)!, wrote: where };
}
