// The model registry for other parts of cairn (gate, deploy): resolve a target to its version
// record, materialise its files, read an object (a gate's predictions) from the cache, pulling
// from the remote when needed. Everything else of the registry is reached through api/model-*.
import { Repo } from '../../repo/repo.js';
import type { VersionRecord } from './record.js';
import { materializeInto } from './files.js';
import { loadFor, resolveEntry, trusted } from './registry.js';
import { ensureObjects, recordItems } from './transfer.js';

export type { VersionRecord, DataRef, AliasEvent } from './record.js';
export type { HistoryRow } from './state.js';

/**
 * The version record a target names (`NAME@vX.Y.Z`, `NAME@ALIAS`, `NAME@latest`), or null when
 * the model has no such version or alias. Throws CAIRN_INTEGRITY for a tag edited by hand.
 */
export async function resolveModel(o: { root: string; target: string }): Promise<VersionRecord | null> {
  const repo = await Repo.open(o.root);
  const { entry } = resolveEntry(loadFor(repo, o.target), o.target);
  if (!entry) return null;
  const { checksum: _c, ...rec } = trusted(entry);
  return rec;
}

/** Put the version's files in `dir` (pulling them from the remote when the cache lacks them). */
export async function materializeModel(o: { root: string; record: VersionRecord; dir: string; remote?: string }): Promise<{ files: string[]; fetched: number }> {
  const repo = await Repo.open(o.root);
  const moved = await ensureObjects(repo, recordItems(o.record).slice(0, 1), o.remote);
  return { ...materializeInto(repo, o.record, o.dir), fetched: moved?.transferred ?? 0 };
}

/** The bytes of a file object by id (e.g. `record.predictions.id`), pulling it when needed. */
export async function readModelObject(o: { root: string; id: string; path?: string; remote?: string }): Promise<Buffer> {
  const repo = await Repo.open(o.root);
  await ensureObjects(repo, [{ path: o.path ?? o.id, id: o.id }], o.remote);
  return repo.cache.get(o.id, o.path ?? o.id);
}
