// Shared helpers for benchmarks: data generation, timing a command, printing ratios.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, writeSync, closeSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'bin', 'cairn.js');

/** Run a command, return seconds of wall time; throws on non-zero exit. */
export function time(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30, ...opts });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return s;
}

/**
 * CPU seconds (user + system) per run of a command, the mean of n runs: /usr/bin/time over a
 * shell loop of n runs, so its 10 ms resolution is divided by n. On a shared machine the wall
 * time swings with the load, the CPU time much less. Null where /usr/bin/time is missing.
 */
export function cpu(n, cmd, args, opts = {}) {
  if (!existsSync('/usr/bin/time')) return null;
  const loop = 'n=$1; shift; i=0; while [ $i -lt $n ]; do "$@" >/dev/null 2>&1 || exit 1; i=$((i+1)); done';
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', 'sh', '-c', loop, 'sh', String(n), cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const [u, s] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return (u + s) / n;
}

/** One run under /usr/bin/time: {wall, cpu (user + system), stdout} in seconds. */
export function timed(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const [u, s] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: u + s, stdout: r.stdout };
}

/** Best (minimum) of n runs of fn() -> seconds. */
export function best(n, fn) {
  let m = Infinity;
  for (let i = 0; i < n; i++) m = Math.min(m, fn());
  return m;
}

export function cairn(cwd, ...args) {
  return time(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, CAIRN_NO_PROGRESS: '1' } });
}

export function sh(cwd, cmd, args) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' } });
}

/** Fresh dir with `git init` and `cairn init`. */
export function freshRepo(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  sh(dir, 'git', ['init', '-q']);
  cairn(dir, 'init', '-q');
  return dir;
}

/** Deterministic pseudo-random bytes (xorshift), fast enough to make GiBs. */
export function prng(seed) {
  let x = seed >>> 0 || 1;
  return (buf) => {
    const u32 = new Uint32Array(buf.buffer, buf.byteOffset, buf.length >>> 2);
    for (let i = 0; i < u32.length; i++) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      u32[i] = x;
    }
    return buf;
  };
}

/** Write `bytes` of pseudo-random data to `file` (a 64 MiB random block with a varying header per block). */
export function bigFile(file, bytes) {
  if (existsSync(file)) rmSync(file);
  mkdirSync(dirname(file), { recursive: true });
  const block = prng(42)(Buffer.alloc(64 * 1024 * 1024));
  const fd = openSync(file, 'w');
  for (let off = 0, i = 0; off < bytes; off += block.length, i++) {
    block.writeUInt32LE(i, 0);
    writeSync(fd, block, 0, Math.min(block.length, bytes - off));
  }
  closeSync(fd);
}

/** n files of 1-8 KiB in `folders` folders under dir. */
export function manyFiles(dir, n, folders = 100) {
  const fill = prng(7);
  const buf = Buffer.alloc(8192);
  for (let f = 0; f < folders; f++) mkdirSync(join(dir, `d${String(f).padStart(3, '0')}`), { recursive: true });
  for (let i = 0; i < n; i++) {
    fill(buf);
    const size = 1024 + (buf.readUInt32LE(0) % 7169);
    const fd = openSync(join(dir, `d${String(i % folders).padStart(3, '0')}`, `f${i}.bin`), 'w');
    writeSync(fd, buf, 0, size);
    closeSync(fd);
  }
}

export function report(name, peerName, peer, ours, goal) {
  const ratio = ours / peer;
  console.log(`${name}: ${peerName} ${peer.toFixed(3)} s | cairn ${ours.toFixed(3)} s | ratio ${ratio.toFixed(2)}${goal !== undefined ? ` (goal <= ${goal}${ratio <= goal ? ', met' : ', NOT met'})` : ''}`);
  return ratio;
}

export function sizeArg(envName, def) {
  const v = process.env[envName];
  return v ? Number(v) : def;
}

// ---- DVC as a peer (scripts/dvc-peer.sh installs it into .cache/venv-dvc) ------------------

export const DVC = join(ROOT, '.cache', 'venv-dvc', 'bin', 'dvc');
/** DVC's environment: no analytics, its state database (hash memo) in a folder we can wipe */
export function dvcEnv(siteCache) {
  return { ...process.env, DVC_NO_ANALYTICS: '1', DVC_SITE_CACHE_DIR: siteCache, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' };
}

/** true when .cache/venv-dvc holds a working dvc; else prints why the DVC rows are skipped */
export function dvcReady() {
  const ok = existsSync(DVC) && spawnSync(DVC, ['version'], { stdio: 'ignore', env: dvcEnv('/tmp/cairn-bench-dvc-site') }).status === 0;
  if (!ok) console.log('DVC peer skipped: no .cache/venv-dvc (run scripts/dvc-peer.sh)');
  return ok;
}

/** Fresh dir with `git init` and `dvc init`; returns {dir, env} (DVC's site cache under dir/..). */
export function freshDvcRepo(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const env = dvcEnv(`${dir}-site-cache`);
  rmSync(env.DVC_SITE_CACHE_DIR, { recursive: true, force: true });
  sh(dir, 'git', ['init', '-q']);
  timeCpu(DVC, ['init', '-q'], { cwd: dir, env });
  return { dir, env };
}

/** Run a command under /usr/bin/time: {s: wall seconds, cpu: user + system seconds of the
 * command and its children}; throws on a non-zero exit. CPU time is far less disturbed than
 * wall time when the machine is shared. */
export function timeCpu(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30, encoding: 'utf8', ...opts });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { s, cpu: m ? Number(m[1]) + Number(m[2]) : NaN, stdout: r.stdout };
}

/** the run with the least wall time of n runs of fn() -> {s, cpu} */
export function bestRun(n, fn) {
  let b;
  for (let i = 0; i < n; i++) {
    const r = fn();
    if (!b || r.s < b.s) b = r;
  }
  return b;
}

export function cairnCpu(cwd, ...args) {
  return timeCpu(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, CAIRN_NO_PROGRESS: '1' } });
}

/** one line: wall and CPU of DVC and cairn, and the ratios cairn/DVC */
export function reportDvc(name, dvc, ours) {
  console.log(`${name}: dvc ${dvc.s.toFixed(3)} s (cpu ${dvc.cpu.toFixed(2)} s) | cairn ${ours.s.toFixed(3)} s (cpu ${ours.cpu.toFixed(2)} s) | ratio cairn/dvc ${(ours.s / dvc.s).toFixed(2)} wall, ${(ours.cpu / dvc.cpu).toFixed(2)} cpu`);
  return ours.s / dvc.s;
}
