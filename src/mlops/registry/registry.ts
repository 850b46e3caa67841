// The registry's operations over a repo: register, promote, deprecate, resolve, history,
// materialise. Each reads the tags (through the index), decides, and writes at most one tag.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { readRunLog } from '../../cache/runs.js';
import { loadManifest } from '../../cache/build.js';
import { materialize } from '../../cache/materialize.js';
import { CairnError } from '../../core/errors.js';
import { Containment } from '../../io/contained.js';
import { isDirId } from '../../core/ids.js';
import { isSafeRelpath } from '../../core/paths.js';
import { currentBranch, gitSync, headCommit, isDirty } from '../../git/cli.js';
import { parseMetrics } from '../../io/metrics-file.js';
import type { Repo } from '../../repo/repo.js';
import { lineageTree, producers, upstream } from './lineage.js';
import { checkPolicy, parsePolicies, type Policy } from './policy.js';
import { toMessage, type AliasEvent, type DeprecationEvent, type Value, type VersionRecord } from './record.js';
import { openSnapshot } from './snapshot.js';
import { aliasHistory, aliasHolder, aliasesOf, buildState, latestVersion, type HistoryRow, type ModelState, type VersionEntry } from './state.js';
import { committerIdent, createTag, readRegistryIndex, type RawTag } from './store.js';
import { aliasTag, assertName, bumpVersion, compareVersions, deregisterTag, normalizeVersion, parseTarget, versionTag } from './tags.js';

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
  const idx = readRegistryIndex(repo.root, repo.paths.stateDir, (tags, rw) => {
    const m = buildState(tags, rw).values().next().value as ModelState;
    return summarize(m);
  });
  const wanted = names ?? Object.keys(idx.summaries);
  const tags = [...new Set(wanted)].flatMap((n) => idx.tagsOf(n));
  return { tags, models: buildState(tags, idx.rewritten), summaries: idx.summaries };
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

// --------------------------------------------------------------------------------- register

export interface GateReportInput {
  verdict: string;
  eval_set: { path: string; id: string } | null;
  predictions: { path: string; id: string } | null;
}

/** Read the parts of a gate report the registry records (verdict, eval set, predictions). */
export function readGateReport(file: string): { bytes: Buffer; report: GateReportInput } {
  let bytes: Buffer;
  try {
    if (statSync(file).size > 64 << 20) throw new CairnError('CAIRN_USAGE', `gate report ${file} is larger than 64 MiB`);
    bytes = readFileSync(file);
  } catch (e) {
    if (e instanceof CairnError) throw e;
    throw new CairnError('CAIRN_NOT_FOUND', `cannot read gate report '${file}': ${(e as Error).message}`, { hint: 'pass the JSON file `cairn gate` wrote' });
  }
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new CairnError('CAIRN_USAGE', `gate report ${file} is not JSON: ${(e as Error).message}`, { hint: 'pass the JSON file `cairn gate --json` wrote' });
  }
  const ref = (v: unknown, what: string): { path: string; id: string } | null => {
    if (v === undefined || v === null) return null;
    const r = v as { path?: unknown; id?: unknown };
    if (!r || typeof r !== 'object' || !isSafeRelpath(r.path) || typeof r.id !== 'string' || !/^[0-9a-f]{32,64}(\.dir)?$/.test(r.id)) {
      throw new CairnError('CAIRN_USAGE', `gate report ${file}: ${what} must be {path (inside the repo), id}`, { data: { file } });
    }
    return { path: r.path, id: r.id };
  };
  if (!data || typeof data !== 'object' || typeof data.verdict !== 'string' || !['pass', 'fail', 'inconclusive'].includes(data.verdict)) {
    throw new CairnError('CAIRN_USAGE', `gate report ${file}: 'verdict' must be pass, fail or inconclusive`, { data: { file } });
  }
  const cand = data.candidate as { predictions?: unknown } | undefined;
  return { bytes, report: { verdict: data.verdict, eval_set: ref(data.eval_set, 'eval_set'), predictions: ref(cand?.predictions, 'candidate.predictions') } };
}

