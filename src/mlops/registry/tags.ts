// GTO's tag grammar (https://github.com/iterative/gto, gto/tag.py), so GTO reads what cairn
// writes: `NAME@vX.Y.Z` registers a version, `NAME@vX.Y.Z!#N` deregisters (deprecates) it,
// `NAME#ALIAS#N` assigns an alias (GTO: a stage), `NAME#ALIAS!#N` unassigns it,
// `NAME@deprecated#N` deprecates the whole model. N is one counter per model, increasing over
// all its counted tags (GTO's name_tag), which orders the history without trusting clocks.
import { CairnError } from '../../core/errors.js';

/** GTO's name rule for artifacts and stages (no `/`: cairn keeps names flat). */
export const NAME_RE = /^[a-z][a-z0-9-]*[a-z0-9]$/;
const NAME = '[a-z][a-z0-9-]*[a-z0-9]';
const VERSION = 'v(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)';

export type TagAction = 'register' | 'deregister' | 'assign' | 'unassign' | 'deprecate';

export interface TagName {
  action: TagAction;
  name: string;
  version?: string;
  alias?: string;
  n?: number;
}

const PATTERNS: [RegExp, TagAction][] = [
  [new RegExp(`^(${NAME})@(${VERSION})$`), 'register'],
  [new RegExp(`^(${NAME})@(${VERSION})!#([1-9]\\d*)$`), 'deregister'],
  [new RegExp(`^(${NAME})#(${NAME})#([1-9]\\d*)$`), 'assign'],
  [new RegExp(`^(${NAME})#(${NAME})!#([1-9]\\d*)$`), 'unassign'],
  [new RegExp(`^(${NAME})@deprecated#([1-9]\\d*)$`), 'deprecate'],
];

/** Parse a tag name; undefined when it is not a registry tag. */
export function parseTagName(tag: string): TagName | undefined {
  for (const [re, action] of PATTERNS) {
    const m = re.exec(tag);
    if (!m) continue;
    switch (action) {
      case 'register':
        return { action, name: m[1]!, version: m[2]! };
      case 'deregister':
        return { action, name: m[1]!, version: m[2]!, n: Number(m[3]) };
      case 'assign':
      case 'unassign':
        return { action, name: m[1]!, alias: m[2]!, n: Number(m[3]) };
      case 'deprecate':
        return { action, name: m[1]!, n: Number(m[2]) };
    }
  }
  return undefined;
}

export const versionTag = (name: string, version: string) => `${name}@${version}`;
export const aliasTag = (name: string, alias: string, n: number) => `${name}#${alias}#${n}`;
export const unassignTag = (name: string, alias: string, n: number) => `${name}#${alias}!#${n}`;
export const deregisterTag = (name: string, version: string, n: number) => `${name}@${version}!#${n}`;

export function assertName(name: string, what: 'model name' | 'alias'): string {
  if (!NAME_RE.test(name)) {
    throw new CairnError('CAIRN_USAGE', `'${name}' is not a valid ${what}: lowercase letters, digits and '-', starting with a letter, at least 2 characters`, {
      hint: what === 'alias' ? 'for example `production` or `staging`' : 'for example `penguins` or `churn-model`',
    });
  }
  if (what === 'alias' && name === 'latest') throw new CairnError('CAIRN_USAGE', `'latest' is not an alias: it always names the newest version`, { hint: 'use another alias name' });
  return name;
}

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
}

/** `1.2.0` or `v1.2.0` → `v1.2.0`; throws on anything else. */
export function normalizeVersion(v: string): string {
  const s = v.startsWith('v') ? v : `v${v}`;
  if (!new RegExp(`^${VERSION}$`).test(s)) {
    throw new CairnError('CAIRN_USAGE', `'${v}' is not a version: write X.Y.Z (or vX.Y.Z), e.g. 1.2.0`, { hint: 'or leave --version out: the next patch version is used' });
  }
  return s;
}

export function parseVersion(v: string): SemVer {
  const [major, minor, patch] = v.slice(1).split('.').map(Number) as [number, number, number];
  return { major, minor, patch };
}

export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
}

export function bumpVersion(latest: string | undefined, bump: 'major' | 'minor' | 'patch'): string {
  if (!latest) return 'v1.0.0';
  const v = parseVersion(latest);
  if (bump === 'major') return `v${v.major + 1}.0.0`;
  if (bump === 'minor') return `v${v.major}.${v.minor + 1}.0`;
  return `v${v.major}.${v.minor}.${v.patch + 1}`;
}

/** `NAME@vX.Y.Z`, `NAME@X.Y.Z`, `NAME@ALIAS`, `NAME@latest` or a bare `NAME` (= latest). */
export function parseTarget(target: string): { name: string; version?: string; alias?: string } {
  const at = target.indexOf('@');
  const name = at < 0 ? target : target.slice(0, at);
  const rest = at < 0 ? 'latest' : target.slice(at + 1);
  if (!NAME_RE.test(name)) {
    throw new CairnError('CAIRN_USAGE', `'${target}' is not a model target: write NAME@vX.Y.Z or NAME@ALIAS`, { hint: 'run `cairn model list` to see the models' });
  }
  if (/^v?\d/.test(rest)) return { name, version: normalizeVersion(rest) };
  if (rest === 'latest') return { name };
  if (!NAME_RE.test(rest)) throw new CairnError('CAIRN_USAGE', `'${target}': '${rest}' is neither a version nor an alias`, { hint: 'write NAME@vX.Y.Z or NAME@ALIAS' });
  return { name, alias: rest };
}
