#!/usr/bin/env node
// bench/repro-noop: second `cairn repro` (nothing to do) on a 50-stage chain and a 200-stage
// foreach fan-out over small files, and the overhead per executed stage (cmd `true`).
// Peers: GNU make on the same graphs, and DVC (scripts/dvc-peer.sh; the same stages in a
// dvc.yaml, its no-op `dvc repro`, wall and CPU time). One run each; run `npm run build` first.
// Sizes: CHAIN=50 FANOUT=200 TRUE_STAGES=50 (env) ; data lives under /tmp.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DVC, dvcReady, freshDvcRepo, reportDvc, timeCpu, cairnCpu } from './lib.mjs';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'cairn.js');
const CHAIN = Number(process.env.CHAIN ?? 50);
const FANOUT = Number(process.env.FANOUT ?? 200);
const TRUE_STAGES = Number(process.env.TRUE_STAGES ?? 50);
const base = mkdtempSync(join(tmpdir(), 'cairn-bench-repro-'));

function timed(cwd, prog, args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(prog, args, { cwd, encoding: 'utf8', env: { ...process.env, CAIRN_NO_PROGRESS: '1' } });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${prog} ${args.join(' ')} failed in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  return ms;
}
const cairn = (cwd, ...a) => timed(cwd, process.execPath, [CLI, ...a]);
const make = (cwd, ...a) => timed(cwd, 'make', ['-s', ...a]);

function project(name, files) {
  const dir = join(base, name);
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  execFileSync(process.execPath, [CLI, 'init'], { cwd: dir });
  return dir;
}

const withDvc = dvcReady();
/** the same project for DVC: cairn.yaml becomes dvc.yaml; returns {dir, env} */
function dvcProject(name, files) {
  const d = freshDvcRepo(join(base, `dvc-${name}`));
  for (const [p, c] of Object.entries(files)) {
    const q = p === 'cairn.yaml' ? 'dvc.yaml' : p;
    mkdirSync(dirname(join(d.dir, q)), { recursive: true });
    writeFileSync(join(d.dir, q), c);
  }
  // cairn creates the parent folder of an out before the stage runs; DVC does not
  for (const o of ['d', 'out']) mkdirSync(join(d.dir, o), { recursive: true });
  return d;
}
const dvc = (d, ...a) => timeCpu(DVC, a, { cwd: d.dir, env: d.env });

function row(label, peer, ours, unit = 'ms') {
  console.log(`${label.padEnd(46)} make ${peer.toFixed(2).padStart(8)} ${unit}   cairn ${ours.toFixed(2).padStart(8)} ${unit}   ratio ${(ours / peer).toFixed(2)}`);
}

// 1. chain: s0 <- in.txt, s_i <- s_{i-1}
{
  let y = 'stages:\n';
  let mk = `all: d/s${CHAIN - 1}.txt\n`;
  for (let i = 0; i < CHAIN; i++) {
    const dep = i === 0 ? 'in.txt' : `d/s${i - 1}.txt`;
    y += `  s${i}:\n    cmd: cp ${dep} d/s${i}.txt\n    deps: [${dep}]\n    outs: [d/s${i}.txt]\n`;
    mk += `d/s${i}.txt: ${dep}\n\tmkdir -p d && cp ${dep} d/s${i}.txt\n`;
  }
  const dir = project('chain', { 'cairn.yaml': y, 'Makefile': mk, 'in.txt': 'hello\n' });
  cairn(dir, 'repro');
  make(dir);
  const ours = cairn(dir, 'repro');
  const peer = make(dir);
  row(`chain of ${CHAIN}: second repro, nothing to do`, peer, ours);
  row(`chain of ${CHAIN}: per stage`, peer / CHAIN, ours / CHAIN);
  if (withDvc) {
    const d = dvcProject('chain', { 'cairn.yaml': y, 'in.txt': 'hello\n' });
    dvc(d, 'repro', '-q');
    reportDvc(`chain of ${CHAIN}: second repro, nothing to do`, dvc(d, 'repro', '-q'), cairnCpu(dir, 'repro'));
  }
}

// 2. fan-out: foreach over FANOUT small input files
{
  const files = { 'params.yaml': `items: [${Array.from({ length: FANOUT }, (_, i) => i).join(', ')}]\n` };
  let mk = 'all:';
  for (let i = 0; i < FANOUT; i++) {
    files[`in/${i}.txt`] = `item ${i}\n`;
    mk += ` out/${i}.txt`;
  }
  mk += '\nout/%.txt: in/%.txt\n\tmkdir -p out && cp $< $@\n';
  files['Makefile'] = mk;
  files['cairn.yaml'] = 'stages:\n  copy:\n    foreach: ${items}\n    do:\n      cmd: cp in/${item}.txt out/${item}.txt\n      deps:\n        - in/${item}.txt\n      outs:\n        - out/${item}.txt\n';
  const dir = project('fanout', files);
  cairn(dir, 'repro', '--jobs', '2');
  make(dir);
  const ours = cairn(dir, 'repro');
  const peer = make(dir);
  row(`foreach fan-out of ${FANOUT}: second repro`, peer, ours);
  row(`foreach fan-out of ${FANOUT}: per stage`, peer / FANOUT, ours / FANOUT);
  if (withDvc) {
    const d = dvcProject('fanout', files);
    dvc(d, 'repro', '-q');
    reportDvc(`foreach fan-out of ${FANOUT}: second repro`, dvc(d, 'repro', '-q'), cairnCpu(dir, 'repro'));
  }
}

// 3. overhead per executed stage: TRUE_STAGES independent stages whose cmd is `true`
{
  let y = 'stages:\n';
  let mk = '.PHONY: all';
  let all = '\nall:';
  let rules = '';
  for (let i = 0; i < TRUE_STAGES; i++) {
    y += `  t${i}:\n    cmd: 'true'\n`;
    mk += ` t${i}`;
    all += ` t${i}`;
    rules += `t${i}:\n\ttrue\n`;
  }
  const dir = project('true', { 'cairn.yaml': y, 'Makefile': mk + all + '\n' + rules });
  cairn(dir, 'repro');
  const noop = cairn(dir, 'repro');
  const forced = cairn(dir, 'repro', '--force', '--no-run-cache');
  const peer = make(dir);
  row(`${TRUE_STAGES} stages of \`true\`: overhead per executed stage`, peer / TRUE_STAGES, (forced - noop) / TRUE_STAGES);
  console.log(`  (cairn: forced repro ${forced.toFixed(0)} ms, no-op repro ${noop.toFixed(0)} ms; make runs ${TRUE_STAGES} \`true\` recipes)`);
  if (withDvc) {
    const d = dvcProject('true', { 'cairn.yaml': y });
    dvc(d, 'repro', '-q');
    const dn = dvc(d, 'repro', '-q');
    const df = dvc(d, 'repro', '-q', '--force', '--no-run-cache');
    const cn = cairnCpu(dir, 'repro');
    const cf = cairnCpu(dir, 'repro', '--force', '--no-run-cache');
    reportDvc(`${TRUE_STAGES} stages of \`true\`: no-op repro`, dn, cn);
    reportDvc(`${TRUE_STAGES} stages of \`true\`: forced repro`, df, cf);
    console.log(`  per executed stage: dvc ${(((df.s - dn.s) / TRUE_STAGES) * 1000).toFixed(1)} ms, cairn ${(((cf.s - cn.s) / TRUE_STAGES) * 1000).toFixed(1)} ms`);
  }
}
rmSync(base, { recursive: true, force: true });