export interface RegisterInput {
  repo: Repo;
  name: string;
  /** repo-relative POSIX path of the model */
  path: string;
  version?: string;
  bump?: 'major' | 'minor' | 'patch';
  /** absolute path of a gate report JSON */
  gateReport?: string;
  allowDirty?: boolean;
  now?: () => Date;
}

export async function registerVersion(o: RegisterInput): Promise<{ record: VersionRecord; tag: string }> {
  const { repo } = o;
  const name = assertName(o.name, 'model name');
  if (o.version && o.bump) throw new CairnError('CAIRN_USAGE', '--version and --bump exclude each other');
  const commit = headCommit(repo.root);
  if (!commit) throw new CairnError('CAIRN_USAGE', 'the repository has no commit yet: a version names the commit that made it', { hint: 'commit the pipeline and its cairn.lock first' });
  const dirty = isDirty(repo.root) === true;
  if (dirty && !o.allowDirty) {
    throw new CairnError('CAIRN_USAGE', `the work tree has uncommitted changes to tracked files: version records name the exact commit (HEAD ${commit.slice(0, 7)})`, {
      hint: 'commit the changes first (`git status`), or pass --allow-dirty (the record then says dirty: true)',
    });
  }
  const snap = await openSnapshot(repo.root, dirty ? 'workspace' : commit);
  const prods = producers(snap);
  const p = prods.get(o.path);
  if (!p) {
    throw new CairnError('CAIRN_BAD_TARGET', `'${o.path}' is not a pipeline output or tracked file at ${dirty ? 'the workspace' : `commit ${commit.slice(0, 7)}`}`, {
      hint: 'register an out of a stage recorded in a committed cairn.lock, or a file tracked with `cairn add` (commit its .cairn file)',
      data: { path: o.path },
    });
  }
  if (!repo.cache.has(p.id)) {
    throw new CairnError('CAIRN_MISSING_FROM_CACHE', `'${o.path}' (${p.id}) is not in the local cache`, { hint: `run \`cairn pull ${o.path}\` or \`cairn repro\` first`, data: { path: o.path, id: p.id } });
  }
  const reg = loadRegistry(repo, [name]);
  const model = reg.models.get(name);
  const versions = model?.versions ?? [];
  const latest = versions.map((v) => v.version).sort(compareVersions).at(-1);
  const version = o.version ? normalizeVersion(o.version) : bumpVersion(latest, o.bump ?? 'patch');
  if (versions.some((v) => v.version === version)) {
    throw new CairnError('CAIRN_USAGE', `${name}@${version} is already registered: a version record is immutable`, {
      hint: latest ? `register a new version (\`--bump patch\` gives ${bumpVersion(latest, 'patch')})` : 'pick another --version',
      data: { tag: versionTag(name, version) },
    });
  }
  // GTO allows one version per commit (and maps alias tags to versions by commit)
  const same = versions.find((v) => v.commit === commit && !v.deprecated);
  if (same) {
    throw new CairnError('CAIRN_USAGE', `${same.tag} is already registered at commit ${commit.slice(0, 7)}: one version per commit (GTO's rule, which alias tags rely on)`, {
      hint: `commit the change that makes the new version first, or deprecate ${same.tag}`,
      data: { tag: same.tag, commit },
    });
  }
  const tree = lineageTree(prods, o.path);
  const data = upstream(tree);
  // the run that produced these exact bytes (the newest, if it ran more than once)
  const run = p.stage ? readRunLog(repo.paths.dotDir).records.filter((r) => r.stage === p.stage && r.status === 'ran' && r.outs.some((x) => x.path === o.path && x.id === p.id)).at(-1) : undefined;
  const metrics = await metricsFor(repo, snap, o.path, p.stage ?? null);
  let gate: VersionRecord['gate'] = null;
  let evalSet: VersionRecord['eval_set'] = null;
  let predictions: VersionRecord['predictions'] = null;
  if (o.gateReport) {
    const { bytes, report } = readGateReport(o.gateReport);
    const reportId = repo.cache.put(bytes);
    gate = { verdict: report.verdict, report_id: reportId };
    evalSet = report.eval_set;
    if (report.predictions) {
      predictions = report.predictions;
      if (!repo.cache.has(predictions.id)) {
        const abs = join(repo.root, predictions.path);
        if (!existsSync(abs)) {
          throw new CairnError('CAIRN_NOT_FOUND', `the gate report's predictions '${predictions.path}' are neither in the cache nor in the workspace`, { hint: 'rerun the gate, then register with its report' });
        }
        const put = repo.cache.putFile(abs);
        if (put.id !== predictions.id) {
          throw new CairnError('CAIRN_USAGE', `'${predictions.path}' has id ${put.id}, the gate report says ${predictions.id}: the predictions changed after the gate ran`, { hint: 'rerun the gate, then register with its new report' });
        }
      }
    }
  }
  const record: VersionRecord = {
    name,
    version,
    commit,
    branch: currentBranch(repo.root),
    author: committerIdent(repo.root),
    dirty,
    registered_at: (o.now?.() ?? new Date()).toISOString(),
    path: o.path,
    hash: p.hash,
    id: p.id,
    size: p.size,
    ...(p.nfiles !== undefined ? { nfiles: p.nfiles } : {}),
    stage: p.stage ?? null,
    cmd: p.cmd ?? null,
    run: run?.id ?? null,
    data,
    params: (p.params ?? {}) as Record<string, Value>,
    metrics,
    eval_set: evalSet,
    predictions,
    gate,
    ...(dirty ? { forced: { allow_dirty: true as const } } : {}),
  };
  const tag = versionTag(name, version);
  const message = toMessage('version', record);
  if (!createTag(repo.root, tag, commit, message)) {
    throw new CairnError('CAIRN_USAGE', `${tag} is already registered: a version record is immutable`, { hint: 'register a new version', data: { tag } });
  }
  return { record: { ...record, checksum: undefined } as VersionRecord, tag };
}

