// status --cloud: per target, whether its objects are in the local cache, on the remote,
// both, or neither. Reads only: manifests missing locally are downloaded through the
// store's intake, verified and parsed, but not added to the cache. Objects recorded as bad
// on the remote (fetch rejected them) never count as there; with `verify`, every object the
// remote has is downloaded and hashed, and a bad one is recorded (push replaces it).
import { CairnError } from '../core/errors.js';
import { isDirId, objectKey, type ObjectId } from '../core/ids.js';
import { parseManifest, type Manifest } from '../core/manifest.js';
import type { Repo } from '../repo/repo.js';
import { runPool } from './pool.js';
import { RejectedObjects } from './rejected.js';
import type { Remote } from './remote.js';
import type { TransferItem } from './transfer.js';

/** in-sync: everywhere; local-only: push needed; remote-only: pull needed; partial: some
 * objects only local, some only remote; missing: some object is nowhere; corrupt: some
 * object's copy on the remote is bad (push replaces it from the local cache) */
export type CloudState = 'in-sync' | 'local-only' | 'remote-only' | 'partial' | 'missing' | 'corrupt';

export interface CloudTarget {
  path: string;
  id: ObjectId;
  status: CloudState;
  objects: number;
  local: number;
  remote: number;
  /** objects whose copy on the remote is bad (recorded by fetch, or found by verification) */
  corrupt: number;
}

export interface CloudComparison {
  targets: CloudTarget[];
  counts: Record<CloudState, number>;
  inSync: boolean;
  /** whether every remote object was downloaded and hashed */
  verified: boolean;
}

export async function compareWithRemote(repo: Repo, remote: Remote, items: TransferItem[], opts: { jobs: number; verify?: boolean }): Promise<CloudComparison> {
  const algo = repo.algo;
  const key = (id: ObjectId) => objectKey(algo, id);
  const rejected = new RejectedObjects(repo.paths.stateDir, remote.url);
  await remote.ready();
  // every object key a target needs; directories expand through their manifest
  const dirKeys = items.filter((i) => isDirId(i.id)).map((i) => key(i.id));
  const dirsThere = await remote.existsMany(dirKeys);
  const manifests = new Map<ObjectId, Manifest | undefined>();
  for (const it of items) {
    if (!isDirId(it.id) || manifests.has(it.id)) continue;
    if (repo.cache.has(it.id)) manifests.set(it.id, parseManifest(repo.cache.get(it.id, it.path), algo, `${it.id} (${it.path})`));
    else if (dirsThere.has(key(it.id))) {
      const inc = await repo.cache.receive((tmp) => remote.get(key(it.id), tmp));
      try {
        // a corrupt manifest on the remote: recorded, and its target reported corrupt
        if (inc.digest.id !== it.id.slice(0, -4)) {
          rejected.add([it.id]);
          manifests.set(it.id, undefined);
        } else manifests.set(it.id, parseManifest(inc.read(), algo, `${key(it.id)} (${it.path}) from ${remote.url}`));
      } finally {
        inc.discard();
      }
    } else manifests.set(it.id, undefined);
  }
  // a manifest on the remote vouches for its files (pushed only after all of them), unless
  // verification is asked for or one of its files is known bad
  const vouches = (d: ObjectId) => dirsThere.has(key(d)) && !opts.verify && !rejected.has(d) && !(manifests.get(d) ?? []).some((e) => rejected.has(e.hash));
  const toCheck = new Set<ObjectId>();
  for (const it of items) {
    if (!isDirId(it.id)) toCheck.add(it.id);
    else if (!vouches(it.id)) for (const e of manifests.get(it.id) ?? []) toCheck.add(e.hash);
  }
  const thereKeys = await remote.existsMany([...toCheck].map(key));
  const there = new Set([...toCheck].filter((id) => thereKeys.has(key(id))));
  for (const it of items) if (isDirId(it.id) && dirsThere.has(key(it.id))) there.add(it.id);

  if (opts.verify) {
    const bad: ObjectId[] = [];
    const good: ObjectId[] = [];
    await runPool(
      [...there].map((id) => async () => {
        try {
          const inc = await repo.cache.receive((tmp) => remote.get(key(id), tmp));
          inc.discard();
          if (inc.digest.id !== (isDirId(id) ? id.slice(0, -4) : id)) bad.push(id);
          else good.push(id);
        } catch (e) {
          if (e instanceof CairnError && (e.code === 'CAIRN_REMOTE_AUTH' || e.code === 'CAIRN_REMOTE_MISSING')) throw e;
          if (e instanceof CairnError && e.code === 'CAIRN_NOT_FOUND') there.delete(id);
          else bad.push(id);
        }
      }),
      opts.jobs,
    );
    rejected.add(bad);
    rejected.forget(good); // replaced since it was recorded
  }

  const counts: Record<CloudState, number> = { 'in-sync': 0, 'local-only': 0, 'remote-only': 0, partial: 0, missing: 0, corrupt: 0 };
  const targets: CloudTarget[] = items.map((it) => {
    const dirVouches = isDirId(it.id) && vouches(it.id);
    const ids: ObjectId[] = [it.id, ...(isDirId(it.id) ? (manifests.get(it.id) ?? []).map((e) => e.hash) : [])];
    let local = 0;
    let rem = 0;
    let corrupt = 0;
    let nowhere = false;
    for (const id of ids) {
      const l = repo.cache.has(id);
      const isBad = rejected.has(id);
      const r = !isBad && (there.has(id) || (dirVouches && id !== it.id));
      if (l) local++;
      if (r) rem++;
      if (isBad) corrupt++;
      if (!l && !r) nowhere = true;
    }
    const objects = ids.length;
    const status: CloudState = corrupt
      ? 'corrupt'
      : nowhere
        ? 'missing'
        : local === objects && rem === objects
          ? 'in-sync'
          : local === objects
            ? 'local-only'
            : rem === objects
              ? 'remote-only'
              : 'partial';
    counts[status]++;
    return { path: it.path, id: it.id, status, objects, local, remote: rem, corrupt };
  });
  return { targets, counts, inSync: counts['in-sync'] === targets.length, verified: !!opts.verify };
}
