// .gitignore entries cairn writes for tracked names: git must ignore exactly that name, so
// names with a trailing space, a leading '#' or '!', glob characters or a backslash are
// escaped, and a name holding a line break (which gitignore cannot escape) is refused
// instead of injecting an ignore line. Checked against real git (check-ignore).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ignoreEntryFor } from '../../src/repo/gitignore.js';
import { cleanup, expectOk, expectRefused, expectUnchanged, hostileRepo } from './harness.js';

afterAll(cleanup);

/** true when git ignores `rel` (exit 0 of check-ignore), false when not (exit 1) */
function ignored(root: string, rel: string): boolean {
  const r = spawnSync('git', ['check-ignore', '-q', '--no-index', '--', rel], { cwd: root });
  if (r.status !== 0 && r.status !== 1) throw new Error(`git check-ignore failed: ${r.stderr}`);
  return r.status === 0;
}

describe('.gitignore entries for odd names', () => {
  const names = ['trailing space ', 'two trailing  ', '#hash', '!bang', 'star*', 'q?', '[set]', ' leading', 'ünï cødé', 'a#b!c'];
  // names a badly escaped pattern would also match
  const decoys = ['trailing space', 'two trailing', 'starX', 'qX', 's', 'leading', 'abc', 'hash', 'bang'];

  it('add ignores exactly each name in git, and remove takes exactly its line out', () => {
    const h = hostileRepo();
    h.write(Object.fromEntries([...names.map((n) => [n, 'data\n']), ...decoys.map((d) => [d, 'decoy\n'])]));
    expectOk(h.cairn(['add', ...names]));
    const gi = readFileSync(join(h.root, '.gitignore'), 'utf8');
    expect(gi.split('\n').filter(Boolean)).toHaveLength(names.length);
    for (const n of names) {
      expect(ignored(h.root, n), `${JSON.stringify(n)} ignored; .gitignore: ${JSON.stringify(gi)}`).toBe(true);
      expect(ignored(h.root, `${n}.cairn`), `${n}.cairn`).toBe(false);
    }
    for (const d of decoys) expect(ignored(h.root, d), `decoy ${JSON.stringify(d)} ignored by ${JSON.stringify(gi)}`).toBe(false);
    expectOk(h.cairn(['remove', ...names]));
    // every line went, so the emptied file went too (as DVC)
    expect(existsSync(join(h.root, '.gitignore'))).toBe(false);
  });

  it('a name with a backslash is refused (not portable; manifests read it as a separator)', () => {
    const h = hostileRepo();
    writeFileSync(join(h.root, 'back\\slash'), 'data\n');
    expectRefused(h.cairn(['add', 'back\\slash']), { exit: 2, mentions: ['backslash'] });
  });

  it('a name with a line break is refused before anything is written (no injected ignore line)', () => {
    const h = hostileRepo();
    const name = 'x\n*';
    writeFileSync(join(h.root, name), 'data\n');
    writeFileSync(join(h.root, 'keep.txt'), 'mine\n');
    const before = h.snapshot();
    expectRefused(h.cairn(['add', name]), { exit: 2, mentions: ['line break'] });
    expectUnchanged(before, h.snapshot());
    expect(() => readFileSync(join(h.root, '.gitignore'))).toThrow();
    expect(ignored(h.root, 'keep.txt')).toBe(false);
  });

  it('ignoreEntryFor escapes every trailing space and refuses CR and LF', () => {
    expect(ignoreEntryFor('a  ')).toBe('/a\\ \\ ');
    expect(ignoreEntryFor('#x')).toBe('/\\#x');
    expect(ignoreEntryFor('!x')).toBe('/\\!x');
    expect(ignoreEntryFor('a\\b*')).toBe('/a\\\\b\\*');
    expect(() => ignoreEntryFor('a\rb')).toThrow(/line break/);
    expect(() => ignoreEntryFor('a\nb')).toThrow(/line break/);
  });
});