/** Metrics of the model: the metrics files of its own stage and of the stages that read it. */
async function metricsFor(repo: Repo, snap: Awaited<ReturnType<typeof openSnapshot>>, path: string, stage: string | null): Promise<Record<string, Value>> {
  const out: Record<string, Value> = {};
  const prods = producers(snap);
  for (const pl of snap.pipelines) {
    for (const st of pl.stages) {
      if (!(st.name === stage || st.deps.includes(path))) continue;
      for (const m of st.outs.filter((x) => x.kind === 'metric')) {
        let bytes = await snap.readFile(m.path);
        const prod = prods.get(m.path);
        if (!bytes && prod && repo.cache.has(prod.id)) bytes = repo.cache.get(prod.id, m.path);
        if (!bytes) continue;
        try {
          Object.assign(out, parseMetrics(bytes.toString('utf8'), m.path));
        } catch {
          /* a malformed metrics file is left out */
        }
      }
    }
  }
  return out;
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

/** Put a version's files in `dir`: a file as dir/<its name>, a directory's files under dir/. */
export function materializeInto(repo: Repo, rec: VersionRecord, dir: string): { files: string[] } {
  // the caller chose `dir` (model get -o, a gate's or deploy's temp dir): writes are contained
  // there instead of in the repository, so a hostile manifest still cannot leave it
  const out = resolve(dir);
  mkdirSync(out, { recursive: true });
  const ws = { ...repo.workspace(), root: out, guard: new Containment(out) };
  const files: string[] = [];
  if (isDirId(rec.id)) {
    const m = loadManifest(ws, rec.id, `${rec.name}@${rec.version}`);
    for (const e of m) {
      const dst = join(out, ...e.relpath.split('/'));
      ws.cache.verified(e.hash, e.size, `${rec.path}/${e.relpath}`);
      materialize(ws, e.hash, dst, e.isexec);
      files.push(dst);
    }
  } else {
    const dst = join(out, basename(rec.path));
    ws.cache.verified(rec.id, rec.size, rec.path);
    materialize(ws, rec.id, dst, false);
    files.push(dst);
  }
  return { files };
}

export { aliasHolder, aliasesOf, latestVersion };
