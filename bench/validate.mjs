#!/usr/bin/env node
// bench/validate: `cairn validate` on 1M rows x 12 mixed columns (CSV, and the same table as
// Parquet) with a schema of ~30 checks, against pandera's lazy validation (pandas + pyarrow,
// installed into .cache/venv-pandera/ by scripts/pandera-peer.sh) on the same file and the
// same checks, load time included. Prints wall time, ratio, rows/s and peak RSS of both
// (from /usr/bin/time -v), and the failure counts, which must agree.
// Env: ROWS (default 1000000), RUNS (best of, default 1). Run `npm run build` first.
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT } from './lib.mjs';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 1);
const dir = join(ROOT, '.cache', 'bench-validate');
mkdirSync(dir, { recursive: true });
const csv = join(dir, `t${ROWS}.csv`);
const parquet = join(dir, `t${ROWS}.parquet`);

const SPECIES = ['Adelie', 'Chinstrap', 'Gentoo'];
const ISLANDS = ['Biscoe', 'Dream', 'Torgersen'];
async function makeCsv() {
  if (existsSync(csv)) return;
  const w = createWriteStream(csv);
  w.write('id,species,island,bill_mm,depth_mm,flipper_mm,mass_g,sex,year,email,date,score\n');
  let buf = '';
  for (let i = 1; i <= ROWS; i++) {
    const species = i % 1009 === 0 ? 'Emperor' : SPECIES[i % 3];
    const bill = i % 50 === 0 ? '' : (32 + (i % 27) + (i % 10) / 10).toFixed(1);
    const flipper = i % 997 === 0 ? -1 : 172 + (i % 59);
    const email = i % 2003 === 0 ? `user${i}-at-example.org` : `user${i}@example.org`;
    const sex = i % 31 === 0 ? '' : i % 2 ? 'male' : 'female';
    buf += `${i},${species},${ISLANDS[(i >> 2) % 3]},${bill},${(13 + (i % 8) + (i % 7) / 10).toFixed(1)},${flipper},${2700 + (i % 3600)},${sex},${2007 + (i % 3)},${email},2020-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')},${((i % 1000) / 1000).toFixed(3)}\n`;
    if (buf.length > 1 << 20) {
      if (!w.write(buf)) await new Promise((r) => w.once('drain', r));
      buf = '';
    }
  }
  w.write(buf);
  await new Promise((r) => w.end(r));
}

// ~30 checks; the pandera schema below states the same ones
const SCHEMA = `columns:
  id:         {type: int, min: 1, unique: true}
  species:    {type: category, in: [Adelie, Chinstrap, Gentoo]}
  island:     {type: category, in: [Biscoe, Dream, Torgersen]}
  bill_mm:    {type: float, min: 25, max: 70, nullable: true}
  depth_mm:   {type: float, min: 10, max: 25}
  flipper_mm: {type: int, min: 150, max: 250}
  mass_g:     {type: int, min: 2000, max: 7000}
  sex:        {type: category, in: [male, female], nullable: true}
  year:       {type: int, min: 2007, max: 2009}
  email:      {type: string, regex: '^[^@]+@[^@]+$', length: {max: 40}}
  date:       {type: date, format: YYYY-MM-DD}
  score:      {type: float, min: 0, max: 1, exclusive_max: true}
`;
writeFileSync(join(dir, 'schema.yaml'), SCHEMA);

