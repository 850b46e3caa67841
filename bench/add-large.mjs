// bench/add-large: `cairn add` of a 2 GiB file (cache on the same filesystem) vs `md5sum`
// (DVC's hash) of it, both from the page cache. Also prints the pure xxh64x2 hashing rate.
// Second peer: `dvc add` of the same file (scripts/dvc-peer.sh; default cache.type of both,
// empty cache and no hash memo each run), wall and CPU time.
// BENCH_BYTES=268435456 for a quick run.
import { rmSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { best, bestRun, bigFile, cairn, cairnCpu, DVC, dvcReady, freshDvcRepo, freshRepo, report, reportDvc, sh, sizeArg, time, timeCpu, ROOT } from './lib.mjs';

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
if (dvcReady()) {
  // the same bytes in a DVC repo (a hardlink: DVC copies them into its cache and leaves the
  // workspace file alone with its default cache.type reflink,copy)
  const d = freshDvcRepo(join(base, 'dvc'));
  sh(base, 'ln', [file, join(d.dir, 'model.bin')]);
  const dvcAdd = () => {
    sh(d.dir, 'sh', ['-c', `chmod -R u+w .dvc/cache 2>/dev/null; rm -rf .dvc/cache model.bin.dvc .gitignore '${d.env.DVC_SITE_CACHE_DIR}'`]);
    return timeCpu(DVC, ['add', '-q', 'model.bin'], { cwd: d.dir, env: d.env });
  };
  const tDvc = bestRun(2, dvcAdd);
  const ours = bestRun(2, () => {
    runAdd('reflink,copy'); // resets the cache; timed again below with its CPU
    rmSync(join(repo, '.cairn', 'cache'), { recursive: true, force: true });
    rmSync(join(repo, '.cairn', 'state'), { recursive: true, force: true });
    rmSync(join(repo, 'model.bin.cairn'), { force: true });
    return cairnCpu(repo, 'add', 'model.bin');
  });
  reportDvc(`add-large (${(bytes / 1024 ** 3).toFixed(2)} GiB), default cache.type`, tDvc, ours);
}
rmSync(base, { recursive: true, force: true });
