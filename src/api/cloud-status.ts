// status --cloud: per target, whether its objects are in the local cache, on the remote,
// both, or neither. Reads only: manifests missing locally are downloaded to .cairn/tmp,
// verified and parsed, but not added to the cache.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CairnError } from '../core/errors.js';
import { hashFileSync } from '../core/hash.js';
import { isDirId, objectKey, type ObjectId } from '../core/ids.js';
import { parseManifest, type Manifest } from '../core/manifest.js';
import { mkdirSync } from 'node:fs';
import { Repo } from '../repo/repo.js';
import { remoteFor, selectItems } from './transfer.js';

export type CloudState = 'in-sync' | 'local-only' | 'remote-only' | 'partial' | 'missing';

export interface CloudTarget {
  path: string;
  id: ObjectId;
  /** in-sync: everywhere; local-only: push needed; remote-only: pull needed;
   * partial: some objects only local, some only remote; missing: some object is nowhere */
  status: CloudState;
  objects: number;
  local: number;
  remote: number;
}

export interface CloudStatusResult {
  remote: string;
  url: string;
  targets: CloudTarget[];
  counts: Record<CloudState, number>;
  inSync: boolean;
  requests: { requests: number; heads: number; lists: number; retries: number };
}

export interface CloudStatusOptions {
  cwd: string;
  targets?: string[];
  remote?: string;
  jobs?: number;
}

export async function cloudStatus(opts: CloudStatusOptions): Promise<CloudStatusResult> {
  const repo = await Repo.open(opts.cwd);
  const items = await selectItems(repo, opts.cwd, opts.targets);
  const { remote, name, url } = await remoteFor(repo, opts.remote, opts.jobs);
  const algo = repo.algo;
  try {
    await remote.ready();
    // every object key a target needs; directories expand through their manifest
    const dirKeys = items.filter((i) => isDirId(i.id)).map((i) => objectKey(algo, i.id));
    const dirsThere = await remote.existsMany(dirKeys);
    const manifests = new Map<ObjectId, Manifest | undefined>();
    for (const it of items) {
      if (!isDirId(it.id) || manifests.has(it.id)) continue;
      if (repo.cache.has(it.id)) manifests.set(it.id, parseManifest(repo.cache.get(it.id, it.path), algo, `${it.id} (${it.path})`));
      else if (dirsThere.has(objectKey(algo, it.id))) {
        mkdirSync(repo.paths.tmpDir, { recursive: true });
        const tmp = join(repo.paths.tmpDir, `status.${process.pid}.${it.id}`);
        try {
          await remote.get(objectKey(algo, it.id), tmp);
          if (hashFileSync(tmp, repo.factory).id !== it.id.slice(0, -4)) {
            throw new CairnError('CAIRN_INTEGRITY', `directory manifest ${objectKey(algo, it.id)} (${it.path}) on remote ${url} is corrupt`, {
              hint: 'push a good copy from a machine that has it',
              data: { id: it.id, path: it.path },
            });
          }
          manifests.set(it.id, parseManifest(readFileSync(tmp), algo, `${objectKey(algo, it.id)} (${it.path}) from ${url}`));
        } finally {
          rmSync(tmp, { force: true });
        }
      } else manifests.set(it.id, undefined);
    }
    // a manifest on the remote vouches for its files (pushed only after all of them)
    const toCheck = new Set<string>();
    for (const it of items) {
      if (!isDirId(it.id)) toCheck.add(objectKey(algo, it.id));
      else if (!dirsThere.has(objectKey(algo, it.id))) for (const e of manifests.get(it.id) ?? []) toCheck.add(objectKey(algo, e.hash));
    }
    const there = await remote.existsMany([...toCheck]);
    const counts: Record<CloudState, number> = { 'in-sync': 0, 'local-only': 0, 'remote-only': 0, partial: 0, missing: 0 };
    const targets: CloudTarget[] = items.map((it) => {
      const onRemote = (id: ObjectId, parentThere: boolean) => parentThere || there.has(objectKey(algo, id));
      let objects = 1;
      let local = repo.cache.has(it.id) ? 1 : 0;
      let rem = isDirId(it.id) ? (dirsThere.has(objectKey(algo, it.id)) ? 1 : 0) : there.has(objectKey(algo, it.id)) ? 1 : 0;
      const dirThere = isDirId(it.id) && rem === 1;
      let nowhere = !local && !rem;
      const m = isDirId(it.id) ? manifests.get(it.id) : undefined;
      for (const e of m ?? []) {
        objects++;
        const l = repo.cache.has(e.hash);
        const r = onRemote(e.hash, dirThere);
        if (l) local++;
        if (r) rem++;
        if (!l && !r) nowhere = true;
      }
      const status: CloudState = nowhere
        ? 'missing'
        : local === objects && rem === objects
          ? 'in-sync'
          : local === objects
            ? 'local-only'
            : rem === objects
              ? 'remote-only'
              : 'partial';
      counts[status]++;
      return { path: it.path, id: it.id, status, objects, local, remote: rem };
    });
    return { remote: name, url, targets, counts, inSync: counts['in-sync'] === targets.length, requests: { ...remote.stats } };
  } finally {
    await remote.close();
  }
}
