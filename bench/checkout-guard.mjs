// bench/checkout-guard: what the containment check (src/io/contained.ts) costs a checkout.
// `cairn checkout` (cache.type hardlink) of N files of 1-8 KiB in 100 folders into an empty
// workspace, against `cp -al` (hardlink copy) of the same tree as the peer; plus the guard
// alone, in process: checkAbs() for every file path of the checkout, with a fresh guard.
// BENCH_FILES=20000 by default (keep it small on a shared machine).
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { best, cairn, freshRepo, manyFiles, report, sizeArg, time, ROOT } from './lib.mjs';

const n = sizeArg('BENCH_FILES', 20_000);
const base = process.env.BENCH_DIR ?? '/tmp/cairn-bench/checkout-guard';
rmSync(base, { recursive: true, force: true });
const repo = freshRepo(join(base, 'repo'));
console.log(`generating ${n} files...`);
manyFiles(join(repo, 'data'), n);
cairn(repo, 'config', 'cache.type', 'hardlink');
cairn(repo, 'add', 'data');
const copy = join(base, 'copy');
const tPeer = best(3, () => {
  rmSync(copy, { recursive: true, force: true });
  return time('cp', ['-al', join(repo, 'data'), copy]);
});
const tOurs = best(3, () => {
  rmSync(join(repo, 'data'), { recursive: true, force: true });
  return cairn(repo, 'checkout', 'data');
});
report(`checkout ${n} files (hardlink)`, 'cp -al', tPeer, tOurs);

const { Containment } = await import(join(ROOT, 'dist/io/contained.js'));
const paths = [];
for (const d of readdirSync(join(repo, 'data'))) for (const f of readdirSync(join(repo, 'data', d))) paths.push(join(repo, 'data', d, f));
const tGuard = best(3, () => {
  const g = new Containment(repo);
  const t0 = process.hrtime.bigint();
  for (const p of paths) g.checkAbs(p, { action: 'write' });
  return Number(process.hrtime.bigint() - t0) / 1e9;
});
console.log(`guard alone: ${(tGuard * 1e3).toFixed(1)} ms for ${paths.length} paths (${((tGuard / paths.length) * 1e9).toFixed(0)} ns per path), ${((tGuard / tOurs) * 100).toFixed(1)}% of the checkout`);
mkdirSync(base, { recursive: true });
