// The request log: JSON Lines appended in batches. Lines are encoded into one reusable buffer as
// they come (a line's string is garbage at once, not held until the batch goes out) and written
// with one write(2) per batch (O_APPEND), when `batchLines` lines are waiting, the buffer is
// full, or `batchMs` after the first of them, and at close. A write is never split between lines, so a line is never
// torn by a crash of cairn (the kernel finishes a write it accepted); a kill -9 loses at most
// the lines still in the buffer: the last batch. Before a batch would push the file past
// `rotateBytes`, the file is rotated: `log.N-1` → `log.N` ... `log` → `log.1` (at most `keep`).
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ioError } from '../../core/errors.js';

export interface RequestLogOptions {
  file: string;
  batchLines: number;
  batchMs: number;
  rotateBytes: number;
  keep: number;
  /** called when a write fails (disk full): the batch is dropped, serving goes on */
  onError?: (e: Error) => void;
}

/** the batch buffer's initial size; it grows to hold a line longer than that */
const BUFFER_BYTES = 256 * 1024;

export class RequestLog {
  private fd: number;
  private size: number;
  private buf = Buffer.allocUnsafe(BUFFER_BYTES);
  /** bytes and lines waiting in `buf` */
  private used = 0;
  private pending = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** lines written (for tests and /metrics) */
  written = 0;

  constructor(private readonly o: RequestLogOptions) {
    try {
      mkdirSync(dirname(o.file), { recursive: true });
      this.fd = openSync(o.file, 'a', 0o600);
      this.size = fstatSync(this.fd).size;
    } catch (e) {
      throw ioError(e, 'cannot open the request log', o.file);
    }
  }

  /** Queue one record (serialised at once, so later changes to the object do not show). */
  append(record: object): void {
    this.appendLine(JSON.stringify(record) + '\n');
  }

  /** Queue one line already serialised (one JSON object, no line break inside, ending in '\n'). */
  appendLine(line: string): void {
    if (this.closed) return;
    // a UTF-16 code unit is at most 3 bytes of UTF-8: with that much room, the line fits whole
    const room = line.length * 3;
    if (this.used + room > this.buf.length) {
      this.flush();
      if (room > this.buf.length) this.buf = Buffer.allocUnsafe(room);
    }
    this.used += this.buf.write(line, this.used);
    if (++this.pending >= this.o.batchLines) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.o.batchMs);
      this.timer.unref();
    }
  }

  /** Write the buffered lines now, as one write. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.pending) return;
    const len = this.used;
    const n = this.pending;
    this.used = 0;
    this.pending = 0;
    try {
      if (this.size > 0 && this.size + len > this.o.rotateBytes) this.rotate();
      let off = 0;
      // a regular file takes the whole buffer in one write; the loop only guards a short write
      while (off < len) off += writeSync(this.fd, this.buf, off, len - off);
      this.size += len;
      this.written += n;
    } catch (e) {
      this.o.onError?.(ioError(e, 'cannot write the request log', this.o.file));
    }
  }

  private rotate(): void {
    closeSync(this.fd);
    const f = this.o.file;
    rmSync(`${f}.${this.o.keep}`, { force: true });
    for (let i = this.o.keep - 1; i >= 1; i--) if (existsSync(`${f}.${i}`)) renameSync(`${f}.${i}`, `${f}.${i + 1}`);
    renameSync(f, `${f}.1`);
    this.fd = openSync(f, 'a', 0o600);
    this.size = 0;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    closeSync(this.fd);
  }
}
