// bench/add-many: `cairn add` of 100,000 files of 1-8 KiB in 100 folders vs `git add` of the same tree.
// BENCH_FILES=10000 for a quick run.
import { rmSync, mkdirSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { cairn, freshRepo, manyFiles, report, sh, sizeArg, time } from './lib.mjs';

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
const tCairn = cairn(c, 'add', 'data');
report(`add-many (${n} files)`, 'git add', tGit, tCairn, 1.0);
const tRe = cairn(c, 'add', 'data');
console.log(`re-add (no-op): ${tRe.toFixed(3)} s`);
