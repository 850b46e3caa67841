// cairn model export NAME@VERSION --mlflow URI: the version in an MLflow Model Registry, with
// the lineage as tags, its aliases, and the files as artifacts.
import { posix } from 'node:path';
import { CairnError } from '../core/errors.js';
import { isDirId } from '../core/ids.js';
import { loadManifest } from '../cache/build.js';
import { exportToMlflow, type MlflowExportResult } from '../mlops/registry/mlflow.js';
import { aliasesOf, loadFor, resolveEntry, trusted } from '../mlops/registry/registry.js';
import { ensureObjects, recordItems } from '../mlops/registry/transfer.js';
import { Repo } from '../repo/repo.js';

export interface ModelExportOptions {
  cwd: string;
  target: string;
  /** MLflow tracking server, e.g. http://127.0.0.1:5000 */
  mlflow: string;
  /** MLflow experiment for the run (default cairn-registry) */
  experiment?: string;
  /** cairn remote to pull the files from when the cache lacks them */
  remote?: string;
}

export type ModelExportResult = MlflowExportResult;

export async function modelExport(opts: ModelExportOptions): Promise<ModelExportResult> {
  const repo = await Repo.open(opts.cwd);
  const { model, entry } = resolveEntry(loadFor(repo, opts.target), opts.target);
  if (!entry) throw new CairnError('CAIRN_NOT_FOUND', `${opts.target}: no such version or alias`, { hint: 'run `cairn model list`' });
  const rec = trusted(entry);
  await ensureObjects(repo, recordItems(rec).slice(0, 1), opts.remote);
  const ws = repo.workspace();
  const files = isDirId(rec.id)
    ? loadManifest(ws, rec.id, `${rec.name}@${rec.version}`).map((e) => ({ rel: `${posix.basename(rec.path)}/${e.relpath}`, bytes: repo.cache.get(e.hash, `${rec.path}/${e.relpath}`) }))
    : [{ rel: posix.basename(rec.path), bytes: repo.cache.get(rec.id, rec.path) }];
  return exportToMlflow({ uri: opts.mlflow, record: rec, aliases: aliasesOf(model, rec.version), files, experiment: opts.experiment });
}
