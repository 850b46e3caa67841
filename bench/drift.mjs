// cairn monitor drift vs Evidently (legacy DataDriftPreset, bench/drift-peer.py) on the same CSV
// files in the same run: a 5,000-row reference and N current rows (default 1,000,000) of 20
// columns (16 numeric, 4 categorical; 8 numeric and 1 categorical shifted), so the default tests
// are normalised Wasserstein and Jensen–Shannon, with PSI on every column. Both sides read the
// CSVs and compute; the figures are wall times of whole processes (cairn CLI / python with its
// imports) and, inside them, the time past start-up. Needs scripts/evidently-peer.sh.
// Usage: npm run build && node bench/drift.mjs [--rows N]   (--quick = 100,000 rows)
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT } from './lib.mjs';

const argv = process.argv.slice(2);
const rowsFlag = argv.indexOf('--rows');
const N = argv.includes('--quick') ? 100_000 : rowsFlag >= 0 ? Number(argv[rowsFlag + 1]) : 1_000_000;
const NREF = 5000;
const NUM = 16;
const CAT = 4;
const dir = '/tmp/cairn-bench-drift';
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

let s = 20261202;
const rnd = () => (s = (Math.imul(s, 48271) >>> 0) % 2147483647) / 2147483647;
const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
const LABELS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
const names = [...Array.from({ length: NUM }, (_, i) => `n${i}`), ...Array.from({ length: CAT }, (_, i) => `c${i}`)];

function write(file, rows, shifted) {
  const fd = openSync(file, 'w');
  let buf = names.join(',') + '\n';
  for (let r = 0; r < rows; r++) {
    const cells = [];
    for (let i = 0; i < NUM; i++) cells.push((i * 3 + normal() * (1 + i / 8) + (shifted && i < 8 ? 0.3 * (1 + i / 8) : 0)).toFixed(4));
    for (let i = 0; i < CAT; i++) {
      const u = rnd();
      const skew = shifted && i === 0 ? 0.6 : 0.3;
      cells.push(LABELS[u < skew ? 0 : 1 + Math.floor(((u - skew) / (1 - skew)) * 4)]);
    }
    buf += cells.join(',') + '\n';
    if (buf.length > 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  }
  writeSync(fd, buf);
  closeSync(fd);
}
write(join(dir, 'ref.csv'), NREF, false);
write(join(dir, 'cur.csv'), N, true);

const py = spawnSync('bash', [join(ROOT, 'scripts', 'evidently-peer.sh')], { encoding: 'utf8' });
if (py.status !== 0) {
  console.error(`bench/drift: no Evidently venv (scripts/evidently-peer.sh failed): ${py.stderr.slice(-500)}`);
  process.exit(1);
}
const PY = py.stdout.trim().split('\n').pop();

const t0 = process.hrtime.bigint();
const c = spawnSync(process.execPath, [CLI, 'monitor', 'drift', '--reference', 'ref.csv', '--current', 'cur.csv', '--json'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
const cairnS = Number(process.hrtime.bigint() - t0) / 1e9;
if (c.status !== 0 && c.status !== 4) throw new Error(`cairn monitor drift failed (${c.status}): ${c.stderr}`);
const rep = JSON.parse(c.stdout);

const spec = {
  numeric: names.slice(0, NUM),
  categorical: names.slice(NUM),
  tests: Object.fromEntries(rep.columns.map((x) => [x.column, x.test])),
  thresholds: Object.fromEntries(rep.columns.map((x) => [x.column, x.threshold])),
};
writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
const t1 = process.hrtime.bigint();
const p = spawnSync(PY, [join(ROOT, 'bench', 'drift-peer.py'), join(dir, 'ref.csv'), join(dir, 'cur.csv'), join(dir, 'spec.json')], { encoding: 'utf8', maxBuffer: 1 << 28 });
const peerS = Number(process.hrtime.bigint() - t1) / 1e9;
if (p.status !== 0) throw new Error(`peer failed: ${p.stderr}`);
const peer = JSON.parse(p.stdout);

let agree = 0;
for (const x of rep.columns) if (peer.columns[x.column]?.drift === x.drift) agree++;
console.log(`drift bench: reference ${NREF} rows, current ${N} rows x ${names.length} columns (${NUM} numeric, ${CAT} categorical)`);
console.log(`  cairn: ${rep.drifted} of ${rep.tested} columns drifted; per-column verdicts agree with Evidently on ${agree} of ${rep.columns.length}`);
console.log(`peer (Evidently ${'DataDriftPreset'}): ${peerS.toFixed(2)} s (after imports: ${peer.seconds.toFixed(2)} s, of which pandas.read_csv ${peer.read_seconds.toFixed(2)} s)`);
console.log(`cairn monitor drift: ${cairnS.toFixed(2)} s`);
console.log(`ratio cairn/peer: ${(cairnS / peerS).toFixed(2)} (vs peer after imports: ${(cairnS / peer.seconds).toFixed(2)})`);
rmSync(dir, { recursive: true, force: true });
