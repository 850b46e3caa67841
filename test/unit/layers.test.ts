// Imports point downward only (DESIGN.md): cli → api → pipeline/metrics/mlops/ci →
// cache/remote/git/repo → core/io/stats/render. render/ is a pure leaf: it imports nothing
// from cairn but core/. No api file imports another (the library surface is flat), and the
// folders of one rank do not import each other, except the listed imports below.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const SRC = join(ROOT, 'src');
const RANK: Record<string, number> = {
  cli: 5,
  api: 4,
  pipeline: 3,
  metrics: 3,
  mlops: 3,
  ci: 3,
  cache: 2,
  remote: 2,
  git: 2,
  repo: 2,
  core: 1,
  io: 1,
  stats: 1,
  render: 1,
};

/**
 * Sideways imports between folders of one rank (3: pipeline, metrics, mlops, ci; 2: cache,
 * remote, git, repo) that stand for now, each with its reason. The list only shrinks: an
 * import missing from it fails the test, and so does an entry whose import has gone (delete
 * the entry then). Type-only imports count: they couple the folders just the same.
 */
const SIDEWAYS: Record<string, string> = {
  // rank 3
  'ci/detect.ts -> pipeline/model.ts': 'CI workflows are generated from the pipeline model (stage types)',
  'ci/export/plan.ts -> pipeline/graph.ts': 'engine exports (airflow, argo, matrix) are the pipeline graph in another format',
  'ci/report.ts -> metrics/diff.ts': 'the pull-request report renders metrics diff rows (DiffRow type)',
  'ci/report.ts -> mlops/gate/markdown.ts': 'the pull-request report embeds the gate verdict as Markdown',
  'ci/report.ts -> mlops/gate/report.ts': 'the pull-request report embeds the gate result',
  'mlops/registry/snapshot.ts -> pipeline/load.ts': "a registered version records the pipeline it came from (parsing only, never execution)",
  // rank 2: repo/ is a cairn repo composed over its storage
  'repo/repo.ts -> cache/materialize.ts': 'a Repo owns its cache and link settings',
  'repo/repo.ts -> cache/odb.ts': 'a Repo owns its object store',
  'repo/repo.ts -> cache/state.ts': 'a Repo owns its stat cache',
  'repo/repo.ts -> cache/workspace.ts': 'a Repo hands its workspace view to the cache modules',
  'repo/checkout.ts -> cache/checkout-plan.ts': 'checkout of tracked targets plans with the cache planner',
  'repo/checkout.ts -> cache/materialize.ts': 'checkout of tracked targets applies the plan through the cache',
  'repo/checkout.ts -> cache/workspace.ts': 'checkout of tracked targets (Workspace type)',
  'repo/checkout.ts -> cache/build.ts': "a vanished pointer's data is removed only when it hashes to the cached content",
  'repo/checkout.ts -> git/cli.ts': "a vanished pointer's path is kept when git now tracks it",
  'repo/config-schema.ts -> cache/materialize.ts': 'the config schema validates cache.type against the link types',
  'repo/config-schema.ts -> remote/keys.ts': 'the config schema validates remote.* keys against the remote settings',
  'repo/revisions.ts -> cache/odb.ts': 'the reference walk reads directory manifests from the object store (type only)',
  'repo/revisions.ts -> git/revision.ts': 'the reference walk reads commits through git history (type only; passed in)',
  // rank 2: remotes move a repo's cache objects (types only, except the run-cache files)
  'remote/cloud-compare.ts -> repo/repo.ts': 'compares a Repo cache with a remote (type only)',
  'remote/external.ts -> repo/config.ts': 'external deps read remote credentials from the config (type only)',
  'remote/external.ts -> repo/lockfile.ts': "an external dep's state is the lock's ExternalEntry (type only)",
  'remote/fetch.ts -> repo/repo.ts': 'fetch into a Repo cache (type only)',
  'remote/open.ts -> repo/config.ts': 'remotes are opened from the config (type only)',
  'remote/run-sync.ts -> cache/run-cache.ts': 'run-cache entries are files of the cache, moved to and from a remote',
  'remote/run-sync.ts -> cache/runs.ts': 'run records are moved to and from a remote',
  'remote/run-sync.ts -> repo/repo.ts': 'run-cache sync for a Repo (type only)',
  'remote/selection.ts -> repo/repo.ts': 'the remote and jobs a Repo config names (type only)',
  'remote/transfer.ts -> cache/odb.ts': 'objects enter the cache through its Incoming interface (type only)',
  'remote/transfer.ts -> repo/repo.ts': 'transfers between a Repo cache and a remote (type only)',
};
const SIDE_GROUPS = [
  ['pipeline', 'metrics', 'mlops', 'ci'],
  ['cache', 'remote', 'git', 'repo'],
];

