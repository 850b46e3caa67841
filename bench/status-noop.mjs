// bench/status-noop: no-op `cairn status` on a tracked tree of 100,000 files of 1-8 KiB in
// 100 folders vs `git status` on the same tree committed to git, and vs no-op `dvc status` on the
// same tree added to DVC (scripts/dvc-peer.sh), wall and CPU time. BENCH_FILES=10000 for a quick run.
import { cpSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { best, bestRun, cairn, cairnCpu, DVC, dvcEnv, dvcReady, freshDvcRepo, freshRepo, manyFiles, report, reportDvc, sh, sizeArg, time, timeCpu } from './lib.mjs';

const n = sizeArg('BENCH_FILES', 100_000);
const base = process.env.BENCH_DIR ?? '/tmp/cairn-bench/status-noop';
const src = join(base, 'src');
if (!existsSync(join(base, `.made-${n}`))) {
  rmSync(base, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  console.log(`generating ${n} files...`);
  manyFiles(src, n);
  // peer: the same tree committed in git
  const g = join(base, 'git');
  mkdirSync(g);
  sh(g, 'git', ['init', '-q']);
  cpSync(src, join(g, 'data'), { recursive: true });
  sh(g, 'git', ['add', 'data']);
  sh(g, 'git', ['commit', '-qm', 'data']);
  const c = freshRepo(join(base, 'cairn'));
  cpSync(src, join(c, 'data'), { recursive: true });
  cairn(c, 'add', 'data');
  mkdirSync(join(base, `.made-${n}`));
}
const g = join(base, 'git');
const c = join(base, 'cairn');
time('git', ['status'], { cwd: g }); // warm
cairn(c, 'status'); // warm
const tGit = best(5, () => time('git', ['status'], { cwd: g }));
const tCairn = best(5, () => cairn(c, 'status'));
report(`status-noop (${n} files)`, 'git status', tGit, tCairn, 1.5);
if (dvcReady()) {
  const dd = join(base, 'dvc');
  if (!existsSync(join(base, `.made-dvc-${n}`))) {
    const d = freshDvcRepo(dd);
    cpSync(src, join(d.dir, 'data'), { recursive: true });
    timeCpu(DVC, ['add', '-q', 'data'], { cwd: d.dir, env: d.env });
    mkdirSync(join(base, `.made-dvc-${n}`));
  }
  const env = dvcEnv(`${dd}-site-cache`);
  timeCpu(DVC, ['status'], { cwd: dd, env }); // warm (and DVC's hash memo filled)
  const tDvc = bestRun(3, () => timeCpu(DVC, ['status'], { cwd: dd, env }));
  const ours = bestRun(3, () => cairnCpu(c, 'status'));
  reportDvc(`status-noop (${n} files)`, tDvc, ours);
}
