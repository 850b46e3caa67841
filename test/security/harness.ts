// Shared harness for the security suite: build a hostile repository in a temp dir (a real
// git repo, `cairn init` done by the spawned CLI), snapshot what must never change (a
// sibling 'outside' folder, .git/ and .cairn/cache), run the real CLI as a victim would,
// and assert the exit code, the message naming the file, and that the snapshots still hold.
//
//   const h = hostileRepo();                     // attacker's repo + outside folder + remote
//   h.write({'data.cairn': 'outs: [...]'}); h.link('cfg', h.outside);
//   const before = h.snapshot();
//   const r = h.cairn(['checkout']);
//   expectRefused(r, { exit: 2, mentions: ['data.cairn'] });
//   expectUnchanged(before, h.snapshot());
//
// For "clone + pull": the attacker pushes to a folder remote, commits, and h.victimClone()
// gives a fresh clone whose committed .cairn/config.yaml names that remote.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { cairn as runCli, gen, git as runGit, tempDir, type CliResult } from '../helpers.js';

export { cleanup } from '../helpers.js';
export type { CliResult } from '../helpers.js';

/** path (relative to the snapshot root) → 'dir' | 'file <mode> <sha256>' | 'link -> target' */
export type TreeSnapshot = Map<string, string>;

/** Every entry under dir, without following symlinks. An absent dir is an empty snapshot. */
export function snapshotTree(dir: string): TreeSnapshot {
  const out: TreeSnapshot = new Map();
  const walk = (abs: string, rel: string) => {
    let st;
    try {
      st = lstatSync(abs);
    } catch {
      return;
    }
    if (st.isSymbolicLink()) out.set(rel, `link -> ${readlinkSync(abs)}`);
    else if (st.isDirectory()) {
      out.set(rel, 'dir');
      for (const name of readdirSync(abs).sort()) walk(join(abs, name), rel ? `${rel}/${name}` : name);
    } else if (st.isFile()) {
      out.set(rel, `file ${(st.mode & 0o777).toString(8)} ${createHash('sha256').update(readFileSync(abs)).digest('hex')}`);
    } else out.set(rel, `special ${st.mode.toString(8)}`);
  };
  walk(dir, '');
  return out;
}

/** Differences between two snapshots, one line each ('+ path', '- path', '~ path'). */
export function diffSnapshots(a: TreeSnapshot, b: TreeSnapshot): string[] {
  const d: string[] = [];
  for (const [k, v] of a) {
    if (!b.has(k)) d.push(`- ${k}`);
    else if (b.get(k) !== v) d.push(`~ ${k} (${v} => ${b.get(k)})`);
  }
  for (const k of b.keys()) if (!a.has(k)) d.push(`+ ${k}`);
  return d;
}

/** The trees a hostile repo must never change: outside, .git/ and .cairn/cache (and any extra). */
export interface GuardedSnapshot {
  trees: Record<string, TreeSnapshot>;
}

export interface HostileRepo {
  /** the repository (a git work tree with .cairn/) */
  root: string;
  /** a sibling folder outside the repo that no command may touch */
  outside: string;
  /** a folder remote, configured as the default remote in the committed config */
  remote: string;
  cairn(args: string[], env?: Record<string, string>): CliResult;
  git(...args: string[]): string;
  /** write files relative to the repo root (gen syntax) */
  write(files: Parameters<typeof gen>[1]): void;
  /** create a symlink at rel (relative to the repo root) pointing at target (as given) */
  link(rel: string, target: string): void;
  /** git add -A && git commit */
  commit(msg?: string): void;
  /** snapshot outside, .git/, .cairn/cache and any extra absolute dirs */
  snapshot(extra?: string[]): GuardedSnapshot;
  /** clone this repo (after commit) into a fresh temp dir: the victim's copy, as a HostileRepo sharing outside and remote */
  victimClone(): HostileRepo;
}

