// bench/registry: a repo with 10,000 registry tags (versions and alias moves, written with
// git fast-import and real cairn records), then `cairn model show NAME@production`,
// `model list` and `model history NAME production` timed (index warm, and cold once), against
// `gto show NAME#production --ref` and `gto show` on the same repo in the same run. Wall time is
// the best of 5; CPU time (user + system) the mean of 10 runs, which a loaded machine moves less.
// BENCH_TAGS=2000 for a quick run; GTO from scripts/gto-peer.sh (skipped when it cannot install).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { best, cairn, CLI, cpu, ROOT, sh, sizeArg, time, timed } from './lib.mjs';

const { toMessage } = await import(join(ROOT, 'dist', 'mlops', 'registry', 'record.js'));

const total = sizeArg('BENCH_TAGS', 10_000);
const base = process.env.BENCH_DIR ?? '/tmp/cairn-bench/registry';
const dir = join(base, `repo-${total}`);
// one big model (half the tags: versions and production/staging moves), the rest spread over 50 models
const mainVersions = Math.floor(total * 0.2);
const mainMoves = Math.floor(total * 0.3);
const others = 50;
const perOther = Math.floor((total - mainVersions - mainMoves) / others);

function build() {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  sh(dir, 'git', ['init', '-q', '-b', 'main']);
  cairn(dir, 'init', '-q');
  const lines = [];
  const t0 = 1_750_000_000;
  let clock = 0;
  const ident = (t) => `bench <b@example.com> ${t0 + t} +0000`;
  const data = (s) => `data ${Buffer.byteLength(s)}\n${s}`;
  const commits = Math.max(mainVersions, perOther);
  for (let i = 1; i <= commits; i++) {
    lines.push('commit refs/heads/main', `mark :${i}`, `committer ${ident(clock++)}`, data(`c${i}`));
    if (i === 1) lines.push('M 644 inline model.bin', data('weights'));
    else lines.push(`from :${i - 1}`, 'M 644 inline model.bin', data(`weights ${i}`));
    lines.push('');
  }
  const rec = (name, v, commitNo) => ({
    name, version: v, commit: null, branch: 'main', author: 'bench <b@example.com>', dirty: false, registered_at: new Date((t0 + clock) * 1000).toISOString(),
    path: 'model.bin', hash: 'xxh64x2', id: '0123456789abcdef0123456789abcdef', size: 7, stage: 'train', cmd: ['python train.py'], run: null,
    data: [{ path: 'data/raw.csv', id: 'fedcba9876543210fedcba9876543210', kind: 'pointer' }], params: { 'train.lr': 0.01 * commitNo, 'train.depth': 6 }, metrics: { accuracy: 0.9, loss: 0.1 },
    eval_set: null, predictions: null, gate: { verdict: 'pass', report_id: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
  });
  const tags = [];
  const addModel = (name, versions, moves) => {
    let n = 0;
    for (let i = 1; i <= versions; i++) tags.push({ tag: `${name}@v1.0.${i}`, commit: i, kind: 'version', name, v: `v1.0.${i}` });
    for (let k = 0; k < moves; k++) {
      const i = 1 + Math.floor((k * versions) / Math.max(1, moves));
      tags.push({ tag: `${name}#${k % 3 === 2 ? 'staging' : 'production'}#${++n}`, commit: i, kind: 'alias', name, v: `v1.0.${i}`, alias: k % 3 === 2 ? 'staging' : 'production' });
    }
  };
  addModel('churn', mainVersions, mainMoves);
  for (let m = 0; m < others; m++) addModel(`model-${m}`, Math.ceil(perOther / 2), Math.floor(perOther / 2));
  // the commit sha of each mark is only known after import: write records after a first pass
  execFileSync('git', ['fast-import', '--quiet', '--export-marks=marks'], { cwd: dir, input: lines.join('\n') });
  const marks = new Map(execFileSync('cat', ['marks'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').map((l) => { const [m, s] = l.split(' '); return [Number(m.slice(1)), s]; }));
  const tl = [];
  for (const t of tags) {
    const at = clock++;
    const sha = marks.get(t.commit);
    const msg = t.kind === 'version'
      ? toMessage('version', { ...rec(t.name, t.v, t.commit), commit: sha })
      : toMessage('alias', { name: t.name, alias: t.alias, version: t.v, reason: `move ${t.tag}`, by: 'bench <b@example.com>', at: new Date((t0 + at) * 1000).toISOString() });
    tl.push(`tag ${t.tag}`, `from ${sha}`, `tagger ${ident(at)}`, data(msg));
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: tl.join('\n'), maxBuffer: 1 << 30 });
  sh(dir, 'git', ['pack-refs', '--all']);
  sh(dir, 'git', ['reset', '-q', '--hard', 'main']);
  return tags.length;
}

if (!existsSync(join(dir, '.made'))) {
  console.log(`writing ${total} registry tags...`);
  const n = build();
  mkdirSync(join(dir, '.made'));
  console.log(`${n} tags`);
}
const tagCount = sh(dir, 'git', ['tag', '-l']).trim().split('\n').length;
const env = { ...process.env, CAIRN_NO_PROGRESS: '1' };
const index = join(dir, '.cairn', 'state', 'registry-index.json');

rmSync(index, { force: true });
const cold = time(process.execPath, [join(ROOT, 'bin', 'cairn.js'), 'model', 'show', 'churn@production', '--json'], { cwd: dir, env });
const cmds = {
  show: ['model', 'show', 'churn@production', '--json'],
  list: ['model', 'list', '--json'],
  hist: ['model', 'history', 'churn', 'production', '--json'],
  // the floor every cairn command pays (Node start-up, command modules): a command that reads nothing
  floor: ['remote', 'list'],
};
const wall = {};
const cpuOf = {};
for (const [k, args] of Object.entries(cmds)) {
  wall[k] = best(5, () => cairn(dir, ...args));
  cpuOf[k] = cpu(10, process.execPath, [CLI, ...args], { cwd: dir, env });
}
const nodeWall = best(5, () => time(process.execPath, ['-e', '0']));
const nodeCpu = cpu(10, process.execPath, ['-e', '0']);
const ms = (s) => (s === null ? '-' : `${(s * 1000).toFixed(0)} ms`);
const show = wall.show;
const list = wall.list;
const out = JSON.parse(execFileSync(process.execPath, [CLI, ...cmds.show], { cwd: dir, env, encoding: 'utf8' }));
console.log(`repo: ${tagCount} tags; churn@production = ${out.version}; load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`cairn model show churn@production: ${ms(show)} wall, ${ms(cpuOf.show)} CPU (cold index: ${ms(cold)})`);
console.log(`cairn model list: ${ms(list)} wall, ${ms(cpuOf.list)} CPU`);
console.log(`cairn model history churn production: ${ms(wall.hist)} wall, ${ms(cpuOf.hist)} CPU`);
console.log(`cairn remote list (start-up floor): ${ms(wall.floor)} wall, ${ms(cpuOf.floor)} CPU`);
console.log(`node -e 0 (Node's own start-up): ${ms(nodeWall)} wall, ${ms(nodeCpu)} CPU`);

const g = spawnSync(join(ROOT, 'scripts', 'gto-peer.sh'), { encoding: 'utf8' });
if (g.status !== 0) {
  console.log(`gto: not installable here, peer skipped (${g.stderr.trim().split('\n').at(-1)})`);
} else {
  const gto = g.stdout.trim();
  const gshow = timed(gto, ['show', 'churn#production', '--ref'], { cwd: dir });
  const glist = timed(gto, ['show'], { cwd: dir });
  const ratio = (a, b) => (a === null || b === null ? '-' : (a / b).toFixed(4));
  console.log(`gto show churn#production --ref: ${ms(gshow.wall)} wall, ${ms(gshow.cpu)} CPU -> ${gshow.stdout.trim()} | cairn/gto ratio ${ratio(show, gshow.wall)} wall, ${ratio(cpuOf.show, gshow.cpu)} CPU`);
  console.log(`gto show (all models): ${ms(glist.wall)} wall, ${ms(glist.cpu)} CPU | cairn model list / gto show ratio ${ratio(list, glist.wall)} wall, ${ratio(cpuOf.list, glist.cpu)} CPU`);
}
