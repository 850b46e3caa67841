// Worker side of processFiles (hash-files.ts): hash, store or adopt a list of files and
// post the digests back, then raise the flag the main thread is blocked on.
import { workerData, type MessagePort } from 'node:worker_threads';
import { hasherFactory, type FileDigest, type HashAlgorithm } from '../core/hash.js';
import { LocalCache } from './odb.js';

interface Input {
  job: 'hash' | 'store' | 'adopt';
  algo: HashAlgorithm;
  paths: string[];
  flag: SharedArrayBuffer;
  port: MessagePort;
  cache?: { dir: string; tmpDir: string };
}

const input = workerData as Input;
const flag = new Int32Array(input.flag);
// tell the blocked main thread this worker loaded (slot 1), then work (slot 0 when done)
Atomics.store(flag, 1, 1);
Atomics.notify(flag, 1);

async function work(): Promise<(FileDigest & { added?: boolean })[]> {
  const factory = await hasherFactory(input.algo);
  const { hashFileSync } = await import('../core/hash.js');
  const cache = input.cache ? new LocalCache({ ...input.cache, algo: input.algo, factory }) : undefined;
  const out: (FileDigest & { added?: boolean })[] = new Array(input.paths.length);
  for (let i = 0; i < input.paths.length; i++) {
    const p = input.paths[i]!;
    if (input.job === 'hash') out[i] = hashFileSync(p, factory);
    else {
      const r = input.job === 'adopt' ? cache!.adoptFile(p) : cache!.putFile(p);
      out[i] = { id: r.id, size: r.size, added: r.added };
    }
  }
  return out;
}

work().then(
  (digests) => {
    input.port.postMessage({ ok: true, digests });
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  },
  (e: unknown) => {
    input.port.postMessage({ ok: false, error: String((e as Error)?.message ?? e) });
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  },
);
