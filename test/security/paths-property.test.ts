// Property-style check of the containment rule: random pointer and lock paths (dots,
// slashes, '..', unicode, reserved names, long names) in a sandbox full of symlinked
// parents (to outside, into .git/ and .cairn/, inside the repo, to a file, dangling, a
// loop). Whatever is generated, a path the parsers and the guard accept is really written
// (mkdir -p + atomic write, as checkout does), and afterwards nothing outside the repo,
// in .git/ or in .cairn/ has changed. A seeded generator keeps failures reproducible.
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CairnError } from '../../src/core/errors.js';
import { joinRepoPath, repoPathProblem } from '../../src/core/paths.js';
import { writeFileAtomic } from '../../src/io/atomic.js';
import { Containment } from '../../src/io/contained.js';
import { lockEntryPath } from '../../src/repo/lockfile.js';
import { parsePointer } from '../../src/repo/pointer.js';
import { cleanup } from './harness.js';
import { diffSnapshots, snapshotTree } from './harness.js';
import { tempDir } from '../helpers.js';

afterAll(cleanup);

/** mulberry32: a small seeded PRNG */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEGMENTS = [
  '.', '..', '', '.git', '.GIT', '.Git', '.cairn', '.CAIRN', 'cache', 'hooks', 'a', 'b', 'data', 'ü', '日本', 'x y', ' ', 'trail ', '#c', '!n',
  'to-outside', 'to-git', 'to-cairn', 'to-inside', 'to-file', 'dangling', 'loop', 'chain', 'plain.txt', 'sub', 'x.cairn', '...', '.hidden',
  'a\\b', 'nl\nx', 'nul\0', 'C:', 'x'.repeat(256),
];

function genPath(r: () => number): string {
  const n = 1 + Math.floor(r() * 5);
  const segs: string[] = [];
  for (let i = 0; i < n; i++) segs.push(SEGMENTS[Math.floor(r() * SEGMENTS.length)]!);
  let p = segs.join('/');
  if (r() < 0.05) p = '/' + p;
  if (r() < 0.05) p = p + '/';
  return p;
}

/** A repo-shaped sandbox: root/.git, root/.cairn/cache, an outside sibling, and symlinks of every kind. */
function sandbox(): { root: string; outside: string } {
  const base = tempDir('cairn-prop-');
  const root = join(base, 'repo');
  const outside = join(base, 'outside');
  for (const d of ['.git/hooks', '.cairn/cache/xxh64x2', 'sub', 'inside/deep']) mkdirSync(join(root, d), { recursive: true });
  mkdirSync(join(outside, 'dir'), { recursive: true });
  writeFileSync(join(outside, 'precious.txt'), 'x');
  writeFileSync(join(root, '.git/HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(root, 'plain.txt'), 'a file');
  symlinkSync(join(outside, 'dir'), join(root, 'to-outside'));
  symlinkSync('.git', join(root, 'to-git'));
  symlinkSync('.cairn/cache', join(root, 'to-cairn'));
  symlinkSync('inside/deep', join(root, 'to-inside'));
  symlinkSync('plain.txt', join(root, 'to-file'));
  symlinkSync('nowhere', join(root, 'dangling'));
  symlinkSync('loop', join(root, 'loop'));
  symlinkSync('to-outside', join(root, 'chain'));
  symlinkSync('../to-git', join(root, 'sub/up-to-git'));
  return { root, outside };
}

describe('containment property', () => {
  it('no accepted pointer or lock path ever writes outside, into .git/ or into .cairn/', () => {
    const { root, outside } = sandbox();
    const realRoot = realpathSync(root);
    const guarded = () => ({ outside: snapshotTree(outside), git: snapshotTree(join(root, '.git')), cairn: snapshotTree(join(root, '.cairn')) });
    const before = guarded();
    const guard = new Containment(root);
    // CAIRN_PROP_SEED=<n> replays another sequence (a failure message names the step)
    const r = rng(Number(process.env.CAIRN_PROP_SEED ?? 0x5eed));
    let written = 0;
    let refused = 0;
    const dirs = ['.', 'sub', 'inside', 'to-inside', 'a/b'];
    for (let i = 0; i < 1500; i++) {
      const p = genPath(r);
      const pointerDir = dirs[Math.floor(r() * dirs.length)]!;
      const viaLock = r() < 0.5;
      let rel: string | undefined;
      try {
        if (viaLock) {
          const lp = lockEntryPath(pointerDir, p);
          if (lp.why) throw new CairnError('CAIRN_BAD_PATH', lp.why);
          rel = lp.path!;
        } else {
          const ptr = parsePointer(`outs:\n  - path: ${JSON.stringify(p)}\n    hash: xxh64x2\n    id: ${'0'.repeat(32)}\n    size: 1\n`, 'p.cairn');
          rel = joinRepoPath(pointerDir, ptr.outs[0]!.path);
          // the pointer rule alone keeps a path under a safe folder inside and clear of reserved names
          expect(rel, `pointer path ${JSON.stringify(p)} in ${pointerDir}`).toBeDefined();
          expect(repoPathProblem(rel!), `pointer path ${JSON.stringify(p)} in ${pointerDir} → ${rel}`).toBeUndefined();
        }
        guard.check(rel!, { action: 'write' });
      } catch (e) {
        expect(e, `seed step ${i}: ${JSON.stringify(p)}`).toBeInstanceOf(CairnError);
        expect(['CAIRN_BAD_PATH', 'CAIRN_BAD_POINTER', 'CAIRN_BAD_LOCK']).toContain((e as CairnError).code);
        refused++;
        continue;
      }
      // accepted: do what checkout does, for real (a real filesystem error here is fine: it is not an escape)
      const abs = join(root, rel!);
      try {
        mkdirSync(dirname(abs), { recursive: true });
        writeFileAtomic(abs, `step ${i}\n`);
        written++;
        const real = realpathSync(abs);
        const inRepo = relative(realRoot, real);
        expect(inRepo === '..' || inRepo.startsWith('../') || inRepo.startsWith('/'), `${rel} landed at ${real}`).toBe(false);
        expect(/^\.(git|cairn)(\/|$)/i.test(inRepo), `${rel} landed at ${real}`).toBe(false);
      } catch (e) {
        if (e instanceof CairnError || (e as NodeJS.ErrnoException).code) continue;
        throw e;
      }
    }
    const after = guarded();
    expect(diffSnapshots(before.outside, after.outside)).toEqual([]);
    expect(diffSnapshots(before.git, after.git)).toEqual([]);
    expect(diffSnapshots(before.cairn, after.cairn)).toEqual([]);
    // the generator exercises both sides of the rule
    expect(written).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(500);
  });

  it('the pure rule agrees with a direct reading of it on random strings', () => {
    const r = rng(42);
    for (let i = 0; i < 5000; i++) {
      const p = genPath(r);
      const why = repoPathProblem(p);
      const segs = p.split('/');
      const expectBad =
        p === '' || p === '.' || p.startsWith('/') || /^[a-zA-Z]:/.test(p) || /[\\\0\r\n]/.test(p) ||
        segs.some((s) => s === '' || s === '.' || s === '..' || /^\.(git|cairn)$/i.test(s) || Buffer.byteLength(s) > 255);
      expect(why !== undefined, `${JSON.stringify(p)}: ${why}`).toBe(expectBad);
    }
  });
});
