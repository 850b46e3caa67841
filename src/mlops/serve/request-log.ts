// The request log: JSON Lines appended in batches. Lines are buffered in memory and written
// with one write(2) per batch (O_APPEND), when `batchLines` lines or BATCH_CHARS characters are
// waiting, `batchMs` after the first of them, and at close. (Encoding each line into a reusable
// Buffer as it comes was measured slower: a native call per line costs more than one join and
// one encode per batch.) A write is never split between lines, so a line is never
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

/** a batch is written once its lines hold this many characters, however few they are */
const BATCH_CHARS = 1 << 20;

export class RequestLog {
  private fd: number;
  private size: number;
  private lines: string[] = [];
  private chars = 0;
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
    this.lines.push(line);
    this.chars += line.length;
    if (this.lines.length >= this.o.batchLines || this.chars >= BATCH_CHARS) this.flush();
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
    if (!this.lines.length) return;
    const buf = Buffer.from(this.lines.join(''));
    const n = this.lines.length;
    this.lines = [];
    this.chars = 0;
    try {
      if (this.size > 0 && this.size + buf.length > this.o.rotateBytes) this.rotate();
      let off = 0;
      // a regular file takes the whole buffer in one write; the loop only guards a short write
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
      this.size += buf.length;
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
