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
  lstatSync,
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
  symlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { CairnError, hashMismatchError, ioError } from '../core/errors.js';
import { tempIn } from '../io/tempname.js';
import { hashBytesWith, hashFileSync, ID_HEX_LENGTH, type HashAlgorithm, type HasherFactory } from '../core/hash.js';
import type { ByteMeter } from '../core/progress.js';
import { isDirId, objectKey, type ObjectId } from '../core/ids.js';

/** 2001-09-09T01:46:40Z: the stamp every verified cache object carries as its mtime. */
export const OBJECT_MTIME = 1_000_000_000;

/** How an object leaves the store for a workspace path (cache.type). */
export type ExportMode = 'reflink' | 'copy' | 'hardlink' | 'symlink';

/** An object's bytes on their way out to a remote: a whole buffer (small) or a file (large). */
export interface ObjectSource {
  bytes?: Buffer;
  file?: string;
  size: number;
}

/**
 * Bytes received from outside (a download), held apart from the store and hashed. Either
 * `commit` them under the id they hash to, or `discard` them.
 */
export interface Incoming {
  /** what the bytes hash to (hex, without the .dir suffix) and how many there are */
  readonly digest: { id: string; size: number };
  /** the bytes, for parsing a manifest before it is committed (small objects only) */
  read(): Buffer;
  /** enter the store under `id`; throws CAIRN_INTEGRITY unless the bytes hash to it */
  commit(id: ObjectId): void;
  discard(): void;
}

/**
 * What every object store offers; commands reach cache objects only through it (gc,
 * fsck, checkout, push, fetch, status). It does not assume one file per object, so
 * objects can later be packed by changing only this module.
 *
 * The one integrity rule: bytes that leave the store (`get`, `materialize`, `export`) are
 * hashed as they are read. An object that does not hash to its id is moved to quarantine
 * and a CAIRN_INTEGRITY error (exit 5) names the object and the file it was wanted for.
 */
export interface ObjectStore {
  readonly algo: HashAlgorithm;
  has(id: ObjectId): boolean;
  /** whole object, verified; for manifests and other small objects */
  get(id: ObjectId, usedBy?: string): Buffer;
  /** store bytes under their id (computed here) and return the id */
  put(bytes: Uint8Array, opts?: { dir?: boolean }): ObjectId;
  /** copy a file in, verifying it hashes to `expectedId` when given */
  putFile(src: string, expectedId?: ObjectId): { id: ObjectId; size: number; added: boolean };
  /** receive bytes from outside: `fill` writes them to the path it is given */
  receive(fill: (path: string) => Promise<unknown>): Promise<Incoming>;
  /** write the object at `dst` (which must not exist) by `mode`, its bytes verified */
  materialize(id: ObjectId, dst: string, mode: ExportMode, usedBy?: string): void;
  /** whether `path` already is the object itself (a hardlink of it) */
  isLinkedAt(id: ObjectId, path: string): boolean;
  /** the object's bytes for an upload, verified */
  export(id: ObjectId, usedBy?: string): ObjectSource;
  list(): Iterable<ObjectId>;
  sizeOf(id: ObjectId): number;
  remove(id: ObjectId): void;
  /** cheap check (stamp and size); rehashes only an object touched behind the store's back */
  verified(id: ObjectId, expectedSize?: number, usedBy?: string): void;
  /** rehash now; quarantine and throw CAIRN_INTEGRITY when it does not match */
  check(id: ObjectId, usedBy?: string): void;
  /** move an object out of the store (kept for inspection); returns where it went */
  quarantine(id: ObjectId): string;
}

export interface LocalCacheOptions {
  /** .cairn/cache */
  dir: string;
  /** .cairn/tmp (same filesystem, so rename is atomic) */
  tmpDir: string;
  algo: HashAlgorithm;
  factory: HasherFactory;
}

/** Objects up to this size are uploaded from a verified buffer (S3 reads them whole anyway). */
const EXPORT_WHOLE = 8 * 1024 * 1024;

/** Files up to this size take the read-whole path of putFile. */
const SMALL_FILE = 1024 * 1024;
let smallBuf: Buffer | undefined;

