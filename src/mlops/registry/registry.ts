// The registry's operations over a repo: load and resolve, promote, deprecate. Each reads the
// tags (through the index), decides, and writes at most one tag. Registering a version is in
// register.ts and materialising one in files.ts, so the reading commands (model show, list,
// history) load neither lineage and pipelines nor the cache's builders.
import { CairnError } from '../../core/errors.js';
import { gitSync } from '../../git/cli.js';
import type { Repo } from '../../repo/repo.js';
import { checkPolicy, parsePolicies, type Policy } from './policy.js';
import { toMessage, type AliasEvent, type DeprecationEvent, type VersionRecord } from './record.js';
import { aliasHistory, aliasHolder, aliasesOf, latestVersion, type HistoryRow, type ModelState, type VersionEntry } from './state.js';
import { committerIdent, createTag, readRegistryIndex, type RawTag } from './store.js';
import { aliasTag, assertName, deregisterTag, parseTarget } from './tags.js';

/** What `model list` shows of a model; kept in the index head so listing reads nothing else. */
export interface ModelSummary {
  latest: string | null;
  versions: number;
  deprecated: number;
  /** alias → version it names now */
  aliases: Record<string, string>;
  /** version tags whose record cannot be trusted */
  problems: { tag: string; problems: string[] }[];
}

export function summarize(m: ModelState): ModelSummary {
  const aliases: Record<string, string> = {};
  for (const a of [...m.aliases.keys()].sort()) {
    const h = aliasHolder(m, a);
    if (h) aliases[a] = h.version;
  }
  return {
    latest: latestVersion(m)?.version ?? null,
    versions: m.versions.length,
    deprecated: m.versions.filter((v) => v.deprecated).length,
    aliases,
    problems: m.versions.filter((v) => v.problems.length).map((v) => ({ tag: v.tag, problems: v.problems })),
  };
}

export interface Registry {
  /** the tags of the loaded models */
  tags: RawTag[];
  /** the loaded models (all of them when no names were given) */
  models: Map<string, ModelState>;
  /** every model's summary, from the index head */
  summaries: Record<string, ModelSummary>;
}

/** The registry, with the full state of the named models (all models when `names` is omitted). */
export function loadRegistry(repo: Repo, names?: string[]): Registry {
  const idx = readRegistryIndex(repo.root, repo.paths.stateDir, summarize);
  const wanted = [...new Set(names ?? Object.keys(idx.summaries))];
  const models = new Map<string, ModelState>();
  for (const n of wanted) {
    const m = idx.model(n);
    if (m) models.set(n, m);
  }
  let tags: RawTag[] | undefined;
  return {
    // parsed only by the commands that need the tags themselves (push, pull)
    get tags() {
      return (tags ??= wanted.flatMap((n) => idx.tagsOf(n)));
    },
    models,
    summaries: idx.summaries,
  };
}

/** The registry loaded for the model a target names. */
export function loadFor(repo: Repo, ...targets: string[]): Registry {
  return loadRegistry(repo, targets.map((t) => parseTarget(t).name));
}

function noModel(name: string): CairnError {
  return new CairnError('CAIRN_NOT_FOUND', `no model '${name}' in the registry (no ${name}@vX.Y.Z tag)`, {
    hint: 'run `cairn model list`, or `cairn model pull` to fetch the registry tags',
    data: { name },
  });
}

/** The version entry a target names, or undefined when the model has no such version/alias. */
export function resolveEntry(reg: Registry, target: string): { model: ModelState; entry: VersionEntry | undefined; alias?: string } {
  const t = parseTarget(target);
  const model = reg.models.get(t.name);
  if (!model || !model.versions.length) throw noModel(t.name);
  if (t.version) return { model, entry: model.versions.find((v) => v.version === t.version) };
  if (t.alias) return { model, entry: aliasHolder(model, t.alias), alias: t.alias };
  return { model, entry: latestVersion(model) };
}

/** A sound record or an integrity error naming the tag and what is wrong with it. */
export function trusted(entry: VersionEntry): VersionRecord {
  if (!entry.record || entry.problems.length) {
    throw new CairnError('CAIRN_INTEGRITY', `registry tag ${entry.tag} cannot be trusted: ${entry.problems.join('; ') || 'it holds no record'}`, {
      hint: `compare with the remote (\`git fetch --tags\`), or deprecate it (\`cairn model deprecate ${entry.tag}\`) and register a new version`,
      data: { tag: entry.tag, problems: entry.problems },
    });
  }
  return entry.record;
}

// --------------------------------------------------------------------------------- promote

export function policiesOf(repo: Repo): Record<string, Policy> {
  return parsePolicies(repo.config.get('registry.policies'), repo.paths.configFile);
}

function onBranch(root: string): (commit: string, branch: string) => boolean | 'no-branch' {
  return (commit, branch) => {
    // the local branch, or (in a CI clone that has only the remote one) origin's
    const ref = [`refs/heads/${branch}`, `refs/remotes/origin/${branch}`].find((r) => {
      try {
        gitSync(root, ['rev-parse', '--verify', '-q', r]);
        return true;
      } catch {
        return false;
      }
    });
    if (!ref) return 'no-branch';
    try {
      gitSync(root, ['merge-base', '--is-ancestor', commit, ref]);
      return true;
    } catch {
      return false;
    }
  };
}

export interface PromoteInput {
  repo: Repo;
  target: string;
  alias: string;
  reason?: string;
  force?: boolean;
  /** what moves the alias ('rollout' for cairn deploy), recorded in the alias event */
  moved_by?: string;
  now?: () => Date;
}

