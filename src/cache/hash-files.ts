// Hash many files, or hash-and-store them into the cache, on both cores.
//
// Per file this is sync reads (measured 7-11 µs per small file, vs 47 µs for a pool of
// fs.promises reads) and, when storing, creating a file, which on this kind of disk costs
// far more than hashing and scales with a second thread (measured: two `cp -r` of 50k files
// in parallel took 55-75% of the time of one after the other). So above PARALLEL_MIN files
// a worker thread takes the second half while the main thread does the first. The caller
// stays synchronous: the main thread blocks on an Atomics flag, then reads the worker's
// results with receiveMessageOnPort. Any failure in the worker is redone on the main thread,
// so errors surface exactly as they would sequentially.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { hashFileSync, type FileDigest, type HashAlgorithm, type HasherFactory } from '../core/hash.js';
import type { LocalCache } from './odb.js';

export type FileJob = 'hash' | 'store' | 'adopt';

/** Below this many files a worker costs more to start (30-50 ms) than it saves. */
export const PARALLEL_MIN = 4000;

/** A file's digest; with store/adopt, `added` says whether it was new to the cache. */
export type StoredDigest = FileDigest & { added?: boolean };

function runOne(job: FileJob, path: string, factory: HasherFactory, cache?: LocalCache): StoredDigest {
  if (job === 'hash') return hashFileSync(path, factory);
  const r = job === 'adopt' ? cache!.adoptFile(path) : cache!.putFile(path);
  return { id: r.id, size: r.size, added: r.added };
}

function runRange(
  job: FileJob,
  paths: string[],
  from: number,
  to: number,
  out: StoredDigest[],
  factory: HasherFactory,
  cache: LocalCache | undefined,
  onProgress?: (done: number) => void,
): void {
  for (let i = from; i < to; i++) {
    out[i] = runOne(job, paths[i]!, factory, cache);
    if (onProgress && (i + 1 - from) % 1000 === 0) onProgress(i + 1 - from);
  }
}

export interface FilesOptions {
  job: FileJob;
  factory: HasherFactory;
  algo: HashAlgorithm;
  /** required for store/adopt */
  cache?: LocalCache;
  onProgress?: (done: number) => void;
}

/** How often a worker's half was used, and how often this thread had to redo it (tests read it). */
export const workerStats = { used: 0, redone: 0 };

export function processFiles(paths: string[], opts: FilesOptions): StoredDigest[] {
  const out: StoredDigest[] = new Array(paths.length);
  const { job, factory, cache, onProgress } = opts;
  if (paths.length < PARALLEL_MIN || process.env.CAIRN_THREADS === '1') {
    runRange(job, paths, 0, paths.length, out, factory, cache, onProgress);
    return out;
  }
  const workerFile = workerScript();
  if (!workerFile) {
    runRange(job, paths, 0, paths.length, out, factory, cache, onProgress);
    return out;
  }
  const half = paths.length >> 1;
  const theirs = paths.slice(half);
  // flag: 0 running, 1 done (result posted), 2 started; the worker posts 'started' first,
  // so a worker that cannot even load is noticed within START_TIMEOUT_MS
  const flag = new SharedArrayBuffer(8);
  const { port1, port2 } = new MessageChannel();
  let worker: Worker | undefined;
  try {
    worker = new Worker(workerFile, {
      workerData: {
        job,
        algo: opts.algo,
        paths: theirs,
        flag,
        port: port2,
        cache: cache ? { dir: cache.dir, tmpDir: cache.tmpDir } : undefined,
      },
      transferList: [port2],
    });
    worker.unref();
  } catch {
    worker = undefined;
  }
  runRange(job, paths, 0, half, out, factory, cache, onProgress);
  if (worker) {
    const f = new Int32Array(flag);
    for (let waited = 0; Atomics.load(f, 1) === 0 && waited < START_TIMEOUT_MS; waited += 50) Atomics.wait(f, 1, 0, 50);
    if (Atomics.load(f, 1) !== 0) {
      // started: wait for the result (bounded; a worker that died is replaced by this thread)
      for (let waited = 0; Atomics.load(f, 0) === 0 && waited < 600_000; waited += 200) Atomics.wait(f, 0, 0, 200);
    }
    const msg = Atomics.load(f, 0) === 1 ? receiveMessageOnPort(port1) : undefined;
    void worker.terminate();
    port1.close();
    const res = msg?.message as { ok: boolean; digests?: StoredDigest[] } | undefined;
    if (res?.ok && res.digests && res.digests.length === theirs.length) {
      for (let j = 0; j < theirs.length; j++) out[half + j] = res.digests[j]!;
      workerStats.used++;
      onProgress?.(paths.length);
      return out;
    }
  }
  workerStats.redone++;
  runRange(job, paths, half, paths.length, out, factory, cache, onProgress);
  return out;
}

const START_TIMEOUT_MS = 10_000;

/** The compiled worker beside this module; from TypeScript sources (tests), the build's. */
function workerScript(): URL | undefined {
  const here = new URL('./hash-files-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const built = new URL('../../dist/cache/hash-files-worker.js', import.meta.url);
  return existsSync(fileURLToPath(built)) ? built : undefined;
}

/** Hash files (no cache writes). */
export function hashFiles(factory: HasherFactory, paths: string[], onProgress?: (done: number) => void, algo?: HashAlgorithm): FileDigest[] {
  // without the algorithm name the worker cannot build a hasher: stay on this thread
  if (!algo) {
    const out: FileDigest[] = new Array(paths.length);
    runRange('hash', paths, 0, paths.length, out, factory, undefined, onProgress);
    return out;
  }
  return processFiles(paths, { job: 'hash', factory, algo, onProgress });
}
