// A remote that is a folder: a mounted share, another disk, a path in tests. Objects are
// copied to a temp name beside their final place and renamed, so a reader never sees a
// half-written object.
import { constants as fsConstants, createReadStream, createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { copyFile, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { CairnError } from '../core/errors.js';
import { isTempName, sweepStaleTempsUnder, tempBeside } from '../io/tempname.js';
import { newStats, type PutSource, type Remote } from './remote.js';

/** Objects from this size up are streamed when progress is shown (copyFile reports nothing until done). */
const STREAM_MIN = 16 * 1024 * 1024;

/** Copy a file as a stream, telling `onBytes` each chunk; returns the bytes copied. */
async function copyCounted(from: string, to: string, onBytes: (n: number) => void): Promise<number> {
  let total = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      total += chunk.length;
      onBytes(chunk.length);
      cb(null, chunk);
    },
  });
  await pipeline(createReadStream(from, { highWaterMark: 1 << 20 }), count, createWriteStream(to));
  return total;
}

export class FolderRemote implements Remote {
  readonly kind = 'folder' as const;
  readonly stats = newStats();

  constructor(
    readonly url: string,
    readonly root: string,
  ) {}

  private abs(key: string): string {
    return join(this.root, ...key.split('/'));
  }

  /**
   * The folder must exist: a missing one is never created here, so a share that is not
   * mounted does not get its data written to the local disk (`remote add --create` makes
   * the folder once, when the remote is added).
   */
  async ready(): Promise<void> {
    this.stats.requests++;
    try {
      const st = await stat(this.root);
      if (!st.isDirectory()) throw new CairnError('CAIRN_REMOTE_MISSING', 'not a directory');
    } catch (e) {
      throw this.missing(e);
    }
  }

  private missing(e: unknown): CairnError {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return new CairnError('CAIRN_REMOTE_MISSING', `remote folder ${this.root} does not exist`, {
        hint: `if it is a share, mount it; if it is new, create it (\`mkdir -p ${this.root}\`, or add the remote with \`cairn remote add --create -f NAME ${this.url}\`)`,
        data: { url: this.url, path: this.root },
        cause: e,
      });
    }
    return new CairnError('CAIRN_REMOTE_MISSING', `remote folder ${this.root} is not usable: ${(e as Error).message}`, {
      hint: 'check the path with `cairn remote list`',
      data: { url: this.url, path: this.root },
      cause: e,
    });
  }

  async existsMany(keys: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const queue = [...keys];
    const worker = async () => {
      for (let k = queue.pop(); k !== undefined; k = queue.pop()) {
        this.stats.requests++;
        this.stats.heads++;
        try {
          await stat(this.abs(k));
          found.add(k);
        } catch {
          /* absent */
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(32, keys.length) }, worker));
    return found;
  }

  async *list(prefix: string): AsyncIterable<string> {
    const base = prefix.replace(/\/+$/, '');
    const walk = async function* (this: FolderRemote, rel: string): AsyncIterable<string> {
      this.stats.requests++;
      this.stats.lists++;
      let entries;
      try {
        entries = await readdir(rel ? this.abs(rel) : this.root, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) yield* walk.call(this, r);
        else if (!isTempName(e.name, true)) yield r;
      }
    };
    yield* walk.call(this, base);
  }

  async put(key: string, src: PutSource, onBytes?: (n: number) => void): Promise<void> {
    const dst = this.abs(key);
    const tmp = tempBeside(dst);
    this.stats.requests++;
    try {
      await mkdir(dirname(dst), { recursive: true });
      if (src.file !== undefined && onBytes && src.size >= STREAM_MIN) await copyCounted(src.file, tmp, onBytes);
      else if (src.file !== undefined) await copyFile(src.file, tmp, fsConstants.COPYFILE_FICLONE);
      else await writeFile(tmp, src.bytes!);
      if (onBytes && !(src.file !== undefined && src.size >= STREAM_MIN)) onBytes(src.size);
      await rename(tmp, dst);
    } catch (e) {
      await rm(tmp, { force: true });
      const code = (e as NodeJS.ErrnoException).code;
      // a read-only or foreign-owned remote fails every object the same way: one error that
      // stops the transfer (CAIRN_REMOTE_AUTH is fatal there), not one line per object
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
        throw new CairnError('CAIRN_REMOTE_AUTH', `remote folder ${this.root} is not writable (${code}${code === 'EROFS' ? ': read-only file system' : ''})`, {
          hint: 'push needs write access to the remote folder: check its permissions and mount options, or push to another remote (`-r NAME`)',
          data: { url: this.url, path: this.root, errno: code },
          cause: e,
        });
      }
      // the folder went away while pushing (a share unmounted)
      if (code === 'ENOENT' && !(await stat(this.root).then((s) => s.isDirectory(), () => false))) throw this.missing(e);
      throw new CairnError('CAIRN_REMOTE', `cannot write ${key} to remote folder ${this.root}: ${(e as Error).message}`, {
        hint: 'check free space and permissions on the remote folder',
        data: { key, url: this.url },
        cause: e,
      });
    }
  }

  async get(key: string, dest: string, onBytes?: (n: number) => void): Promise<number> {
    this.stats.requests++;
    try {
      if (onBytes) {
        const size = (await stat(this.abs(key))).size;
        if (size >= STREAM_MIN) return await copyCounted(this.abs(key), dest, onBytes);
        await copyFile(this.abs(key), dest);
        onBytes(size);
        return size;
      }
      await copyFile(this.abs(key), dest);
      return (await stat(dest)).size;
    } catch (e) {
      const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
      throw new CairnError(missing ? 'CAIRN_NOT_FOUND' : 'CAIRN_REMOTE', `cannot read ${key} from remote folder ${this.root}: ${missing ? 'not on the remote' : (e as Error).message}`, {
        hint: missing ? 'push it from a machine that has it (`cairn push`)' : 'check permissions on the remote folder',
        data: { key, url: this.url, missing },
        cause: e,
      });
    }
  }

  async deleteMany(keys: string[]): Promise<void> {
    for (const k of keys) {
      this.stats.requests++;
      await rm(this.abs(k), { force: true });
    }
  }

  /**
   * Temp files (io/tempname.ts) older than `minAgeMs` under the root: left by a push that
   * died. Other machines may be pushing right now, and their pids mean nothing here, so age
   * alone decides. Removed unless `dry`; returns their keys.
   */
  sweepTemps(minAgeMs: number, dry = false): string[] {
    return sweepStaleTempsUnder(this.root, { minAgeMs, dry, own: true }).map((p) => relative(this.root, p).split(sep).join('/'));
  }

  async close(): Promise<void> {}
}
