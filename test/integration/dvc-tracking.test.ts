// Tracking and checkout behaving as DVC's functional tests pin them down (issue 10, item 3,
// and the checkout line of item 4). Every test spawns the real CLI in a real git repo.
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, cleanup, gen, git, tempDir, tempRepo } from '../helpers.js';

afterEach(cleanup);

const read = (p: string) => readFileSync(p, 'utf8');
const isExec = (p: string) => (statSync(p).mode & 0o111) !== 0;
/** the repo's files outside .git and .cairn, sorted: what a refused command must leave as it was */
const listing = (root: string) => git(root, 'ls-files', '--others', '--cached', '--exclude-standard', '-z').split('\0').filter(Boolean).sort();

function ok(root: string, args: string[]) {
  const r = cairn(root, args);
  expect(r.code, `cairn ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

function commitAll(root: string, msg: string) {
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', msg);
}

describe('the executable bit of a single file', () => {
  it('add records isexec: true and checkout restores it', async () => {
    const root = await tempRepo({ 'run.sh': { content: '#!/bin/sh\necho hi\n', mode: 0o755 }, 'plain.txt': 'x' });
    ok(root, ['add', 'run.sh', 'plain.txt']);
    expect(read(join(root, 'run.sh.cairn'))).toMatch(/\n {4}isexec: true\n/);
    expect(read(join(root, 'plain.txt.cairn'))).not.toContain('isexec');

    // deleted: restored executable
    rmSync(join(root, 'run.sh'));
    ok(root, ['checkout']);
    expect(isExec(join(root, 'run.sh'))).toBe(true);
    expect(read(join(root, 'run.sh'))).toBe('#!/bin/sh\necho hi\n');

    // same content, bit lost: checkout puts it back
    chmodSync(join(root, 'run.sh'), 0o644);
    const c = ok(root, ['checkout', 'run.sh']);
    expect(c.stdout).toContain('restored run.sh');
    expect(isExec(join(root, 'run.sh'))).toBe(true);
    expect(isExec(join(root, 'plain.txt'))).toBe(false);

    // re-adding without the bit records that (the field goes)
    chmodSync(join(root, 'run.sh'), 0o644);
    expect(ok(root, ['add', 'run.sh']).stdout).toContain('added run.sh');
    expect(read(join(root, 'run.sh.cairn'))).not.toContain('isexec');
    // and commit records it again after chmod +x
    chmodSync(join(root, 'run.sh'), 0o755);
    expect(ok(root, ['commit', 'run.sh']).stdout).toContain('committed run.sh');
    expect(read(join(root, 'run.sh.cairn'))).toContain('isexec: true');
  });
});

describe('add refuses, writing nothing', () => {
  it('a folder that is a symlink', async () => {
    const root = await tempRepo({ 'real/a.csv': 'a' });
    symlinkSync('real', join(root, 'linked'));
    const before = listing(root);
    const r = cairn(root, ['add', 'linked']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'linked'");
    expect(r.stderr).toMatch(/symlink to a folder/);
    expect(listing(root)).toEqual(before);
    expect(existsSync(join(root, 'linked.cairn'))).toBe(false);
    expect(existsSync(join(root, '.gitignore'))).toBe(false);
  });

  it('a target whose pointer file git would ignore', async () => {
    const root = await tempRepo({ '.gitignore': 'data/\n', 'data/raw.csv': 'r', 'skip/x.bin': 'x', 'skip/.gitignore': '*.cairn\n', 'fine.csv': 'f' });
    const before = listing(root);
    for (const [target, pointer] of [
      ['data/raw.csv', 'data/raw.csv.cairn'],
      ['skip/x.bin', 'skip/x.bin.cairn'],
    ]) {
      const r = cairn(root, ['add', target!]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`'${target}'`);
      expect(r.stderr).toContain(`${pointer} would be ignored by git`);
      expect(r.stderr).toContain('git check-ignore -v');
      expect(existsSync(join(root, pointer!))).toBe(false);
    }
    // with --json the error is data
    const j = JSON.parse(cairn(root, ['add', 'data/raw.csv', '--json']).stdout);
    expect(j.error).toMatchObject({ code: 'CAIRN_BAD_TARGET', data: { target: 'data/raw.csv', pointerFile: 'data/raw.csv.cairn' } });
    expect(read(join(root, '.gitignore'))).toBe('data/\n');
    expect(read(join(root, 'skip/.gitignore'))).toBe('*.cairn\n');
    expect(existsSync(join(root, 'data/.gitignore'))).toBe(false);
    expect(listing(root)).toEqual(before);
    // nothing was stored either: the one target that is fine adds normally
    ok(root, ['add', 'fine.csv']);
  });

  it('a path that is (or overlaps) a pipeline output', async () => {
    const root = await tempRepo({ 'in.txt': 'in', 'out/model.bin': 'm', 'sub/in2.txt': 'i' });
    ok(root, ['stage', 'add', '-n', 'train', '-d', 'in.txt', '-o', 'out/model.bin', 'mkdir -p out && cp in.txt out/model.bin']);
    // a stage in a sub-folder's cairn.yaml counts too
    ok(join(root, 'sub'), ['stage', 'add', '-n', 'prep', '-d', 'in2.txt', '-o', 'prepared', 'mkdir -p prepared && cp in2.txt prepared/x']);
    mkdirSync(join(root, 'sub/prepared'));
    writeFileSync(join(root, 'sub/prepared/x'), 'i');
    const before = listing(root);
    for (const [target, named] of [
      ['out/model.bin', "'out/model.bin' is an output of stage 'train' (cairn.yaml)"],
      ['out', "'out' overlaps 'out/model.bin', an output of stage 'train' (cairn.yaml)"],
      ['sub/prepared/x', "'sub/prepared/x' overlaps 'sub/prepared', an output of stage 'prep' (sub/cairn.yaml)"],
    ]) {
      const r = cairn(root, ['add', target!]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(named);
      expect(r.stderr).toContain('cairn repro');
    }
    // one bad target among good ones: nothing is written for any of them
    const r = cairn(root, ['add', 'in.txt', 'out/model.bin']);
    expect(r.code).toBe(2);
    expect(existsSync(join(root, 'in.txt.cairn'))).toBe(false);
    expect(listing(root)).toEqual(before);
  });
});

describe('add through a symlink', () => {
  it('replaces the link by a regular tracked file', async () => {
    const root = await tempRepo({ 'raw/real.csv': 'a,b\n1,2\n' });
    symlinkSync('raw/real.csv', join(root, 'link.csv'));
    ok(root, ['add', 'link.csv']);
    const st = lstatSync(join(root, 'link.csv'));
    expect(st.isSymbolicLink()).toBe(false);
    expect(st.isFile()).toBe(true);
    expect(read(join(root, 'link.csv'))).toBe('a,b\n1,2\n');
    // the file it pointed to is untouched, and the two are separate files now
    expect(read(join(root, 'raw/real.csv'))).toBe('a,b\n1,2\n');
    expect(st.ino).not.toBe(statSync(join(root, 'raw/real.csv')).ino);
    expect(ok(root, ['status']).stdout).toContain('Everything is up to date.');
    rmSync(join(root, 'link.csv'));
    ok(root, ['checkout', 'link.csv']);
    expect(lstatSync(join(root, 'link.csv')).isFile()).toBe(true);
    expect(read(join(root, 'link.csv'))).toBe('a,b\n1,2\n');
  });
});

describe('checkout', () => {
  it('recreates a tracked empty folder', async () => {
    const root = await tempRepo();
    mkdirSync(join(root, 'empty'));
    ok(root, ['add', 'empty']);
    expect(read(join(root, 'empty.cairn'))).toContain('nfiles: 0');
    rmSync(join(root, 'empty'), { recursive: true });
    const c = ok(root, ['checkout']);
    expect(c.stdout).toContain('restored empty');
    expect(statSync(join(root, 'empty')).isDirectory()).toBe(true);
    expect(ok(root, ['checkout']).stdout).toContain('Everything is up to date.');
  });

  it('of a path inside a tracked folder restores only that path', async () => {
    const root = await tempRepo({ 'data/sub/file.csv': 'one', 'data/sub/other.csv': 'two', 'data/top.csv': 'three' });
    ok(root, ['add', 'data']);
    rmSync(join(root, 'data/sub/file.csv'));
    rmSync(join(root, 'data/sub/other.csv'));
    writeFileSync(join(root, 'data/top.csv'), 'edited, not in the cache');
    const c = ok(root, ['checkout', 'data/sub/file.csv']);
    expect(c.stdout).toContain('restored data/sub/file.csv (1 written, 0 removed)');
    expect(read(join(root, 'data/sub/file.csv'))).toBe('one');
    expect(existsSync(join(root, 'data/sub/other.csv'))).toBe(false);
    expect(read(join(root, 'data/top.csv'))).toBe('edited, not in the cache');
    // a sub-folder works the same way; status still sees what was left alone
    ok(root, ['checkout', 'data/sub']);
    expect(read(join(root, 'data/sub/other.csv'))).toBe('two');
    const s = JSON.parse(ok(root, ['status', '--json']).stdout);
    expect(s.targets[0]).toMatchObject({ path: 'data', state: 'modified', changes: { added: [], modified: ['top.csv'], deleted: [] } });
    // a path the folder does not hold
    const bad = cairn(root, ['checkout', 'data/nope.csv']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'data/nope.csv' is not part of 'data'");
  });

  it('warns about the untracked files it keeps inside a tracked folder', async () => {
    const root = await tempRepo({ 'data/a.csv': 'a' });
    ok(root, ['add', 'data']);
    writeFileSync(join(root, 'data/mine.txt'), 'not tracked');
    const c = ok(root, ['checkout']);
    expect(c.stderr).toContain('warning: kept data/mine.txt: untracked');
    expect(read(join(root, 'data/mine.txt'))).toBe('not tracked');
    // also when something else is restored, and with -q (a warning is not chatter)
    rmSync(join(root, 'data/a.csv'));
    const q = ok(root, ['-q', 'checkout']);
    expect(q.stderr).toContain('warning: kept data/mine.txt');
    expect(read(join(root, 'data/a.csv'))).toBe('a');
    // --force deletes it, as documented
    ok(root, ['checkout', '--force']);
    expect(existsSync(join(root, 'data/mine.txt'))).toBe(false);
  });

  it('pull gives the same kept-file warnings as checkout', async () => {
    const root = await tempRepo({ 'data/a.csv': 'a' });
    const store = tempDir('cairn-store-');
    ok(root, ['remote', 'add', '-d', 'store', store]);
    ok(root, ['add', 'data']);
    ok(root, ['push']);
    writeFileSync(join(root, 'data/mine.txt'), 'not tracked');
    rmSync(join(root, 'data/a.csv'));
    const p = ok(root, ['-q', 'pull']);
    expect(p.stderr).toContain('warning: kept data/mine.txt: untracked');
    expect(read(join(root, 'data/a.csv'))).toBe('a');
    expect(read(join(root, 'data/mine.txt'))).toBe('not tracked');
  });

  it('after git checkout of a branch without the pointer, removes the data when it is cached and unchanged', async () => {
    const root = await tempRepo({ 'README.md': 'hi' });
    commitAll(root, 'init');
    git(root, 'checkout', '-q', '-b', 'feature');
    gen(root, { 'data/a.csv': 'a', 'data/b.csv': 'b', 'model.bin': 'm1', 'kept.bin': 'k' });
    ok(root, ['add', 'data', 'model.bin', 'kept.bin']);
    commitAll(root, 'track data');

    git(root, 'checkout', '-q', 'main');
    expect(existsSync(join(root, 'data.cairn'))).toBe(false);
    // edited after it was recorded: kept, with a warning
    writeFileSync(join(root, 'kept.bin'), 'k2');
    const c = ok(root, ['checkout']);
    expect(c.stdout).toContain('removed data (no pointer file tracks it any more');
    expect(c.stdout).toContain('removed model.bin');
    expect(c.stderr).toContain('warning: kept kept.bin: no pointer file tracks it any more and it was modified');
    expect(existsSync(join(root, 'data'))).toBe(false);
    expect(existsSync(join(root, 'model.bin'))).toBe(false);
    expect(read(join(root, 'kept.bin'))).toBe('k2');
    expect(git(root, 'status', '--porcelain')).toBe('?? kept.bin\n');
    // warned once: the kept file is plain untracked data now
    expect(ok(root, ['checkout']).stderr).not.toContain('kept.bin');

    // back on the branch, checkout restores what it removed
    rmSync(join(root, 'kept.bin'));
    git(root, 'checkout', '-q', 'feature');
    ok(root, ['checkout']);
    expect(read(join(root, 'data/b.csv'))).toBe('b');
    expect(read(join(root, 'model.bin'))).toBe('m1');
    expect(read(join(root, 'kept.bin'))).toBe('k');
  });

  it('never removes data that `remove` stopped tracking, nor data whose content is not cached', async () => {
    const root = await tempRepo({ 'a.bin': 'a', 'b.bin': 'b' });
    ok(root, ['add', 'a.bin', 'b.bin']);
    ok(root, ['remove', 'a.bin']);
    // b.bin's pointer goes by hand, and its object leaves the cache
    rmSync(join(root, 'b.bin.cairn'));
    const cache = join(root, '.cairn/cache');
    ok(root, ['gc', '-w']);
    expect(existsSync(cache)).toBe(true);
    const c = ok(root, ['checkout']);
    expect(read(join(root, 'a.bin'))).toBe('a');
    expect(read(join(root, 'b.bin'))).toBe('b');
    expect(c.stderr).toContain('warning: kept b.bin: no pointer file tracks it any more and its content is not in the cache');
    expect(c.stderr).not.toContain('a.bin');
  });

  it('of a stage that never ran fails naming the missing output', async () => {
    const root = await tempRepo({ 'in.txt': 'in' });
    ok(root, ['stage', 'add', '-n', 'train', '-d', 'in.txt', '-o', 'model.bin', 'cp in.txt model.bin']);
    for (const target of ['train', 'model.bin', 'cairn.yaml:train']) {
      const r = cairn(root, ['checkout', target]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain("stage 'train' (cairn.yaml) has never run, so no cairn.lock records its output 'model.bin'");
      expect(r.stderr).toContain('cairn repro train');
    }
    const j = JSON.parse(cairn(root, ['checkout', 'train', '--json']).stdout);
    expect(j.error).toMatchObject({ code: 'CAIRN_NOT_FOUND', data: { stage: 'train', outs: ['model.bin'] } });
    // a stage whose outputs git keeps has nothing to check out, and never means "everything"
    gen(root, { 'data.csv': 'd' });
    ok(root, ['add', 'data.csv']);
    rmSync(join(root, 'data.csv'));
    ok(root, ['stage', 'add', '-n', 'report', '-d', 'in.txt', '-O', 'report.txt', 'cp in.txt report.txt']);
    expect(ok(root, ['checkout', 'report']).stdout).toContain('Everything is up to date.');
    expect(existsSync(join(root, 'data.csv'))).toBe(false);
    // once it ran, the stage name checks out its outputs
    ok(root, ['repro', 'train']);
    rmSync(join(root, 'model.bin'));
    expect(ok(root, ['checkout', 'train']).stdout).toContain('restored model.bin');
    expect(read(join(root, 'model.bin'))).toBe('in');
  });
});

describe('re-adding keeps what the user wrote in the pointer', () => {
  const edited = (id: string, size: number) =>
    [
      '# the raw export, refreshed weekly',
      'desc: top-level description',
      'outs:',
      '  - path: raw.csv # the file itself',
      '    hash: xxh64x2',
      `    id: ${id}`,
      `    size: ${size} # bytes`,
      '    desc: raw export',
      '    type: dataset',
      '    labels:',
      '      - weekly',
      '      - pii',
      '    meta:',
      '      owner: data-team',
      '    custom_field: 42',
      '',
    ].join('\n');

  for (const cmd of ['add', 'commit']) {
    it(`by \`${cmd}\`: per-output fields, unknown fields and comments`, async () => {
      const root = await tempRepo({ 'raw.csv': 'v1\n' });
      ok(root, ['add', 'raw.csv']);
      const first = read(join(root, 'raw.csv.cairn'));
      const id1 = /id: (\w+)/.exec(first)![1]!;
      writeFileSync(join(root, 'raw.csv.cairn'), edited(id1, 3));
      writeFileSync(join(root, 'raw.csv'), 'v2 longer\n');
      ok(root, [cmd, 'raw.csv']);
      const text = read(join(root, 'raw.csv.cairn'));
      const id2 = /id: (\w+)/.exec(text)![1]!;
      expect(id2).not.toBe(id1);
      expect(text).toBe(edited(id2, 10));
      expect(ok(root, ['status']).stdout).toContain('Everything is up to date.');
    });
  }
});

describe('remove', () => {
  it('deletes a .gitignore it left empty, and keeps one with other lines', async () => {
    const root = await tempRepo({ 'sub/x.csv': 'x', 'other/y.csv': 'y', 'other/.gitignore': '# mine\n*.tmp\n' });
    ok(root, ['add', 'sub/x.csv', 'other/y.csv']);
    expect(read(join(root, 'sub/.gitignore'))).toBe('/x.csv\n');
    const r = ok(root, ['remove', 'sub/x.csv', 'other/y.csv']);
    expect(existsSync(join(root, 'sub/.gitignore'))).toBe(false);
    expect(read(join(root, 'other/.gitignore'))).toBe('# mine\n*.tmp\n');
    expect(r.stdout).toContain('sub/.gitignore');
    expect(read(join(root, 'sub/x.csv'))).toBe('x');
  });
});