export class LocalCache implements ObjectStore {
  /** bytes hashed into the cache are reported here while set (core/progress.ts) */
  meter?: ByteMeter;
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
    const p = this.pathOf(id);
    let bytes: Buffer;
    try {
      bytes = readFileSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw this.missing(id, usedBy, e);
      throw ioError(e, 'cannot read cache object', p);
    }
    this.expect(id, hashBytesWith(this.factory, bytes), usedBy);
    return bytes;
  }

  private missing(id: ObjectId, usedBy: string | undefined, cause: unknown): CairnError {
    return new CairnError('CAIRN_MISSING_FROM_CACHE', `object ${id}${usedBy ? ` (${usedBy})` : ''} is not in the cache`, {
      hint: 'run `cairn fetch` to download it from the remote, or `cairn status` to see what is missing',
      data: { id, path: usedBy },
      cause,
    });
  }

  /** Throw CAIRN_INTEGRITY (after quarantining the object) unless `actual` is the hex of `id`. */
  private expect(id: ObjectId, actual: string, usedBy?: string): void {
    const want = isDirId(id) ? id.slice(0, -4) : id;
    if (actual === want) return;
    const q = this.quarantine(id);
    throw hashMismatchError(`cache object ${id}${usedBy ? ` (${usedBy})` : ''}`, id, { id: actual }, {
      consequence: 'quarantined',
      hint: `it was moved to ${q}; run \`cairn fetch\` to get a good copy, or \`cairn add\` the data again`,
      data: { path: usedBy, quarantined: q },
    });
  }

  /**
   * Write object `id` at `dst` (a fresh temp path; the caller renames it into place).
   * copy: the bytes are hashed as they are copied; reflink: the clone is hashed; hardlink
   * and symlink: the object is hashed before the link is made. A mismatch removes `dst`,
   * quarantines the object and throws CAIRN_INTEGRITY. Errors of the link itself (EXDEV,
   * EOPNOTSUPP) are thrown as they are, so the caller can try the next mode.
   */
  materialize(id: ObjectId, dst: string, mode: ExportMode, usedBy?: string): void {
    const src = this.pathOf(id);
    if (!existsSync(src)) throw this.missing(id, usedBy, undefined);
    switch (mode) {
      case 'copy': {
        const fd = openSync(dst, 'wx', 0o644);
        let digest;
        try {
          digest = hashFileSync(src, this.factory, (chunk) => {
            let off = 0;
            while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
          });
        } finally {
          closeSync(fd);
        }
        this.expectOrRemove(id, digest.id, dst, usedBy);
        return;
      }
      case 'reflink':
        copyFileSync(src, dst, fsConstants.COPYFILE_FICLONE_FORCE);
        this.expectOrRemove(id, hashFileSync(dst, this.factory).id, dst, usedBy);
        return;
      case 'hardlink':
        this.expect(id, hashFileSync(src, this.factory).id, usedBy);
        linkSync(src, dst);
        return;
      case 'symlink':
        this.expect(id, hashFileSync(src, this.factory).id, usedBy);
        symlinkSync(src, dst);
        return;
    }
  }

  isLinkedAt(id: ObjectId, path: string): boolean {
    try {
      const a = statSync(this.pathOf(id));
      const b = lstatSync(path);
      return a.ino === b.ino && a.dev === b.dev;
    } catch {
      return false;
    }
  }

  private expectOrRemove(id: ObjectId, actual: string, dst: string, usedBy?: string): void {
    try {
      this.expect(id, actual, usedBy);
    } catch (e) {
      rmSync(dst, { force: true });
      throw e;
    }
  }

  /**
   * An object's bytes for an upload. Small objects are read whole and hashed: the bytes
   * sent are the bytes hashed. Large ones are rehashed in full, then sent from the file
   * (cache files are read-only, so nothing writes them in between).
   */
  export(id: ObjectId, usedBy?: string): ObjectSource {
    let size: number;
    try {
      size = this.sizeOf(id);
    } catch (e) {
      throw this.missing(id, usedBy, e);
    }
    if (size <= EXPORT_WHOLE) {
      const bytes = this.get(id, usedBy);
      return { bytes, size: bytes.length };
    }
    this.check(id, usedBy);
    return { file: this.pathOf(id), size };
  }

  async receive(fill: (path: string) => Promise<unknown>): Promise<Incoming> {
    const tmp = this.tempPath();
    let digest;
    try {
      await fill(tmp);
      digest = hashFileSync(tmp, this.factory);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
    let open = true;
    return {
      digest,
      read: () => readFileSync(tmp),
      commit: (id) => {
        if (!open) throw new CairnError('CAIRN_IO', 'incoming object already committed or discarded');
        open = false;
        const want = isDirId(id) ? id.slice(0, -4) : id;
        if (digest.id !== want) {
          rmSync(tmp, { force: true });
          throw new CairnError('CAIRN_INTEGRITY', `received bytes for ${id} hash to ${digest.id}; not added to the cache`, { data: { id, actual: digest.id } });
        }
        if (this.has(id)) {
          rmSync(tmp, { force: true });
          return;
        }
        try {
          this.seal(tmp, id);
        } catch (e) {
          rmSync(tmp, { force: true });
          throw ioError(e, 'cannot write cache object', this.pathOf(id));
        }
      },
      discard: () => {
        open = false;
        rmSync(tmp, { force: true });
      },
    };
  }

  private readonly madeDirs = new Set<string>();
  /** whether reflink clones work between the workspace and the cache (learned on first try) */
  private cloneWorks: boolean | undefined;

  tempPath(): string {
    if (!this.madeDirs.has(this.tmpDir)) {
      mkdirSync(this.tmpDir, { recursive: true });
      this.madeDirs.add(this.tmpDir);
    }
    // pid + thread (io/tempname.ts): hash-files.ts stores from a worker thread at the same time
    return tempIn(this.tmpDir, 'obj');
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
    try {
      renameSync(tmp, dst);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync(tmp)) throw e;
      mkdirSync(parent, { recursive: true }); // the prefix folder was removed meanwhile
      renameSync(tmp, dst);
    }
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
          return this.admit(tmp, hashFileSync(tmp, this.factory, this.meter && ((c) => this.meter?.add(c.length))), src, expectedId);
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
        this.meter?.add(chunk.length);
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
   * Temp names (io/tempname.ts) start with '.' and never match an id; gc removes stale ones.
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
    const tmp = tempIn(parent, 'obj');
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
    const tmp = tempIn(parent, 'obj');
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
      throw this.missing(id, usedBy, e);
    }
    const stamped = Math.floor(st.mtimeMs / 1000) === OBJECT_MTIME;
    if (stamped && (expectedSize === undefined || st.size === expectedSize)) return p;
    this.check(id, usedBy);
    return p;
  }

  /** Rehash an object now; quarantine and throw CAIRN_INTEGRITY if it does not match its id. */
  check(id: ObjectId, usedBy?: string): void {
    const p = this.pathOf(id);
    if (!existsSync(p)) throw this.missing(id, usedBy, undefined);
    this.expect(id, hashFileSync(p, this.factory).id, usedBy);
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
