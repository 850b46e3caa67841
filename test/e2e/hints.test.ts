// Hints that work (issue 10 item 9): `git add` hints relative to the current folder, naming
// every file written and omitted when nothing changed; pull of a never-pushed object; add of
// a missing path. Each pasted hint is run, so "works" is checked, not only the wording.
import { execSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, cleanup, gen, git, tempDir, tempRepo } from '../helpers.js';

afterEach(cleanup);

/** the command after "To track the changes with git, run:" (or undefined) */
function gitHint(stdout: string): string | undefined {
  return /\n\t(git add[^\n]*)/.exec(stdout)?.[1];
}

describe('git add hints', () => {
  it('from a subfolder: relative paths that git accepts; nothing on a rerun', async () => {
    const dir = await tempRepo({ 'sub/b.txt': 'b\n' });
    const sub = join(dir, 'sub');
    const a = cairn(sub, ['add', 'b.txt']);
    expect(a.code, a.stderr).toBe(0);
    expect(gitHint(a.stdout)).toBe('git add .gitignore b.txt.cairn');
    execSync(gitHint(a.stdout)!, { cwd: sub });
    expect(git(dir, 'diff', '--cached', '--name-only').trim().split('\n')).toEqual(['sub/.gitignore', 'sub/b.txt.cairn']);
    const again = cairn(sub, ['add', 'b.txt']);
    expect(again.code).toBe(0);
    expect(gitHint(again.stdout)).toBeUndefined();
  });

  it('repro names sub/cairn.lock and the .gitignore it wrote, relative to the current folder; nothing when all is skipped', async () => {
    const dir = await tempRepo({ 'sub/cairn.yaml': 'stages:\n  s:\n    cmd: echo hi > o.txt\n    outs: [o.txt]\n' });
    const root = cairn(dir, ['repro']);
    expect(root.code, root.stderr).toBe(0);
    expect(gitHint(root.stdout)).toBe('git add sub/.gitignore sub/cairn.lock');
    execSync(gitHint(root.stdout)!, { cwd: dir });
    const again = cairn(join(dir, 'sub'), ['repro']);
    expect(again.code).toBe(0);
    expect(gitHint(again.stdout)).toBeUndefined();
    // a changed command rewrites the lock only (the .gitignore already holds the out)
    gen(dir, { 'sub/cairn.yaml': 'stages:\n  s:\n    cmd: echo ho > o.txt\n    outs: [o.txt]\n' });
    const changed = cairn(join(dir, 'sub'), ['repro']);
    expect(gitHint(changed.stdout)).toBe('git add cairn.lock');
  });

  it('init names what it wrote, and nothing the second time; stage add names cairn.yaml', async () => {
    const dir = tempDir();
    git(dir, 'init', '-q');
    const first = cairn(dir, ['init']);
    expect(gitHint(first.stdout)).toBe('git add .cairn/config.yaml .cairn/.gitignore .cairnignore');
    expect(gitHint(cairn(dir, ['init']).stdout)).toBeUndefined();
    mkdirSync(join(dir, 'p'));
    const st = cairn(join(dir, 'p'), ['stage', 'add', '-n', 's', '-o', 'x', 'touch x']);
    expect(st.code, st.stderr).toBe(0);
    expect(gitHint(st.stdout)).toBe('git add cairn.yaml');
  });
});

describe('error hints', () => {
  it('pull of an object the remote never received says to push it, not to pull again', async () => {
    const dir = await tempRepo({ 'a.txt': 'a\n' });
    expect(cairn(dir, ['add', 'a.txt']).code).toBe(0);
    expect(cairn(dir, ['remote', 'add', '-d', '--create', 'st', join(tempDir(), 'remote')]).code).toBe(0);
    rmSync(join(dir, '.cairn', 'cache'), { recursive: true, force: true }); // a fresh clone: only the pointer
    rmSync(join(dir, 'a.txt'));
    const r = cairn(dir, ['pull']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain("a.txt: object");
    expect(r.stderr).toMatch(/hint: the remote never received this object: run `cairn push`/);
    expect(r.stderr).not.toContain('pull` again');
  });

  it('add of a missing path gets a hint', async () => {
    const dir = await tempRepo({});
    const r = cairn(dir, ['add', 'nonexistent']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: 'nonexistent' does not exist");
    expect(r.stderr).toMatch(/^hint: check the path/m);
  });
});
