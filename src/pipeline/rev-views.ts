// A revision as something to read: a git commit (through src/git/revision.ts) or the
// workspace. Metrics, params and plots read revisions through this one view; what a
// revision refers to comes from the one reference walk (repo/revisions.ts).
// Files that are cached outs (not committed) are read through their id in that revision's
// cairn.lock (or pointer file): from the local cache, else fetched from the default remote.
import { findRepoFiles } from '../repo/walk.js';
import { CairnError } from '../core/errors.js';
import { flatten, type FlatMap as Flat } from '../core/flatten.js';
import type { RevError, RevMetrics } from '../core/revs.js';
import { History } from '../git/revision.js';
import { parseMetrics } from '../io/metrics-file.js';
import { parsePipeline, readParamsFile, type Pipeline, type PlotProps } from './load.js';
import { commitSource, hasHistory, refsAt as walkRefs, workspaceSource, WORKSPACE, type CollectOptions, type ObjectRef, type RefScope, type RefSource, type UncachedOuts } from '../repo/revisions.js';
import { uncachedOuts } from './outs.js';
import { Repo } from '../repo/repo.js';

export { WORKSPACE };

/** A revision's files (see RefSource), plus its pipeline files. */
export interface RevView extends RefSource {
  pipelineFiles(): Promise<string[]>;
}

export async function openHistory(repo: Repo): Promise<History> {
  return History.open(repo.root);
}

/** Files named `name` under root, skipping .git, .cairn, node_modules and tracked dirs. */
function workspaceFiles(root: string, name: string): string[] {
  return findRepoFiles(root, (n) => n === name);
}

export function workspaceView(repo: Repo): RevView {
  return { ...workspaceSource(repo), pipelineFiles: async () => workspaceFiles(repo.root, 'cairn.yaml') };
}

export function commitView(h: History, rev: string, oid: string): RevView {
  return { ...commitSource(h, rev, oid), pipelineFiles: async () => (await h.cairnFiles(oid)).pipelines };
}

/** Views for the revisions asked for; `workspace` is the working tree. Unknown revisions throw (exit 2). */
export async function openViews(repo: Repo, h: History | undefined, revs: string[]): Promise<RevView[]> {
  const out: RevView[] = [];
  for (const rev of revs) {
    if (rev === WORKSPACE) out.push(workspaceView(repo));
    else {
      if (!h) throw new CairnError('CAIRN_NOT_A_GIT_REPO', `revision '${rev}' needs a git repository`, {});
      out.push(commitView(h, rev, await h.resolve(rev)));
    }
  }
  return out;
}

/** Parse a cairn.yaml at a revision; params/vars files it reads come from the same revision. */
export async function pipelineAt(view: RevView, file: string): Promise<Pipeline | undefined> {
  const text = await view.readFile(file);
  if (!text) return undefined;
  const loaded = new Map<string, string | undefined>();
  for (let round = 0; round < 20; round++) {
    const missing = new Set<string>();
    try {
      const p = parsePipeline({
        text: text.toString('utf8'),
        file,
        readFile: (r) => {
          if (loaded.has(r)) return loaded.get(r);
          missing.add(r);
          return undefined;
        },
      });
      if (missing.size === 0) return p;
    } catch (e) {
      if (missing.size === 0) throw e;
    }
    for (const m of missing) loaded.set(m, (await view.readFile(m))?.toString('utf8'));
  }
  throw new CairnError('CAIRN_BAD_PIPELINE', `${file}: too many nested files to read`, { data: { file } });
}

export async function pipelinesAt(view: RevView): Promise<Pipeline[]> {
  const out: Pipeline[] = [];
  for (const f of await view.pipelineFiles()) {
    const p = await pipelineAt(view, f);
    if (p) out.push(p);
  }
  return out;
}

/** Every (path, id) a revision's pointer files and locks name (the one reference walk). */
export async function refsAt(view: RevView): Promise<ObjectRef[]> {
  return walkRefs(view);
}

/**
 * Bytes of a data file at a revision: committed bytes when git holds it, else through the
 * id its lock or pointer names at that revision, from the cache or the default remote.
 * Throws CAIRN_NOT_FOUND naming the file and revision when neither works.
 */
export async function readDataAt(repo: Repo, view: RevView, path: string): Promise<Buffer> {
  const direct = await view.readFile(path);
  if (direct) return direct;
  if (view.oid) {
    const refs = await refsAt(view);
    const ref = refs.find((r) => r.path === path);
    if (ref && ref.hash === repo.algo) {
      if (!repo.cache.has(ref.id)) await fetchOne(repo, ref).catch(() => undefined);
      if (repo.cache.has(ref.id)) return repo.cache.get(ref.id, `${path}@${view.rev}`);
      throw new CairnError('CAIRN_NOT_FOUND', `${path} at ${view.rev}: object ${ref.id} (from ${ref.source}) is not in the cache or on the remote`, {
        hint: `push it from a clone that has it (cairn push), or check the default remote (cairn remote list)`,
        data: { path, rev: view.rev, id: ref.id },
      });
    }
  }
  throw new CairnError('CAIRN_NOT_FOUND', `${path} at ${view.rev}: no such file`, { data: { path, rev: view.rev } });
}

