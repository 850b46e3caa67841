// Atomic writes: write a sibling temp file, fsync, rename over the target.
// A crash at any moment leaves either the old file or the new one, never a torn one.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ioError } from '../core/errors.js';
import { tempBeside } from './tempname.js';

/** The temp file an atomic write of `path` goes through (io/tempname.ts names every temp). */
export function tempSibling(path: string): string {
  return tempBeside(path);
}

export function writeFileAtomic(path: string, data: string | Uint8Array, opts: { mode?: number; fsync?: boolean } = {}): void {
  const tmp = tempSibling(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(tmp, 'w', opts.mode ?? 0o644);
    try {
      const buf = typeof data === 'string' ? Buffer.from(data) : data;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      if (opts.fsync !== false) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw ioError(e, 'cannot write', path);
  }
}
