// The local object store: .cairn/cache/<algo>/<2 hex>/<rest>. Objects enter through
// .cairn/tmp/, are verified against their id, made read-only, and renamed into place.
//
// Tamper detection without a database: every object's mtime is stamped with OBJECT_MTIME
// when it enters the cache. Any later write through a hardlink, or by hand, moves the
// mtime, so `verified()` rehashes exactly the objects touched behind cairn's back.
import { now } from '../core/clock.js';
import {
  chmodSync,
  closeSync,
  constants as fsConstants,
  copyFileSync,
  existsSync,
  linkSync,
  fsyncSync,
  fstatSync,
  futimesSync,
  mkdirSync,
  openSync,
  readSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { CairnError, hashMismatchError, ioError } from '../core/errors.js';
import { hashBytesWith, hashFileSync, ID_HEX_LENGTH, type HashAlgorithm, type HasherFactory } from '../core/hash.js';
import { isDirId, objectKey, type ObjectId } from '../core/ids.js';

/** 2001-09-09T01:46:40Z: the stamp every verified cache object carries as its mtime. */
export const OBJECT_MTIME = 1_000_000_000;

/**
 * What every object store offers. It does not assume one file per object, so objects can
 * later be packed; `pathOf` is the local fast path for linking into the workspace.
 */
export interface ObjectStore {
  readonly algo: HashAlgorithm;
  has(id: ObjectId): boolean;
  /** whole object; for manifests and other small objects */
  get(id: ObjectId, usedBy?: string): Buffer;
  /** store bytes under their id (computed here) and return the id */
  put(bytes: Uint8Array, opts?: { dir?: boolean }): ObjectId;
  /** copy a file in, verifying it hashes to `expectedId` when given */
  putFile(src: string, expectedId?: ObjectId): { id: ObjectId; size: number; added: boolean };
  list(): Iterable<ObjectId>;
  remove(id: ObjectId): void;
}

export interface LocalCacheOptions {
  /** .cairn/cache */
  dir: string;
  /** .cairn/tmp (same filesystem, so rename is atomic) */
  tmpDir: string;
  algo: HashAlgorithm;
  factory: HasherFactory;
}

let tmpCounter = 0;

/** Files up to this size take the read-whole path of putFile. */
const SMALL_FILE = 1024 * 1024;
let smallBuf: Buffer | undefined;

export class LocalCache implements ObjectStore {
  readonly algo: HashAlgorithm;
  readonly dir: string;
  readonly tmpDir: string;
  readonly factory: HasherFactory;

  constructor(opts: LocalCacheOptions) {
    this.algo = opts.algo;
    this.dir = opts.dir;
    this.tmpDir = opts.tmpDir;
    this.factory = opts.factory;
  }

  pathOf(id: ObjectId): string {
    return join(this.dir, objectKey(this.algo, id));
  }

  has(id: ObjectId): boolean {
    return existsSync(this.pathOf(id));
  }

  get(id: ObjectId, usedBy?: string): Buffer {
    const p = this.verified(id, undefined, usedBy);
    try {
      return readFileSync(p);
    } catch (e) {
      throw ioError(e, 'cannot read cache object', p);
    }
  }

  private readonly madeDirs = new Set<string>();
  /** whether reflink clones work between the workspace and the cache (learned on first try) */
  private cloneWorks: boolean | undefined;

  tempPath(): string {
    if (!this.madeDirs.has(this.tmpDir)) {
      mkdirSync(this.tmpDir, { recursive: true });
      this.madeDirs.add(this.tmpDir);
    }
    // pid + thread: hash-files.ts stores from a worker thread at the same time
    return join(this.tmpDir, `obj.${process.pid}.${threadId}.${now().toString(36)}.${(tmpCounter++).toString(36)}`);
  }

  /** Seal a verified temp file into the cache: read-only, stamped, renamed into place. */
  private seal(tmp: string, id: ObjectId, stamped = false): void {
    const dst = this.pathOf(id);
    if (!stamped) {
      chmodSync(tmp, 0o444);
      utimesSync(tmp, OBJECT_MTIME, OBJECT_MTIME);
    }
    // one mkdir per prefix folder per process: on 100k small files the repeated
    // mkdir calls cost more than hashing
    const parent = join(dst, '..');
    if (!this.madeDirs.has(parent)) {
      mkdirSync(parent, { recursive: true });
      this.madeDirs.add(parent);
    }
    renameSync(tmp, dst);
  }

  put(bytes: Uint8Array, opts: { dir?: boolean } = {}): ObjectId {
    const hex = hashBytesWith(this.factory, bytes);
    const id = opts.dir ? `${hex}.dir` : hex;
    if (this.has(id)) return id;
    const tmp = this.tempPath();
    try {
      const fd = openSync(tmp, 'w', 0o644);
      try {
        let off = 0;
        while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      this.seal(tmp, id);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw ioError(e, 'cannot write cache object', this.pathOf(id));
    }
    return id;
  }

  /**
   * Copy `src` into the cache so that what is sealed is exactly what was hashed. If
   * `expectedId` is given and the file changed since it was hashed, nothing enters the cache.
   */
  putFile(src: string, expectedId?: ObjectId): { id: ObjectId; size: number; added: boolean } {
    if (expectedId !== undefined && this.has(expectedId)) {
      return { id: expectedId, size: statSync(this.pathOf(expectedId)).size, added: false };
    }
    const small = this.putSmallFile(src, expectedId);
    if (small) return small;
    const tmp = this.tempPath();
    if (this.cloneWorks !== false) {
      // A filesystem with reflinks (XFS, btrfs, APFS) shares the blocks: no bytes copied.
      // Then the clone itself is hashed, so what is sealed is what was hashed.
      try {
        copyFileSync(src, tmp, fsConstants.COPYFILE_FICLONE_FORCE);
        this.cloneWorks = true;
        try {
          return this.admit(tmp, hashFileSync(tmp, this.factory), src, expectedId);
        } catch (e) {
          rmSync(tmp, { force: true });
          throw e;
        }
      } catch (e) {
        if (this.cloneWorks === true) throw e instanceof CairnError ? e : ioError(e, 'cannot add to cache', src);
        this.cloneWorks = false; // ext4 and friends: stream instead, and stop trying
        rmSync(tmp, { force: true });
      }
    }
    let fd: number | undefined;
    try {
      // One pass: the bytes are hashed as they are written, so what is sealed is what was hashed.
      // (Measured here: this beats copy_file_range + a second hashing pass.)
      // Created read-only and stamped through the open descriptor: two fewer path lookups
      // per object than chmod + utimes after closing.
      fd = openSync(tmp, 'wx', 0o444);
      const out = fd;
      const digest = hashFileSync(src, this.factory, (chunk) => {
        let off = 0;
        while (off < chunk.length) off += writeSync(out, chunk, off, chunk.length - off);
      });
      futimesSync(fd, OBJECT_MTIME, OBJECT_MTIME);
      closeSync(fd);
      fd = undefined;
      return this.admit(tmp, digest, src, expectedId, true);
    } catch (e) {
      if (fd !== undefined) closeSync(fd);
      rmSync(tmp, { force: true });
      if (e instanceof CairnError) throw e;
      throw ioError(e, 'cannot add to cache', src);
    }
  }

  /**
   * Small files (most of a many-file dataset) are read whole, hashed, and written to a
   * temp name inside their final prefix folder, so the rename stays within one folder.
   * A rename across folders takes the filesystem-wide rename lock: with it, 100k small
   * objects were slower than `git add`, which also writes its temp files in place.
   * Temp names start with '.tmp-' and never match an id; gc removes stale ones.
   * Returns undefined for files too big for this path.
   */
  private putSmallFile(src: string, expectedId?: ObjectId): { id: ObjectId; size: number; added: boolean } | undefined {
    let fd: number;
    try {
      fd = openSync(src, 'r');
    } catch (e) {
      throw ioError(e, 'cannot read', src);
    }
    let data: Buffer;
    try {
      const size = fstatSync(fd).size;
      if (size > SMALL_FILE) return undefined;
      smallBuf ??= Buffer.allocUnsafe(SMALL_FILE + 1);
      let n = 0;
      for (;;) {
        const r = readSync(fd, smallBuf, n, smallBuf.length - n, null);
        if (r === 0) break;
        n += r;
        if (n > SMALL_FILE) return undefined; // grew while reading: take the streaming path
      }
      data = smallBuf.subarray(0, n);
    } catch (e) {
      throw ioError(e, 'cannot read', src);
    } finally {
      closeSync(fd);
    }
    const id = hashBytesWith(this.factory, data);
    if (expectedId !== undefined && id !== expectedId) {
      throw new CairnError('CAIRN_FAILED', `'${src}' changed while it was being added`, {
        hint: 'wait until nothing writes to it, then run the command again',
        data: { path: src },
      });
    }
    if (this.has(id)) return { id, size: data.length, added: false };
    const dst = this.pathOf(id);
    const parent = join(dst, '..');
    if (!this.madeDirs.has(parent)) {
      mkdirSync(parent, { recursive: true });
      this.madeDirs.add(parent);
    }
    const tmp = join(parent, `.tmp-${process.pid}-${threadId}-${(tmpCounter++).toString(36)}`);
    let out: number | undefined;
    try {
      out = openSync(tmp, 'wx', 0o444);
      let off = 0;
      while (off < data.length) off += writeSync(out, data, off, data.length - off);
      futimesSync(out, OBJECT_MTIME, OBJECT_MTIME);
      closeSync(out);
      out = undefined;
      renameSync(tmp, dst);
    } catch (e) {
      if (out !== undefined) closeSync(out);
      rmSync(tmp, { force: true });
      throw ioError(e, 'cannot write cache object', dst);
    }
    return { id, size: data.length, added: true };
  }

  /**
   * Take `src` into the cache without copying its bytes: hash it, hardlink it to a temp
   * name in its prefix folder, check the inode was not written since it was hashed, seal
   * it (read-only, stamped: this changes `src` too, as they share an inode) and rename it
   * into place. `src` stays where it is, now a hardlink to the object. For cache.type
   * hardlink; falls back to putFile when linking fails (another filesystem).
   */
  adoptFile(src: string, expectedId?: ObjectId): { id: ObjectId; size: number; added: boolean } {
    if (expectedId !== undefined && this.has(expectedId)) {
      return { id: expectedId, size: statSync(this.pathOf(expectedId)).size, added: false };
    }
    let before;
    try {
      before = statSync(src);
    } catch (e) {
      throw ioError(e, 'cannot read', src);
    }
    const digest = hashFileSync(src, this.factory);
    if (expectedId !== undefined && digest.id !== expectedId) return this.admit('', digest, src, expectedId);
    if (this.has(digest.id)) return { id: digest.id, size: digest.size, added: false };
    const dst = this.pathOf(digest.id);
    const parent = join(dst, '..');
    if (!this.madeDirs.has(parent)) {
      mkdirSync(parent, { recursive: true });
      this.madeDirs.add(parent);
    }
    // temp link in the final folder: the rename then stays within one folder (see putSmallFile)
    const tmp = join(parent, `.tmp-${process.pid}-${threadId}-${(tmpCounter++).toString(36)}`);
    try {
      linkSync(src, tmp);
    } catch {
      return this.putFile(src, expectedId); // another filesystem: copy instead
    }
    try {
      // the link is the very inode that was hashed, unless it was written to meanwhile
      const after = statSync(tmp);
      if (after.ino !== before.ino || after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
        return this.admit(tmp, { id: 'changed', size: after.size }, src, digest.id);
      }
      this.seal(tmp, digest.id);
      return { id: digest.id, size: digest.size, added: true };
    } catch (e) {
      rmSync(tmp, { force: true });
      if (e instanceof CairnError) throw e;
      throw ioError(e, 'cannot add to cache', src);
    }
  }

  /** A hashed temp file enters the cache if it is what the caller expected. */
  private admit(tmp: string, digest: { id: string; size: number }, src: string, expectedId?: ObjectId, stamped = false) {
    if (expectedId !== undefined && digest.id !== expectedId) {
      if (tmp) rmSync(tmp, { force: true });
      throw new CairnError('CAIRN_FAILED', `'${src}' changed while it was being added`, {
        hint: 'wait until nothing writes to it, then run the command again',
        data: { path: src },
      });
    }
    if (this.has(digest.id)) {
      rmSync(tmp, { force: true });
      return { id: digest.id, size: digest.size, added: false };
    }
    this.seal(tmp, digest.id, stamped);
    return { id: digest.id, size: digest.size, added: true };
  }

  /**
   * Path of an object that is known good. An object whose stamp or size is off is rehashed;
   * if it no longer matches its id it is moved to quarantine and an integrity error is thrown.
   */
  verified(id: ObjectId, expectedSize?: number, usedBy?: string): string {
    const p = this.pathOf(id);
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      throw new CairnError('CAIRN_MISSING_FROM_CACHE', `object ${id}${usedBy ? ` (${usedBy})` : ''} is not in the cache`, {
        hint: 'run `cairn fetch` to download it from the remote, or `cairn status` to see what is missing',
        data: { id, path: usedBy },
        cause: e,
      });
    }
    const stamped = Math.floor(st.mtimeMs / 1000) === OBJECT_MTIME;
    if (stamped && (expectedSize === undefined || st.size === expectedSize)) return p;
    this.check(id, usedBy);
    return p;
  }

  /** Rehash an object now; quarantine and throw CAIRN_INTEGRITY if it does not match its id. */
  check(id: ObjectId, usedBy?: string): void {
    const p = this.pathOf(id);
    const actual = hashFileSync(p, this.factory).id;
    const want = isDirId(id) ? id.slice(0, -4) : id;
    if (actual !== want) {
      const q = this.quarantine(id);
      throw hashMismatchError(`cache object ${id}${usedBy ? ` (${usedBy})` : ''}`, id, { id: actual }, {
        consequence: 'quarantined',
        hint: `it was moved to ${q}; run \`cairn fetch\` to get a good copy, or \`cairn add\` the data again`,
        data: { path: usedBy, quarantined: q },
      });
    }
    try {
      utimesSync(p, OBJECT_MTIME, OBJECT_MTIME);
    } catch {
      // a read-only filesystem: still correct, it will be rehashed next time too
    }
  }

  quarantine(id: ObjectId): string {
    const q = join(this.dir, 'quarantine', `${this.algo}-${id}-${now()}`);
    mkdirSync(join(q, '..'), { recursive: true });
    renameSync(this.pathOf(id), q);
    return q;
  }

  *list(): Iterable<ObjectId> {
    const base = join(this.dir, this.algo);
    let prefixes: string[];
    try {
      prefixes = readdirSync(base);
    } catch {
      return;
    }
    const hexLen = ID_HEX_LENGTH[this.algo];
    for (const pre of prefixes) {
      if (pre.length !== 2) continue;
      for (const rest of readdirSync(join(base, pre))) {
        const id = pre + rest;
        const hex = id.endsWith('.dir') ? id.slice(0, -4) : id;
        if (hex.length === hexLen && /^[0-9a-f]+$/.test(hex)) yield id;
      }
    }
  }

  remove(id: ObjectId): void {
    rmSync(this.pathOf(id), { force: true });
  }

  sizeOf(id: ObjectId): number {
    return statSync(this.pathOf(id)).size;
  }
}
