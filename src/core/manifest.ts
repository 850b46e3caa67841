// Directory manifests: every file of a tracked directory as {relpath, hash, size, isexec},
// sorted by the UTF-8 bytes of relpath and serialised canonically, so the same tree
// always yields the same bytes and the same '.dir' id on every platform.
import { CairnError } from './errors.js';
import { hashBytesWith, type HashAlgorithm, type HasherFactory } from './hash.js';
import { isValidId, toDirId, type ObjectId } from './ids.js';
import { isSafeRelpath } from './paths.js';

export interface ManifestEntry {
  /** POSIX path relative to the directory */
  relpath: string;
  /** object id of the file's content */
  hash: ObjectId;
  size: number;
  isexec: boolean;
}

export type Manifest = ManifestEntry[];

const SURROGATE = /[\uD800-\uDFFF]/;

/** Order by UTF-8 bytes. JS string order agrees except around astral characters, so the
 * byte comparison (which allocates) is kept for those. */
export function compareRelpath(a: string, b: string): number {
  if (SURROGATE.test(a) || SURROGATE.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortManifest(entries: Manifest): Manifest {
  return entries.sort((x, y) => compareRelpath(x.relpath, y.relpath));
}

/**
 * A relpath as manifests store it: '/'-separated. A backslash counts as a separator, so
 * a tree listed on Windows gives the same bytes and id as on Linux (a file name holding a
 * backslash is not portable anyway; see docs/formats.md).
 */
export function manifestPath(p: string): string {
  return p.includes('\\') ? p.split('\\').join('/') : p;
}

/** Canonical bytes: a JSON array, fixed key order, no whitespace, sorted entries. */
export function serializeManifest(entries: Manifest): Buffer {
  const norm = entries.some((e) => e.relpath.includes('\\'))
    ? entries.map((e) => ({ ...e, relpath: manifestPath(e.relpath) }))
    : entries;
  const sorted = [...norm].sort((x, y) => compareRelpath(x.relpath, y.relpath));
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i]!;
    if (i > 0 && sorted[i - 1]!.relpath === e.relpath) {
      throw new CairnError('CAIRN_BAD_MANIFEST', `manifest lists '${e.relpath}' twice`);
    }
    parts.push(
      `{"relpath":${JSON.stringify(e.relpath)},"hash":${JSON.stringify(e.hash)},"size":${e.size},"isexec":${e.isexec ? 'true' : 'false'}}`,
    );
  }
  return Buffer.from(`[${parts.join(',')}]`);
}

export interface ManifestDigest {
  id: ObjectId;
  bytes: Buffer;
  size: number;
  nfiles: number;
}

export function digestManifest(entries: Manifest, factory: HasherFactory): ManifestDigest {
  const bytes = serializeManifest(entries);
  let size = 0;
  for (const e of entries) size += e.size;
  return { id: toDirId(hashBytesWith(factory, bytes)), bytes, size, nfiles: entries.length };
}

/**
 * Parse manifest bytes from the cache or a remote. Untrusted input: every relpath must be
 * relative and stay inside the directory, every hash a valid id of `algo`.
 */
export function parseManifest(bytes: Buffer | string, algo: HashAlgorithm, what: string): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (e) {
    throw new CairnError('CAIRN_BAD_MANIFEST', `directory manifest ${what} is not valid JSON`, {
      hint: 'the object is corrupt: run `cairn fsck` and re-fetch it with `cairn fetch`',
      data: { object: what },
      cause: e,
    });
  }
  if (!Array.isArray(data)) {
    throw new CairnError('CAIRN_BAD_MANIFEST', `directory manifest ${what} is not a list of entries`, {
      data: { object: what },
    });
  }
  const out: Manifest = [];
  const seen = new Set<string>();
  for (const raw of data) {
    const e = raw as Record<string, unknown>;
    if (!e || typeof e !== 'object') {
      throw new CairnError('CAIRN_BAD_MANIFEST', `directory manifest ${what} has an entry that is not an object`);
    }
    if (!isSafeRelpath(e.relpath)) {
      throw new CairnError(
        'CAIRN_BAD_MANIFEST',
        `directory manifest ${what} has an unsafe path ${JSON.stringify(e.relpath)} (absolute, '..' or empty segments)`,
        { hint: 'refusing to write outside the directory; the manifest was tampered with or is corrupt', data: { object: what, relpath: e.relpath } },
      );
    }
    if (!isValidId(algo, e.hash) || (e.hash as string).endsWith('.dir')) {
      throw new CairnError('CAIRN_BAD_MANIFEST', `directory manifest ${what}: '${e.relpath}' has invalid hash ${JSON.stringify(e.hash)}`, {
        data: { object: what, relpath: e.relpath },
      });
    }
    if (typeof e.size !== 'number' || !Number.isSafeInteger(e.size) || e.size < 0) {
      throw new CairnError('CAIRN_BAD_MANIFEST', `directory manifest ${what}: '${e.relpath}' has invalid size`, {
        data: { object: what, relpath: e.relpath },
      });
    }
    if (seen.has(e.relpath)) {
      throw new CairnError('CAIRN_BAD_MANIFEST', `directory manifest ${what} lists '${e.relpath}' twice`);
    }
    seen.add(e.relpath);
    out.push({ relpath: e.relpath, hash: e.hash as string, size: e.size, isexec: e.isexec === true });
  }
  // a file and a directory of the same name cannot both exist
  for (const p of seen) {
    const segs = p.split('/');
    for (let i = 1; i < segs.length; i++) {
      const prefix = segs.slice(0, i).join('/');
      if (seen.has(prefix)) {
        throw new CairnError('CAIRN_BAD_MANIFEST', `directory manifest ${what}: '${prefix}' is both a file and a directory`);
      }
    }
  }
  return out;
}

export interface ManifestDiff {
  added: string[];
  modified: string[];
  deleted: string[];
}

/** What changed from `old` to `cur`, by relpath. */
export function diffManifests(old: Manifest, cur: Manifest): ManifestDiff {
  const before = new Map(old.map((e) => [e.relpath, e]));
  const diff: ManifestDiff = { added: [], modified: [], deleted: [] };
  const seen = new Set<string>();
  for (const e of cur) {
    seen.add(e.relpath);
    const o = before.get(e.relpath);
    if (!o) diff.added.push(e.relpath);
    else if (o.hash !== e.hash || o.isexec !== e.isexec) diff.modified.push(e.relpath);
  }
  for (const e of old) if (!seen.has(e.relpath)) diff.deleted.push(e.relpath);
  diff.added.sort(compareRelpath);
  diff.modified.sort(compareRelpath);
  diff.deleted.sort(compareRelpath);
  return diff;
}
