// Hash many files. Sequential synchronous reads (measured: 7-11 µs per small file, vs
// 47 µs for a pool of fs.promises reads); spreading over worker threads is the next step.
import { hashFileSync, type FileDigest, type HasherFactory } from '../core/hash.js';

export function hashFiles(
  factory: HasherFactory,
  paths: string[],
  onProgress?: (done: number) => void,
): FileDigest[] {
  const out: FileDigest[] = new Array(paths.length);
  for (let i = 0; i < paths.length; i++) {
    out[i] = hashFileSync(paths[i]!, factory);
    if (onProgress && (i + 1) % 1000 === 0) onProgress(i + 1);
  }
  return out;
}
