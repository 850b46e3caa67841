// cairn metrics show --rev over the last N commits (one process) vs `git show REV:path` for
// each commit in a loop (the peer). Repo built with git fast-import: one metrics file changed
// per commit, plus a few hundred unchanging files so trees are not trivial.
// Usage: npm run build && node bench/metrics-history.mjs [N]   (or CAIRN_BENCH_COMMITS=N)
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CLI, freshRepo, sh } from './lib.mjs';

const N = Number(process.argv[2] ?? process.env.CAIRN_BENCH_COMMITS ?? 500);
const dir = freshRepo('/tmp/cairn-bench-metrics-history');

let fi = '';
const blob = (s) => `data ${Buffer.byteLength(s)}\n${s}\n`;
const total = N + 20;
for (let i = 1; i <= total; i++) {
  fi += `commit refs/heads/main\ncommitter b <b@b> ${1700000000 + i} +0000\n${blob(`c${i}`)}`;
  if (i > 1) fi += `from :${i - 1}\n`;
  else {
    fi += `M 100644 inline cairn.yaml\n${blob('stages:\n  train:\n    cmd: node train.js\n    metrics:\n      - eval/metrics.json:\n          cache: false\n')}`;
    for (let f = 0; f < 300; f++) fi += `M 100644 inline src/m${f % 10}/f${f}.txt\n${blob(`file ${f}`)}`;
  }
  fi += `M 100644 inline eval/metrics.json\n${blob(JSON.stringify({ acc: 0.5 + i / (2 * total), loss: 1 / i, nested: { step: i } }))}`;
  fi += `mark :${i}\n`.replace(/^/, '');
}
// marks must come right after the commit line: rebuild with marks in place
fi = fi.replace(/commit refs\/heads\/main\n([\s\S]*?)mark :(\d+)\n/g, (_m, body, n) => `commit refs/heads/main\nmark :${n}\n${body}`);
execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: fi });
sh(dir, 'git', ['reset', '-q', '--hard', 'main']);

const revs = sh(dir, 'git', ['rev-list', '-n', String(N), 'main']).trim().split('\n');

const t0 = process.hrtime.bigint();
for (const r of revs) {
  const x = spawnSync('git', ['show', `${r}:eval/metrics.json`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  if (x.status !== 0) throw new Error(`git show failed: ${x.stderr}`);
}
const peer = Number(process.hrtime.bigint() - t0) / 1e9;

const args = [CLI, 'metrics', 'show', '--json'];
for (const r of revs) args.push('--rev', r);
const t1 = process.hrtime.bigint();
const c = spawnSync(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30, env: { ...process.env, CAIRN_NO_PROGRESS: '1' } });
const ours = Number(process.hrtime.bigint() - t1) / 1e9;
if (c.status !== 0) throw new Error(`cairn failed: ${c.stderr}`);
const res = JSON.parse(c.stdout);
if (res.revisions.length !== N || res.errors.length) throw new Error(`cairn read ${res.revisions.length} revisions, ${res.errors.length} errors`);

console.log(`metrics-history: ${N} commits (${join(dir)})`);
console.log(`  peer  git show REV:path loop : ${peer.toFixed(3)} s (${((peer / N) * 1000).toFixed(2)} ms/rev)`);
console.log(`  cairn metrics show --rev x${N}: ${ours.toFixed(3)} s (${((ours / N) * 1000).toFixed(2)} ms/rev)`);
console.log(`  ratio cairn/peer: ${(ours / peer).toFixed(2)} (goal <= 1.0)`);