export interface PromoteOutcome {
  verdict: 'pass' | 'fail';
  name: string;
  version: string;
  alias: string;
  /** policy rules the version fails (promotion refused unless forced) */
  violations: string[];
  tag: string | null;
  forced: boolean;
  /** the alias already named this version: nothing written */
  unchanged: boolean;
  previous: string | null;
}

export function promoteVersion(o: PromoteInput): PromoteOutcome {
  const { repo } = o;
  const alias = assertName(o.alias, 'alias');
  const t = parseTarget(o.target);
  if (!t.version) throw new CairnError('CAIRN_USAGE', `promote takes NAME@vX.Y.Z, not '${o.target}'`, { hint: `e.g. \`cairn model promote ${t.name}@v1.0.0 ${alias}\`` });
  if (o.force && !o.reason?.trim()) throw new CairnError('CAIRN_USAGE', '--force needs --reason: the override and its reason are recorded', { hint: '--reason "hotfix approved by ..."' });
  const reg = loadRegistry(repo, [t.name]);
  const { model, entry } = resolveEntry(reg, o.target);
  if (!entry) throw new CairnError('CAIRN_NOT_FOUND', `${t.name}@${t.version} is not registered`, { hint: `run \`cairn model show ${t.name}\``, data: { target: o.target } });
  const rec = trusted(entry);
  if (entry.deprecated) throw new CairnError('CAIRN_USAGE', `${entry.tag} is deprecated (${entry.deprecated.tag}) and cannot be promoted`, { hint: 'register a new version' });
  const policy = policiesOf(repo)[alias];
  const violations = checkPolicy(policy, rec, onBranch(repo.root));
  const prev = aliasHolder(model, alias);
  const base = { name: rec.name, version: rec.version, alias, violations, previous: prev?.version ?? null };
  if (violations.length && !o.force) return { ...base, verdict: 'fail', tag: null, forced: false, unchanged: false };
  if (prev?.version === rec.version) return { ...base, verdict: 'pass', tag: null, forced: false, unchanged: true };
  const ev: AliasEvent = {
    name: rec.name,
    alias,
    version: rec.version,
    reason: o.reason?.trim() || null,
    by: committerIdent(repo.root),
    at: (o.now?.() ?? new Date()).toISOString(),
    ...(violations.length ? { forced: { reason: o.reason!.trim(), violations } } : {}),
    ...(o.moved_by ? { moved_by: o.moved_by } : {}),
  };
  const message = toMessage('alias', ev);
  for (let n = model.counter + 1; n < model.counter + 100; n++) {
    const tag = aliasTag(rec.name, alias, n);
    if (createTag(repo.root, tag, rec.commit, message)) return { ...base, verdict: 'pass', tag, forced: violations.length > 0, unchanged: false };
  }
  throw new CairnError('CAIRN_FAILED', `could not create an alias tag for ${rec.name}#${alias}`, { hint: 'run `git tag -l` to see what is in the way' });
}

// ------------------------------------------------------------------------------- deprecate

export function deprecateVersion(o: { repo: Repo; target: string; reason?: string; now?: () => Date }): { tag: string; name: string; version: string; already: boolean } {
  const t = parseTarget(o.target);
  if (!t.version) throw new CairnError('CAIRN_USAGE', `deprecate takes NAME@vX.Y.Z, not '${o.target}'`);
  const reg = loadRegistry(o.repo, [t.name]);
  const { model, entry } = resolveEntry(reg, o.target);
  if (!entry) throw new CairnError('CAIRN_NOT_FOUND', `${t.name}@${t.version} is not registered`, { hint: `run \`cairn model show ${t.name}\`` });
  if (entry.deprecated) return { tag: entry.deprecated.tag, name: entry.name, version: entry.version, already: true };
  const ev: DeprecationEvent = { name: entry.name, version: entry.version, reason: o.reason?.trim() || null, by: committerIdent(o.repo.root), at: (o.now?.() ?? new Date()).toISOString() };
  const message = toMessage('deprecation', ev);
  for (let n = model.counter + 1; n < model.counter + 100; n++) {
    const tag = deregisterTag(entry.name, entry.version, n);
    if (createTag(o.repo.root, tag, entry.commit, message)) return { tag, name: entry.name, version: entry.version, already: false };
  }
  throw new CairnError('CAIRN_FAILED', `could not create a deprecation tag for ${entry.tag}`);
}

// --------------------------------------------------------------------------------- reading

export interface VersionView extends VersionRecord {
  tag: string;
  aliases: string[];
  deprecated: VersionEntry['deprecated'];
  /** the alias the target named, with the assignment that gave it */
  via?: { alias: string; n: number; at: string; reason: string | null; forced?: AliasEvent['forced'] };
}

export function viewOf(model: ModelState, entry: VersionEntry, alias?: string): VersionView {
  const rec = trusted(entry);
  const { checksum: _c, ...clean } = rec;
  const v: VersionView = { ...clean, tag: entry.tag, aliases: aliasesOf(model, entry.version), deprecated: entry.deprecated };
  if (alias) {
    const last = model.aliases.get(alias)?.at(-1);
    if (last) v.via = { alias, n: last.n, at: last.at, reason: last.reason, ...(last.forced ? { forced: last.forced } : {}) };
  }
  return v;
}

export function historyOf(model: ModelState, alias: string | undefined, at?: Date): HistoryRow[] {
  const aliases = alias ? [alias] : [...model.aliases.keys()].sort();
  let rows = aliases.flatMap((a) => aliasHistory(model, a));
  if (!alias) rows.sort((x, y) => x.n - y.n);
  if (at) {
    const t = at.getTime();
    rows = rows.filter((r) => Date.parse(r.from) <= t && (r.to === null || t < Date.parse(r.to)));
  }
  return rows;
}

export { aliasHolder, aliasesOf, latestVersion };