/** Strongly connected groups of more than one module (Tarjan): each is an import cycle. */
function cycles(graph: Map<string, string[]>): string[][] {
  let n = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, n);
    low.set(v, n++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) out.push(group);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const layerOf = (file: string) => relative(SRC, file).split('/')[0]!;

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)\.js'/g)) out.push(resolve(dirname(file), m[1]! + '.ts'));
  return out;
}

describe('layers', () => {
  const all = files(SRC);

  it('every folder of src/ has a layer', () => {
    for (const f of all) if (relative(SRC, f).includes('/')) expect(RANK[layerOf(f)], layerOf(f)).toBeDefined();
  });

  it('no import points up a layer', () => {
    const bad: string[] = [];
    for (const f of all) {
      const from = layerOf(f);
      for (const dep of imports(f)) {
        const to = layerOf(dep);
        if ((RANK[to] ?? 0) > (RANK[from] ?? 0)) bad.push(`${relative(SRC, f)} -> ${relative(SRC, dep)}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('render/ is a pure leaf (node built-ins and core/ only, no fs)', () => {
    const bad: string[] = [];
    for (const f of all.filter((f) => layerOf(f) === 'render')) {
      for (const dep of imports(f)) if (!['render', 'core'].includes(layerOf(dep))) bad.push(`${relative(SRC, f)} -> ${relative(SRC, dep)}`);
      if (/from 'node:fs/.test(readFileSync(f, 'utf8'))) bad.push(`${relative(SRC, f)} reads files`);
    }
    expect(bad).toEqual([]);
  });

  it('metrics/ does not reach sideways into pipeline/ (shared types live in core/)', () => {
    const bad: string[] = [];
    for (const f of all.filter((f) => layerOf(f) === 'metrics')) {
      for (const dep of imports(f)) if (layerOf(dep) === 'pipeline') bad.push(`${relative(SRC, f)} -> ${relative(SRC, dep)}`);
    }
    expect(bad).toEqual([]);
  });

  it('no api file imports another api file (index.ts re-exports them all)', () => {
    const bad: string[] = [];
    for (const f of all.filter((f) => layerOf(f) === 'api' && !f.endsWith('/index.ts'))) {
      for (const dep of imports(f)) if (layerOf(dep) === 'api') bad.push(`${relative(SRC, f)} -> ${relative(SRC, dep)}`);
    }
    expect(bad).toEqual([]);
  });

  it('no sideways import between folders of one rank, but the listed ones (and the list only shrinks)', () => {
    const found = new Set<string>();
    for (const f of all) {
      const from = layerOf(f);
      for (const dep of imports(f)) {
        const to = layerOf(dep);
        if (from !== to && SIDE_GROUPS.some((g) => g.includes(from) && g.includes(to))) found.add(`${relative(SRC, f)} -> ${relative(SRC, dep)}`);
      }
    }
    expect([...found].filter((e) => !(e in SIDEWAYS)).sort(), 'sideways imports not in SIDEWAYS').toEqual([]);
    expect(Object.keys(SIDEWAYS).filter((e) => !found.has(e)).sort(), 'SIDEWAYS entries whose import is gone: delete them').toEqual([]);
  });

  it('no import cycle spans two folders (the old api/gc.ts ↔ api/history.ts registration kind)', () => {
    const graph = new Map(all.map((f) => [f, imports(f).filter((d) => all.includes(d))]));
    const crossing = cycles(graph).filter((c) => new Set(c.map(layerOf)).size > 1 || c.some((f) => layerOf(f) === 'api'));
    expect(crossing.map((c) => c.map((f) => relative(SRC, f)).sort().join(' ↔ '))).toEqual([]);
    // the finder finds a planted one
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]])).map((c) => c.sort())).toEqual([['a', 'b', 'c']]);
  });

  it('the import scan sees type and dynamic imports (guards the guards)', () => {
    // repo/revisions.ts imports git/ by type only; rev-views imports remote/ dynamically
    expect(imports(join(SRC, 'repo', 'revisions.ts'))).toContain(join(SRC, 'git', 'revision.ts'));
    expect(imports(join(SRC, 'pipeline', 'rev-views.ts'))).toContain(join(SRC, 'remote', 'transfer.ts'));
  });
});
