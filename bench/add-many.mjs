// bench/add-many: `cairn add` of 100,000 files of 1-8 KiB in 100 folders vs `git add` of the same tree,
// and vs `dvc add` of it (scripts/dvc-peer.sh), wall and CPU time. BENCH_FILES=10000 for a quick run.
import { rmSync, mkdirSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { cairn, cairnCpu, DVC, dvcReady, freshDvcRepo, freshRepo, manyFiles, report, reportDvc, sh, sizeArg, time, timeCpu } from './lib.mjs';

const n = sizeArg('BENCH_FILES', 100_000);
const base = process.env.BENCH_DIR ?? '/tmp/cairn-bench/add-many';
const src = join(base, 'src');
if (process.env.BENCH_KEEP !== '1' || !process.env.BENCH_DIR) {
  rmSync(base, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  console.log(`generating ${n} files...`);
  manyFiles(src, n);
}
// peer: git add in a fresh repo
const g = join(base, 'git');
rmSync(g, { recursive: true, force: true });
mkdirSync(g, { recursive: true });
sh(g, 'git', ['init', '-q']);
cpSync(src, join(g, 'data'), { recursive: true });
sh(base, 'sync', []);
const tGit = time('git', ['add', 'data'], { cwd: g });
// cairn
const c = freshRepo(join(base, 'cairn'));
cpSync(src, join(c, 'data'), { recursive: true });
sh(base, 'sync', []);
const tCairn = cairnCpu(c, 'add', 'data');
report(`add-many (${n} files)`, 'git add', tGit, tCairn.s, 1.0);
const tRe = cairnCpu(c, 'add', 'data');
console.log(`re-add (no-op): ${tRe.s.toFixed(3)} s`);
if (dvcReady()) {
  const d = freshDvcRepo(join(base, 'dvc'));
  cpSync(src, join(d.dir, 'data'), { recursive: true });
  sh(base, 'sync', []);
  const tDvc = timeCpu(DVC, ['add', '-q', 'data'], { cwd: d.dir, env: d.env });
  reportDvc(`add-many (${n} files)`, tDvc, tCairn);
  const tDvcRe = timeCpu(DVC, ['add', '-q', 'data'], { cwd: d.dir, env: d.env });
  reportDvc(`re-add of the unchanged tree (${n} files)`, tDvcRe, tRe);
}
