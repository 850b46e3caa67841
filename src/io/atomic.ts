// Atomic writes: write a sibling temp file, fsync, rename over the target.
// A crash at any moment leaves either the old file or the new one, never a torn one.
import { now } from '../core/clock.js';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { ioError } from '../core/errors.js';

let counter = 0;

export function tempSibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${now().toString(36)}.${(counter++).toString(36)}.tmp`);
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
