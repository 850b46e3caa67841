// bench/add-large: `cairn add` of a 2 GiB file (cache on the same filesystem) vs `md5sum`
// (DVC's hash) of it, both from the page cache. Also prints the pure xxh64x2 hashing rate.
// BENCH_BYTES=268435456 for a quick run.
import { rmSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { best, bigFile, cairn, freshRepo, report, sh, sizeArg, time, ROOT } from './lib.mjs';

const bytes = sizeArg('BENCH_BYTES', 2 * 1024 ** 3);
const base = process.env.BENCH_DIR ?? '/tmp/cairn-bench/add-large';
const repo = freshRepo(join(base, 'repo'));
const file = join(repo, 'model.bin');
console.log(`generating ${(bytes / 1024 ** 3).toFixed(2)} GiB...`);
bigFile(file, bytes);
const warm = () => time('sh', ['-c', `cat '${file}' > /dev/null`]);
warm(); // page cache

const { hasherFactory, hashFileSync } = await import(join(ROOT, 'dist/core/hash.js'));
const factory = await hasherFactory('xxh64x2');
const tHash = best(3, () => {
  const t0 = process.hrtime.bigint();
  hashFileSync(file, factory);
  return Number(process.hrtime.bigint() - t0) / 1e9;
});
console.log(`xxh64x2 hashing rate: ${(bytes / tHash / 1e9).toFixed(2)} GB/s (goal >= 2)`);

const tMd5 = best(2, () => time('md5sum', [file]));
const runAdd = (linkType) => {
  // each run starts from an empty cache so the object is really written
  rmSync(join(repo, '.cairn', 'cache'), { recursive: true, force: true });
  rmSync(join(repo, '.cairn', 'state'), { recursive: true, force: true });
  rmSync(join(repo, 'model.bin.cairn'), { force: true });
  writeFileSync(join(repo, '.cairn', 'config.yaml'), `core:\n  hash: xxh64x2\ncache:\n  type: ${linkType}\n`);
  // a hardlinked workspace file is the cache object: give the next run a fresh file
  if (linkType !== 'reflink,copy') {
    sh(repo, 'cp', [file, file + '.fresh']);
    rmSync(file, { force: true });
    renameSync(file + '.fresh', file);
    warm();
  }
  return cairn(repo, 'add', 'model.bin');
};
const tCopy = best(2, () => runAdd('reflink,copy'));
report('add-large, default cache.type (reflink,copy)', 'md5sum', tMd5, tCopy, 0.25);
const tLink = best(2, () => runAdd('hardlink'));
report('add-large, cache.type hardlink', 'md5sum', tMd5, tLink, 0.25);
rmSync(base, { recursive: true, force: true });