const PANDERA = `
import sys, pandas as pd, pandera.pandas as pa
from pandera import Check
path = sys.argv[1]
if path.endswith('.parquet'):
    df = pd.read_parquet(path)
else:
    df = pd.read_csv(path, dtype={'date': str, 'sex': str})
schema = pa.DataFrameSchema({
    'id': pa.Column(int, Check.ge(1), unique=True),
    'species': pa.Column(str, Check.isin(['Adelie', 'Chinstrap', 'Gentoo'])),
    'island': pa.Column(str, Check.isin(['Biscoe', 'Dream', 'Torgersen'])),
    'bill_mm': pa.Column(float, [Check.ge(25), Check.le(70)], nullable=True),
    'depth_mm': pa.Column(float, [Check.ge(10), Check.le(25)]),
    'flipper_mm': pa.Column(int, [Check.ge(150), Check.le(250)]),
    'mass_g': pa.Column(int, [Check.ge(2000), Check.le(7000)]),
    'sex': pa.Column(str, Check.isin(['male', 'female']), nullable=True),
    'year': pa.Column(int, [Check.ge(2007), Check.le(2009)]),
    'email': pa.Column(str, [Check.str_matches(r'^[^@]+@[^@]+$'), Check.str_length(max_value=40)]),
    'date': pa.Column(pa.DateTime, coerce=True),
    'score': pa.Column(float, [Check.ge(0), Check.lt(1)]),
})
try:
    schema.validate(df, lazy=True)
    print('failures 0')
except pa.errors.SchemaErrors as e:
    print('failures', len(e.failure_cases))
`;
writeFileSync(join(dir, 'pandera_peer.py'), PANDERA);

function measure(prog, args) {
  let best;
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-v', prog, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, CAIRN_NO_PROGRESS: '1', NO_COLOR: '1' } });
    const s = Number(process.hrtime.bigint() - t) / 1e9;
    if (r.status !== 0 && r.status !== 4 && !/failures/.test(r.stdout)) throw new Error(`${prog} ${args.join(' ')} failed (${r.status}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
    const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024;
    // CPU seconds (user + system): on a shared machine wall time swings with the load, CPU time much less
    const cpu = Number(/User time \(seconds\): ([\d.]+)/.exec(r.stderr)?.[1] ?? 0) + Number(/System time \(seconds\): ([\d.]+)/.exec(r.stderr)?.[1] ?? 0);
    if (!best || s < best.s) best = { s, rss, cpu, out: r.stdout };
  }
  return best;
}

await makeCsv();
const py = execFileSync(join(ROOT, 'scripts', 'pandera-peer.sh'), { encoding: 'utf8' }).trim().split('\n').pop();
if (!existsSync(parquet)) execFileSync(py, ['-c', `import pandas as pd; pd.read_csv(${JSON.stringify(csv)}, dtype={'date': str, 'sex': str}).to_parquet(${JSON.stringify(parquet)}, index=False)`]);
const pver = execFileSync(py, ['-c', 'import pandera, pandas, pyarrow; print(pandera.__version__, pandas.__version__, pyarrow.__version__)'], { encoding: 'utf8' }).trim();
console.log(`validate bench: ${ROWS} rows x 12 columns, ${SCHEMA.match(/\b(type|min|max|in|regex|length|unique|nullable):/g).length} schema keys; pandera/pandas/pyarrow ${pver}; best of ${RUNS}`);
for (const [label, file] of [['CSV', csv], ['Parquet', parquet]]) {
  const c = measure(process.execPath, [CLI, 'validate', file, '--schema', 'schema.yaml', '--json']);
  const report = JSON.parse(c.out);
  const cairnFails = report.failures.reduce((n, f) => n + f.count, 0);
  const p = measure(py, ['pandera_peer.py', file]);
  const pandFails = Number(/failures (\d+)/.exec(p.out)?.[1]);
  console.log(`${label.padEnd(8)} pandera ${p.s.toFixed(2)} s, cpu ${p.cpu.toFixed(2)} s (${Math.round(ROWS / p.s).toLocaleString('en')} rows/s, peak ${Math.round(p.rss)} MB, ${pandFails} failure cases)`);
  console.log(`${''.padEnd(8)} cairn   ${c.s.toFixed(2)} s, cpu ${c.cpu.toFixed(2)} s (${Math.round(ROWS / c.s).toLocaleString('en')} rows/s, peak ${Math.round(c.rss)} MB, ${cairnFails} failing values, ${report.checks.length} checks)`);
  console.log(`${''.padEnd(8)} ratio cairn/pandera ${(c.s / p.s).toFixed(2)} wall, ${(c.cpu / p.cpu).toFixed(2)} cpu (goal <= 1.0), memory ${(c.rss / p.rss).toFixed(2)}`);
}