function wrap(root: string, outside: string, remote: string): HostileRepo {
  const h: HostileRepo = {
    root,
    outside,
    remote,
    cairn: (args, env = {}) => runCli(root, args, { CAIRN_LOCK_TIMEOUT: '5', ...env }),
    git: (...args) => runGit(root, ...args),
    write: (files) => gen(root, files),
    link: (rel, target) => {
      mkdirSync(join(root, rel, '..'), { recursive: true });
      symlinkSync(target, join(root, rel));
    },
    commit: (msg = 'commit') => {
      runGit(root, 'add', '-A');
      runGit(root, 'commit', '-q', '--allow-empty', '-m', msg);
    },
    snapshot: (extra = []) => {
      const trees: Record<string, TreeSnapshot> = {
        outside: snapshotTree(outside),
        '.git': snapshotTree(join(root, '.git')),
        '.cairn/cache': snapshotTree(join(root, '.cairn', 'cache')),
        remote: snapshotTree(remote),
      };
      for (const x of extra) trees[x] = snapshotTree(x);
      return { trees };
    },
    victimClone: () => {
      const dir = tempDir('cairn-victim-');
      runGit(dir, 'clone', '-q', root, 'repo');
      const v = join(dir, 'repo');
      return wrap(v, outside, remote);
    },
  };
  return h;
}

/**
 * A fresh hostile-repo fixture: `<tmp>/repo` (git init, cairn init, a folder remote as the
 * committed default, one commit), `<tmp>/outside` holding a few files (a `.ssh`-like folder
 * and a precious file), `<tmp>/remote`.
 */
export function hostileRepo(): HostileRepo {
  const base = tempDir('cairn-hostile-');
  const root = join(base, 'repo');
  const outside = join(base, 'outside');
  const remote = join(base, 'remote');
  mkdirSync(root);
  mkdirSync(remote);
  gen(outside, {
    'precious.txt': 'do not touch\n',
    'ssh/authorized_keys': 'ssh-ed25519 AAAA victim@host\n',
    'dir/a.txt': 'outside a\n',
    'dir/sub/b.txt': 'outside b\n',
  });
  runGit(root, 'init', '-q', '-b', 'main');
  const h = wrap(root, outside, remote);
  const init = h.cairn(['init']);
  if (init.code !== 0) throw new Error(`cairn init failed: ${init.stderr}`);
  const add = h.cairn(['remote', 'add', '--default', 'origin', remote]);
  if (add.code !== 0) throw new Error(`cairn remote add failed: ${add.stderr}`);
  h.commit('init');
  return h;
}

/** Assert success (exit 0), showing the output when it fails. */
export function expectOk(r: CliResult): CliResult {
  expect(r.code, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
  return r;
}

/** Assert a refusal: the exit code, every string in `mentions` in stderr, and no bug hint. */
export function expectRefused(r: CliResult, o: { exit: number; mentions?: (string | RegExp)[] }): void {
  const ctx = `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
  expect(r.code, ctx).toBe(o.exit);
  for (const m of o.mentions ?? []) {
    if (typeof m === 'string') expect(r.stderr, ctx).toContain(m);
    else expect(r.stderr, ctx).toMatch(m);
  }
  expect(r.stderr, ctx).not.toContain('looks like a bug');
}

/** Assert that no guarded tree changed between two snapshots. */
export function expectUnchanged(before: GuardedSnapshot, after: GuardedSnapshot): void {
  const changes: string[] = [];
  for (const [name, tree] of Object.entries(before.trees)) {
    for (const d of diffSnapshots(tree, after.trees[name] ?? new Map())) changes.push(`${name}: ${d}`);
  }
  expect(changes).toEqual([]);
}

/** The repo's pointer text for one out (hand-written, as an attacker would commit it). */
export function pointerText(out: { path: string; id: string; size: number; nfiles?: number }, hash = 'xxh64x2'): string {
  return ['outs:', `  - path: ${JSON.stringify(out.path)}`, `    hash: ${hash}`, `    id: ${out.id}`, `    size: ${out.size}`, ...(out.nfiles !== undefined ? [`    nfiles: ${out.nfiles}`] : []), ''].join('\n');
}

/** Parse `id:` and `size:` (and nfiles) out of a pointer file cairn wrote. */
export function readPointerFields(file: string): { id: string; size: number; nfiles?: number } {
  const t = readFileSync(file, 'utf8');
  const id = /\bid: (\S+)/.exec(t)![1]!;
  const size = Number(/\bsize: (\d+)/.exec(t)![1]);
  const nf = /\bnfiles: (\d+)/.exec(t);
  return { id, size, ...(nf ? { nfiles: Number(nf[1]) } : {}) };
}
