// The push plan: given what push was asked to send, what the local cache holds and what
// the remote was seen to hold, which objects to upload, which to verify first, and which
// are missing. Pure (no I/O): the mover in transfer.ts asks the remote, then asks here.
//
// Rules:
//  - a directory whose manifest is on the remote is complete there (manifests go up only
//    after all their files): its files are not asked about, unless verification is on;
//  - an object recorded as bad on the remote (fetch rejected it, or verification failed)
//    counts as absent: it is uploaded again, over the bad copy;
//  - with `verify`, nothing on the remote counts until it was downloaded and hashed
//    (`verified`); until then it is listed in `verify`;
//  - a manifest goes up only when every one of its files is on the remote or uploaded.
import type { ObjectId } from '../core/ids.js';
import { isDirId } from '../core/ids.js';
import type { Manifest } from '../core/manifest.js';

export interface PushItem {
  /** repo-relative path of the data, for messages */
  path: string;
  id: ObjectId;
}

export interface PushState {
  items: PushItem[];
  /** manifests of the directory items that are in the local cache */
  manifests: Map<ObjectId, Manifest>;
  /** whether the local cache holds a (file) object */
  local: (id: ObjectId) => boolean;
  /** directory manifests the remote holds (asked for every directory item) */
  dirsThere: Set<ObjectId>;
  /** file objects the remote holds (asked for the ids `pushQueries` returns) */
  filesThere: Set<ObjectId>;
  /** files known on the remote through a directory already there (KnownDirs) */
  covered?: Set<ObjectId>;
  /** objects known to be bad on the remote */
  bad?: Set<ObjectId>;
  /** verify every object the remote holds before trusting it */
  verify?: boolean;
  /** objects downloaded from the remote and found good (with verify) */
  verified?: Set<ObjectId>;
}

export interface PushPlan {
  /** file objects to upload */
  upload: PushItem[];
  /** manifests to upload, after the files */
  manifests: (PushItem & { manifest: Manifest })[];
  /** objects on the remote to download and hash before the plan is final (with verify) */
  verify: PushItem[];
  /** objects in neither the local cache nor (trusted) on the remote */
  missing: PushItem[];
  /** directory items whose manifest cannot go up because a file is missing */
  incompleteDirs: PushItem[];
  /** objects the remote already has (manifests count as objects) */
  skipped: number;
}

interface Expanded {
  dirs: { id: ObjectId; path: string; manifest?: Manifest }[];
  files: Map<ObjectId, string>;
}

function expand(s: PushState): Expanded {
  const dirs: Expanded['dirs'] = [];
  const seenDirs = new Set<ObjectId>();
  const files = new Map<ObjectId, string>();
  for (const it of s.items) {
    if (isDirId(it.id)) {
      if (seenDirs.has(it.id)) continue;
      seenDirs.add(it.id);
      dirs.push({ id: it.id, path: it.path, manifest: s.manifests.get(it.id) });
    } else if (!files.has(it.id)) files.set(it.id, it.path);
  }
  return { dirs, files };
}

/** Whether the remote's copy of `id` (seen there) can be trusted. */
function trusted(s: PushState, id: ObjectId): boolean {
  if (s.bad?.has(id)) return false;
  return !s.verify || !!s.verified?.has(id);
}

/** A directory complete on the remote: its manifest is there and trusted, none of its files is known bad. */
function dirComplete(s: PushState, d: Expanded['dirs'][number]): boolean {
  if (!s.dirsThere.has(d.id) || s.verify || s.bad?.has(d.id)) return false;
  return !(d.manifest ?? []).some((e) => s.bad?.has(e.hash));
}

/** The file objects whose presence on the remote push must ask about. */
export function pushQueries(s: PushState): ObjectId[] {
  const { dirs, files } = expand(s);
  const ask = new Set<ObjectId>();
  for (const id of files.keys()) if (s.local(id)) ask.add(id);
  for (const d of dirs) {
    if (!d.manifest || dirComplete(s, d)) continue;
    for (const e of d.manifest) if (s.local(e.hash) && !s.covered?.has(e.hash)) ask.add(e.hash);
  }
  return [...ask];
}

export function planPush(s: PushState): PushPlan {
  const { dirs, files } = expand(s);
  const plan: PushPlan = { upload: [], manifests: [], verify: [], missing: [], incompleteDirs: [], skipped: 0 };
  const decided = new Map<ObjectId, 'ok' | 'upload' | 'missing' | 'verify'>();
  const decide = (id: ObjectId, path: string, there: boolean): 'ok' | 'upload' | 'missing' | 'verify' => {
    const hit = decided.get(id);
    if (hit) return hit;
    let d: 'ok' | 'upload' | 'missing' | 'verify';
    if (there && trusted(s, id)) {
      d = 'ok';
      plan.skipped++;
    } else if (there && s.verify && !s.bad?.has(id)) {
      d = 'verify';
      plan.verify.push({ id, path });
    } else if (s.local(id)) {
      d = 'upload';
      plan.upload.push({ id, path });
    } else {
      d = 'missing';
      plan.missing.push({ id, path });
    }
    decided.set(id, d);
    return d;
  };
  for (const d of dirs) {
    if (!d.manifest) {
      // not in the local cache: fine when the remote already has the directory
      if (s.dirsThere.has(d.id) && !s.bad?.has(d.id)) plan.skipped++;
      else plan.missing.push({ id: d.id, path: d.path });
      continue;
    }
    if (dirComplete(s, d)) {
      plan.skipped += 1 + d.manifest.length;
      continue;
    }
    let whole = true;
    for (const e of d.manifest) {
      const there = s.filesThere.has(e.hash) || (!!s.covered?.has(e.hash) && !s.verify);
      const r = decide(e.hash, `${d.path}/${e.relpath}`, there);
      if (r === 'missing') whole = false;
    }
    const mr = s.dirsThere.has(d.id) && trusted(s, d.id) ? 'ok' : s.dirsThere.has(d.id) && s.verify && !s.bad?.has(d.id) ? 'verify' : 'upload';
    if (mr === 'ok') plan.skipped++;
    else if (mr === 'verify') plan.verify.push({ id: d.id, path: d.path });
    else if (whole) plan.manifests.push({ id: d.id, path: d.path, manifest: d.manifest });
    else plan.incompleteDirs.push({ id: d.id, path: d.path });
  }
  for (const [id, path] of files) decide(id, path, s.filesThere.has(id));
  return plan;
}