async function fetchOne(repo: Repo, ref: ObjectRef): Promise<void> {
  const { remoteSpec, openRemote } = await import('../remote/open.js');
  const { fetchObjects } = await import('../remote/transfer.js');
  const remote = await openRemote(remoteSpec(repo.config), repo.root);
  try {
    await fetchObjects(repo, remote, [{ path: ref.path, id: ref.id }], { jobs: 1 });
  } finally {
    await remote.close();
  }
}

/** `cache: false` outs at any revision (the workspace, or a commit through `history`), for the reference walk. */
export function uncachedOutsAt(repo: Repo, history: History | undefined): UncachedOuts {
  return async (src) => {
    if (!src.oid || !history) return uncachedOuts(repo);
    const out = new Set<string>();
    try {
      for (const p of await pipelinesAt(commitView(history, src.rev, src.oid))) for (const st of p.stages) for (const o of st.outs) if (!o.cache) out.add(o.path);
    } catch {
      /* a pipeline that does not parse hides nothing (see uncachedOuts) */
    }
    return out;
  };
}

/**
 * The metrics or plots files pipelines declare: stage outs of that kind, then the top-level
 * `metrics:` / `plots:` lists (DVC 3); each path once, its first declaration's plot props.
 */
export function declaredFiles(pipelines: Pipeline[], kind: 'metric' | 'plot'): Map<string, PlotProps> {
  const out = new Map<string, PlotProps>();
  for (const p of pipelines) for (const s of p.stages) for (const o of s.outs) if (o.kind === kind && !out.has(o.path)) out.set(o.path, o.plot ?? {});
  for (const p of pipelines) for (const f of (kind === 'metric' ? p.metrics : p.plots) ?? []) if (!out.has(f.path)) out.set(f.path, f.plot ?? {});
  return out;
}

/** Paths of the metrics files a revision declares. */
async function declaredMetrics(view: RevView, kind: 'metric' | 'plot'): Promise<string[]> {
  return [...declaredFiles(await pipelinesAt(view), kind).keys()].sort();
}

/** A revision's metrics files (`targets`, else the declared ones), parsed; failures go to `errors`. */
export async function readMetricsAt(repo: Repo, view: RevView, targets: string[] | undefined, errors: RevError[]): Promise<RevMetrics> {
  const res: RevMetrics = { rev: view.rev, oid: view.oid, files: {} };
  let paths: string[];
  try {
    paths = targets ?? (await declaredMetrics(view, 'metric'));
  } catch (e) {
    errors.push({ rev: view.rev, path: 'cairn.yaml', message: (e as Error).message });
    return res;
  }
  for (const p of paths) {
    try {
      const bytes = await readDataAt(repo, view, p);
      res.files[p] = parseMetrics(bytes.toString('utf8'), p);
    } catch (e) {
      errors.push({ rev: view.rev, path: p, message: (e as Error).message });
    }
  }
  return res;
}

/**
 * The params each stage of a revision tracks, read from that revision's params files (params
 * and report share it). With `targets`, only those files: the keys stages track in them, or
 * the whole file when no stage tracks it (as DVC's `--targets`).
 */
export async function readParamsAt(view: RevView, errors: RevError[], targets?: string[]): Promise<RevMetrics> {
  const res: RevMetrics = { rev: view.rev, oid: view.oid, files: {} };
  let pipelines;
  try {
    pipelines = await pipelinesAt(view);
  } catch (e) {
    errors.push({ rev: view.rev, path: 'cairn.yaml', message: (e as Error).message });
    return res;
  }
  const wanted = new Map<string, Set<string> | null>();
  for (const p of pipelines)
    for (const s of p.stages)
      for (const sp of s.params) {
        const cur = wanted.get(sp.file);
        if (sp.keys === null || cur === null) wanted.set(sp.file, null);
        else wanted.set(sp.file, new Set([...(cur ?? []), ...sp.keys]));
      }
  if (targets) {
    for (const f of [...wanted.keys()]) if (!targets.includes(f)) wanted.delete(f);
    for (const t of targets) if (!wanted.has(t)) wanted.set(t, null);
  }
  for (const [file, keys] of [...wanted].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    const text = (await view.readFile(file))?.toString('utf8');
    if (text === undefined) {
      errors.push({ rev: view.rev, path: file, message: `${file} at ${view.rev}: no such file` });
      continue;
    }
    try {
      const flat = flatten(readParamsFile(() => text, file) ?? {});
      const sel: Flat = {};
      for (const [k, v] of Object.entries(flat)) if (keys === null || [...keys].some((w) => k === w || k.startsWith(`${w}.`))) sel[k] = v;
      res.files[file] = sel;
    } catch (e) {
      errors.push({ rev: view.rev, path: file, message: (e as Error).message });
    }
  }
  return res;
}

/**
 * The reference walk's options for a scope (--all-branches, --all-tags, --all-commits,
 * --rev): git history opened when the scope needs it, and the `cache: false` outs read at
 * each revision (push, fetch, status --cloud and gc walk the same references).
 */
export async function walkOptions(repo: Repo, scopes: RefScope): Promise<CollectOptions> {
  const history = hasHistory(scopes) ? await History.open(repo.root) : undefined;
  return { ...scopes, history, uncachedOuts: uncachedOutsAt(repo, history) };
}
