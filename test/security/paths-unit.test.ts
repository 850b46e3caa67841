// In-process checks of the two modules every path and every own file passes:
// io/contained.ts (real-path containment) and io/own-file.ts (the reader for cairn's own files).
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CairnError } from '../../src/core/errors.js';
import { joinRepoPath, repoPathProblem } from '../../src/core/paths.js';
import { Containment } from '../../src/io/contained.js';
import { LOCK_KIND, parseOwnJson, parseOwnYaml, PIPELINE_KIND, POINTER_KIND, readOwnText } from '../../src/io/own-file.js';
import { cleanup, tempDir } from '../helpers.js';

afterAll(cleanup);

function thrown(fn: () => unknown): CairnError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CairnError) return e;
    throw e;
  }
  throw new Error('expected a CairnError');
}

describe('core/paths: the pure rule', () => {
  it('accepts ordinary paths and refuses the listed shapes, with the reason', () => {
    for (const ok of ['a', 'a/b.csv', 'data/ü/日本.txt', '.hidden/x', 'x.git', 'git/.gitignore', '.github/workflows/ci.yml', 'a b/c']) expect(repoPathProblem(ok), ok).toBeUndefined();
    const bad: [string, RegExp][] = [
      ['', /empty/], ['.', /root/], ['/etc/passwd', /absolute/], ['C:x', /absolute/], ['a\\b', /backslash/], ['a\nb', /line break/],
      ['a/../b', /'\.\.'/], ['a//b', /empty/], ['./a', /'\.'/], ['.git', /\.git\//], ['x/.GIT/y', /\.git\//], ['.cairn/cache', /\.cairn\//],
      ['x'.repeat(256), /255 bytes/], ['a\0', /NUL/],
    ];
    for (const [p, why] of bad) expect(repoPathProblem(p), JSON.stringify(p)).toMatch(why);
    expect(repoPathProblem('.', { allowRoot: true })).toBeUndefined();
  });

  it('joinRepoPath resolves .. textually and refuses climbing above the root', () => {
    expect(joinRepoPath('sub', '../data')).toBe('data');
    expect(joinRepoPath('.', 'a/./b/')).toBe('a/b');
    expect(joinRepoPath('sub', '..')).toBe('.');
    expect(joinRepoPath('sub', '../..')).toBeUndefined();
    expect(joinRepoPath('.', '/abs')).toBeUndefined();
  });
});

describe('io/contained: Containment', () => {
  const root = tempDir('cairn-guard-');
  const outside = tempDir('cairn-guard-out-');
  mkdirSync(join(root, '.git/hooks'), { recursive: true });
  mkdirSync(join(root, 'real/deep'), { recursive: true });
  writeFileSync(join(root, 'file.txt'), 'x');
  symlinkSync(outside, join(root, 'out'));
  symlinkSync('real/deep', join(root, 'in'));
  symlinkSync('.git/hooks', join(root, 'hooks'));
  symlinkSync('nowhere', join(root, 'dangling'));
  symlinkSync('loop', join(root, 'loop'));
  symlinkSync('real', join(root, 'linkdir'));
  const g = new Containment(root);

  it('allows real folders and in-repo symlinked parents, refuses the rest naming the link', () => {
    g.check('new/folder/file');
    g.check('in/x');
    g.check('real/deep/x');
    g.checkAbs(join(root, 'real/x'));
    const cases: [string, RegExp][] = [
      ['out/x', /'out' is a symlink to .*, outside the repository/],
      ['hooks/pre-commit', /'hooks' is a symlink to '\.git\/hooks'/],
      ['dangling/x', /dangling symlink/],
      ['loop/x', /symlink loop/],
      ['file.txt/x', /'file\.txt' is a file/],
      ['.git/hooks/x', /\.git\//],
    ];
    for (const [p, why] of cases) {
      const e = thrown(() => g.check(p, { source: 'evil.cairn', action: 'write' }));
      expect(e.code).toBe('CAIRN_BAD_PATH');
      expect(e.message, p).toMatch(why);
      expect(e.message).toMatch(/^evil\.cairn: refusing to write /);
    }
    expect(thrown(() => g.checkAbs(join(outside, 'x'))).message).toMatch(/outside the repository/);
  });

  it('checkTarget refuses a symlinked folder and a loop, allows a symlinked or dangling file', () => {
    expect(thrown(() => g.checkTarget('linkdir')).message).toMatch(/symlink to a folder/);
    expect(thrown(() => g.checkTarget('out')).message).toMatch(/symlink to a folder/);
    expect(thrown(() => g.checkTarget('loop')).message).toMatch(/symlink loop/);
    symlinkSync('file.txt', join(root, 'filelink'));
    g.checkTarget('filelink');
    g.checkTarget('dangling');
    g.checkTarget('absent/x');
  });
});

describe('io/own-file: the reader', () => {
  const dir = tempDir('cairn-own-');

  it('reads a small file, returns undefined when absent, refuses symlinks, devices, folders and big files', () => {
    writeFileSync(join(dir, 'p.cairn'), 'outs: []\n');
    expect(readOwnText(join(dir, 'p.cairn'), POINTER_KIND)).toBe('outs: []\n');
    expect(readOwnText(join(dir, 'none.cairn'), POINTER_KIND)).toBeUndefined();
    symlinkSync('/dev/zero', join(dir, 'z.cairn'));
    expect(thrown(() => readOwnText(join(dir, 'z.cairn'), POINTER_KIND, { display: 'z.cairn' })).message).toMatch(/^z\.cairn: is a symlink/);
    expect(thrown(() => readOwnText('/dev/null', POINTER_KIND)).message).toMatch(/not a regular file/);
    mkdirSync(join(dir, 'd.cairn'));
    expect(thrown(() => readOwnText(join(dir, 'd.cairn'), POINTER_KIND)).message).toMatch(/is a folder/);
    writeFileSync(join(dir, 'big.cairn'), Buffer.alloc(2000, 0x20));
    const e = thrown(() => readOwnText(join(dir, 'big.cairn'), POINTER_KIND, { maxBytes: 1000 }));
    expect(e.code).toBe('CAIRN_BAD_POINTER');
    expect(e.message).toMatch(/over the 1000-byte limit/);
    expect(readOwnText(join(dir, 'big.cairn'), POINTER_KIND, { maxBytes: 2000 })).toHaveLength(2000);
  });

  it('with a root, refuses a symlinked folder on the way and a path outside the root', () => {
    mkdirSync(join(dir, 'repo/real'), { recursive: true });
    writeFileSync(join(dir, 'repo/real/params.yaml'), 'a: 1\n');
    symlinkSync('real', join(dir, 'repo/via'));
    const root = join(dir, 'repo');
    expect(readOwnText(join(root, 'real/params.yaml'), PIPELINE_KIND, { root })).toBe('a: 1\n');
    expect(thrown(() => readOwnText(join(root, 'via/params.yaml'), PIPELINE_KIND, { root, display: 'via/params.yaml' })).message).toMatch(/'via' on the way to it is a symlink/);
    expect(thrown(() => readOwnText(join(dir, 'p.cairn'), PIPELINE_KIND, { root })).message).toMatch(/outside the repository/);
  });

  it('YAML: syntax errors, duplicate keys and alias bombs name the file and line; small aliases resolve', () => {
    expect(thrown(() => parseOwnYaml('a: 1\na: 2\n', 'cairn.lock', LOCK_KIND)).message).toMatch(/^cairn\.lock:2: malformed lock file/);
    expect(thrown(() => parseOwnYaml('a: [1\n', 'cairn.lock', LOCK_KIND)).code).toBe('CAIRN_BAD_LOCK');
    const bomb = ['a: &a [x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c]'].join('\n');
    const e = thrown(() => parseOwnYaml(bomb, 'x.cairn', POINTER_KIND));
    expect(e.code).toBe('CAIRN_BAD_POINTER');
    expect(e.message).toMatch(/^x\.cairn:2: YAML aliases expand too far/);
    expect(parseOwnYaml('a: &a {k: 1}\nb: *a\n', 'f', PIPELINE_KIND).value).toEqual({ a: { k: 1 }, b: { k: 1 } });
  });

  it('JSON errors name the file and line', () => {
    const e = thrown(() => parseOwnJson('{\n"a": 1,\n}', 'params.json', LOCK_KIND));
    expect(e.message).toMatch(/^params\.json(:\d+)?: malformed JSON/);
  });
});
