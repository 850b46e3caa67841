// cairn gate on 100,000 eval examples, 3 metrics (accuracy by McNemar + bootstrap CI, macro F1
// and Brier by bootstrap), 10,000 paired bootstrap resamples, vs the same with
// scipy.stats.bootstrap (paired, percentile) + statsmodels' McNemar (bench/gate-peer.py) on the
// same files in the same run. Both times include reading the CSVs. Needs scripts/scipy-peer.sh.
// Usage: npm run build && node bench/gate.mjs [N] [RESAMPLES]
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT } from './lib.mjs';

const N = Number(process.argv[2] ?? 100_000);
const B = Number(process.argv[3] ?? 10_000);
const dir = '/tmp/cairn-bench-gate';
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

let s = 12345;
const rnd = () => (s = (Math.imul(s, 48271) >>> 0) % 2147483647) / 2147483647;
const cand = ['id,label,prediction,score'];
const base = ['id,label,prediction,score'];
for (let i = 0; i < N; i++) {
  const y = rnd() < 0.5 ? 1 : 0;
  const sc = Math.min(0.999, Math.max(0.001, (y ? 0.58 : 0.42) + (rnd() - 0.5) * 0.8));
  const sb = Math.min(0.999, Math.max(0.001, (y ? 0.57 : 0.43) + (rnd() - 0.5) * 0.8));
  cand.push(`${i},${y},${sc > 0.5 ? 1 : 0},${sc.toFixed(4)}`);
  base.push(`${i},${y},${sb > 0.5 ? 1 : 0},${sb.toFixed(4)}`);
}
writeFileSync(join(dir, 'cand.csv'), cand.join('\n') + '\n');
writeFileSync(join(dir, 'base.csv'), base.join('\n') + '\n');
writeFileSync(join(dir, 'eval.csv'), 'id\n');
writeFileSync(join(dir, 'gate.yaml'), `eval_set: eval.csv\npredictions: cand.csv\nresamples: ${B}\nmetrics:\n  accuracy: {beat: baseline}\n  macro_f1: {beat: baseline}\n  brier: {beat: baseline}\n`);

const py = spawnSync('bash', [join(ROOT, 'scripts', 'scipy-peer.sh')], { encoding: 'utf8' });
if (py.status !== 0) {
  console.error(`bench/gate: no SciPy venv (scripts/scipy-peer.sh failed): ${py.stderr.slice(-500)}`);
  process.exit(1);
}
const PY = py.stdout.trim().split('\n').pop();

const t0 = process.hrtime.bigint();
const c = spawnSync(process.execPath, [CLI, 'gate', '--baseline', 'base.csv', '--json'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
const cairnS = Number(process.hrtime.bigint() - t0) / 1e9;
if (c.status !== 0 && c.status !== 4) throw new Error(`cairn gate failed (${c.status}): ${c.stderr}`);
const rep = JSON.parse(c.stdout);

const t1 = process.hrtime.bigint();
const p = spawnSync(PY, [join(ROOT, 'bench', 'gate-peer.py'), join(dir, 'cand.csv'), join(dir, 'base.csv'), String(B)], { encoding: 'utf8' });
const peerS = Number(process.hrtime.bigint() - t1) / 1e9;
if (p.status !== 0) throw new Error(`peer failed: ${p.stderr}`);
const peer = JSON.parse(p.stdout);

const f = (x) => x.toFixed(4);
console.log(`gate bench: ${N} examples, 3 metrics, ${B} resamples`);
for (const r of rep.rules) console.log(`  cairn ${r.metric.padEnd(9)} delta ${f(r.delta)} CI [${f(r.ci[0])}, ${f(r.ci[1])}] p ${r.p.toExponential(2)} (${r.test})   scipy CI [${f(peer.ci[r.metric][0])}, ${f(peer.ci[r.metric][1])}]`);
console.log(`  statsmodels McNemar p ${peer.mcnemar_p.toExponential(2)}`);
console.log(`peer (scipy.stats.bootstrap + statsmodels mcnemar): ${peerS.toFixed(2)} s (inside python: ${peer.seconds.toFixed(2)} s)`);
console.log(`cairn gate: ${cairnS.toFixed(2)} s`);
console.log(`ratio cairn/peer: ${(cairnS / peerS).toFixed(2)}`);
