// Registering a version: the record of a pipeline output or tracked file at HEAD (lineage from
// the committed cairn.lock, params, metrics, the run that made it, a gate report), written as
// the annotated tag NAME@vX.Y.Z.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readRunLog } from '../../cache/runs.js';
import { CairnError } from '../../core/errors.js';
import { isSafeRelpath } from '../../core/paths.js';
import { currentBranch, headCommit, isDirty } from '../../git/cli.js';
import { parseMetrics } from '../../io/metrics-file.js';
import type { Repo } from '../../repo/repo.js';
import { lineageTree, producers, upstream } from './lineage.js';
import { toMessage, type Value, type VersionRecord } from './record.js';
import { loadRegistry } from './registry.js';
import { openSnapshot } from './snapshot.js';
import { committerIdent, createTag } from './store.js';
import { assertName, bumpVersion, compareVersions, normalizeVersion, versionTag } from './tags.js';

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

