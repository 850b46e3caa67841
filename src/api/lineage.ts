// cairn lineage TARGET [--rev REV]: how a model version or any tracked file / pipeline output
// was produced (stage, cmd, params, each dep with its id), recursively, down to raw data.
import { CairnError } from '../core/errors.js';
import { lineageTree, producers, type LineageNode } from '../mlops/registry/lineage.js';
import type { DataRef } from '../mlops/registry/record.js';
import { loadRegistry, resolveEntry, trusted } from '../mlops/registry/registry.js';
import { openSnapshot } from '../mlops/registry/snapshot.js';
import { NAME_RE } from '../mlops/registry/tags.js';
import { Repo } from '../repo/repo.js';
import { resolveTarget } from '../repo/tracked.js';

export interface LineageOptions {
  cwd: string;
  /** NAME@vX.Y.Z, NAME@ALIAS, or a path (relative to cwd) */
  target: string;
  /** revision to read for a path (default: the workspace); a model version uses its own commit */
  rev?: string;
}

export interface LineageResult {
  target: string;
  /** the commit read, or null for the workspace */
  commit: string | null;
  path: string;
  model: { name: string; version: string; id: string } | null;
  tree: LineageNode;
  /** the raw data pointers at the bottom of the tree */
  raw: DataRef[];
  /** lock or pointer files of that revision that did not parse */
  errors: string[];
}

function rawOf(node: LineageNode): DataRef[] {
  const out = new Map<string, DataRef>();
  const walk = (n: LineageNode) => {
    if (n.kind === 'pointer' && n.id) out.set(`${n.path}\0${n.id}`, { path: n.path, id: n.id, kind: 'pointer' });
    for (const d of n.deps ?? []) walk(d);
  };
  walk(node);
  return [...out.values()];
}

export async function lineage(opts: LineageOptions): Promise<LineageResult> {
  const repo = await Repo.open(opts.cwd);
  let model: LineageResult['model'] = null;
  let path: string;
  let rev = opts.rev ?? 'workspace';
  const at = opts.target.indexOf('@');
  const maybeModel = at > 0 && NAME_RE.test(opts.target.slice(0, at));
  const reg = maybeModel ? loadRegistry(repo, [opts.target.slice(0, at)]) : undefined;
  if (reg && reg.models.has(opts.target.slice(0, at))) {
    const { entry } = resolveEntry(reg, opts.target);
    if (!entry) throw new CairnError('CAIRN_NOT_FOUND', `${opts.target}: no such version or alias`, { hint: `run \`cairn model history ${opts.target.slice(0, at)}\`` });
    const rec = trusted(entry);
    if (opts.rev) throw new CairnError('CAIRN_USAGE', '--rev does not apply to a model version: it is read at the commit it was registered from', { hint: `drop --rev (${rec.name}@${rec.version} is at ${rec.commit.slice(0, 7)})` });
    model = { name: rec.name, version: rec.version, id: rec.id };
    path = rec.path;
    rev = rec.commit;
  } else {
    path = resolveTarget(repo, opts.cwd, opts.target);
  }
  const snap = await openSnapshot(repo.root, rev);
  const prods = producers(snap);
  const tree = lineageTree(prods, path, model?.id ?? null);
  if (tree.kind === 'missing') {
    throw new CairnError('CAIRN_BAD_TARGET', `'${opts.target}' is not a pipeline output or tracked file ${snap.commit ? `at ${snap.commit.slice(0, 7)}` : 'in the workspace'}`, {
      hint: 'name a stage out (from cairn.lock), a file tracked with `cairn add`, or a model version',
      data: { target: opts.target },
    });
  }
  return { target: opts.target, commit: snap.commit, path, model, tree, raw: rawOf(tree), errors: snap.errors };
}
