// Reading cairn's own files (pointers, cairn.yaml, cairn.lock, params, config): never
// through a symlink, never more than the size cap, never a device or FIFO, and YAML alias
// bombs (or any YAML error) are exit 2 naming the file and line. One reader does all of
// it (src/io/own-file.ts); these cases run the real CLI as a victim would.
import { execFileSync } from 'node:child_process';
import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, expectOk, expectRefused, expectUnchanged, hostileRepo, type HostileRepo } from './harness.js';

afterAll(cleanup);

/** A billion-laughs document: 9 levels of 9 aliases each. */
function aliasBomb(top: string): string {
  const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i <= 9; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
  lines.push(`${top}: *a9`);
  return lines.join('\n') + '\n';
}

let shared: HostileRepo | undefined;
const repo = () => (shared ??= hostileRepo());

describe('symlinks and special files in place of cairn files', () => {
  it.each([
    ['a pointer linked to /dev/zero', 'zero.cairn', '/dev/zero'],
    ['a pointer linked to /dev/urandom', 'rand.cairn', '/dev/urandom'],
    ['a pointer linked to a file outside', 'secret.cairn', 'OUTSIDE/ssh/authorized_keys'],
  ])('%s is refused without reading it', (_what, name, target) => {
    const a = repo();
    const t = target.replace('OUTSIDE', a.outside);
    symlinkSync(t, join(a.root, name));
    try {
      const before = a.snapshot();
      for (const args of [['status'], ['checkout'], ['pull'], ['push']]) {
        expectRefused(a.cairn(args), { exit: 2, mentions: [name, 'is a symlink'] });
        expectUnchanged(before, a.snapshot());
      }
    } finally {
      execFileSync('rm', ['-f', join(a.root, name)]);
    }
  });

  it('cairn.yaml, cairn.lock and params.yaml linked elsewhere are refused, naming them', () => {
    const a = repo();
    const cases: [string, string[]][] = [
      ['cairn.yaml', ['repro']],
      ['cairn.lock', ['checkout']],
    ];
    for (const [name, args] of cases) {
      symlinkSync('/dev/zero', join(a.root, name));
      expectRefused(a.cairn(args), { exit: 2, mentions: [name, 'is a symlink'] });
      execFileSync('rm', ['-f', join(a.root, name)]);
    }
    a.write({ 'cairn.yaml': 'stages:\n  s:\n    cmd: echo ${lr}\n' });
    symlinkSync(join(a.outside, 'precious.txt'), join(a.root, 'params.yaml'));
    expectRefused(a.cairn(['repro', '--dry']), { exit: 2, mentions: ['params.yaml', 'is a symlink'] });
    execFileSync('rm', ['-f', join(a.root, 'params.yaml'), join(a.root, 'cairn.yaml')]);
  });

  it('a params file behind a symlinked folder is refused', () => {
    const a = repo();
    a.link('conf', join(a.outside, 'dir'));
    a.write({ 'cairn.yaml': 'vars:\n  - conf/a.txt\nstages:\n  s:\n    cmd: echo hi\n' });
    expectRefused(a.cairn(['repro', '--dry']), { exit: 2, mentions: ['conf/a.txt', "'conf'", 'symlink'] });
    execFileSync('rm', ['-f', join(a.root, 'conf'), join(a.root, 'cairn.yaml')]);
  });

  it('a stage-level vars file outside the repo, or behind a symlinked folder, is refused', () => {
    const a = repo();
    a.write({ 'cairn.yaml': 'stages:\n  s:\n    vars:\n      - ../../etc/passwd\n    cmd: echo hi\n' });
    expectRefused(a.cairn(['repro', '--dry']), { exit: 2, mentions: ['cairn.yaml', 'stages.s.vars'] });
    a.link('conf', join(a.outside, 'dir'));
    a.write({ 'cairn.yaml': 'stages:\n  s:\n    vars:\n      - conf/a.txt\n    cmd: echo hi\n' });
    expectRefused(a.cairn(['repro', '--dry']), { exit: 2, mentions: ['conf/a.txt', 'symlink'] });
    execFileSync('rm', ['-f', join(a.root, 'conf'), join(a.root, 'cairn.yaml')]);
  });

  it('a committed config linked to /dev/zero, and a FIFO params file, do not hang', () => {
    const a = hostileRepo();
    a.write({ 'cairn.yaml': 'stages:\n  s:\n    cmd: echo hi\n' });
    execFileSync('mkfifo', [join(a.root, 'params.yaml')]);
    expectRefused(a.cairn(['repro', '--dry']), { exit: 2, mentions: ['params.yaml', 'not a regular file'] });
    execFileSync('rm', ['-f', join(a.root, 'params.yaml')]);
    // a FIFO named like a pointer is not a pointer file (only files and symlinks are): ignored, no hang
    execFileSync('mkfifo', [join(a.root, 'fifo.cairn')]);
    expectOk(a.cairn(['status']));
    execFileSync('rm', ['-f', join(a.root, 'fifo.cairn'), join(a.root, 'params.yaml'), join(a.root, 'cairn.yaml')]);
    execFileSync('rm', ['-f', join(a.root, '.cairn/config.yaml')]);
    symlinkSync('/dev/zero', join(a.root, '.cairn/config.yaml'));
    expectRefused(a.cairn(['status']), { exit: 2, mentions: ['config.yaml', 'is a symlink'] });
  });

  it('a .cairnignore linked to /dev/zero is refused, naming it', () => {
    const a = repo();
    a.write({ 'ign/a.txt': 'a\n' });
    execFileSync('rm', ['-f', join(a.root, '.cairnignore')]);
    symlinkSync('/dev/zero', join(a.root, '.cairnignore'));
    expectRefused(a.cairn(['add', 'ign']), { exit: 2, mentions: ['.cairnignore', 'is a symlink'] });
    execFileSync('rm', ['-f', join(a.root, '.cairnignore')]);
  });

  it('a pointer over the size cap is refused, naming it', () => {
    const a = repo();
    writeFileSync(join(a.root, 'huge.cairn'), Buffer.alloc(17 * 1024 * 1024, 0x20));
    expectRefused(a.cairn(['status']), { exit: 2, mentions: ['huge.cairn', 'limit'] });
    execFileSync('rm', ['-f', join(a.root, 'huge.cairn')]);
  });
});

describe('a corrupt repo lock', () => {
  it.each([
    ['garbage', 'pid NaN\nwhatever\n'],
    ['a pid with junk', '12abc\n'],
    ['binary', '\u0000\u0001\u0002'],
  ])('holding %s is taken over like a dead holder\'s lock, not waited on', (_what, text) => {
    const a = repo();
    a.write({ 'x.txt': 'x\n' });
    writeFileSync(join(a.root, '.cairn/tmp/lock'), text);
    // a lock timeout shorter than the grace an empty lock gets: only a takeover passes
    expectOk(a.cairn(['add', 'x.txt'], { CAIRN_LOCK_TIMEOUT: '2' }));
    expect(existsSync(join(a.root, '.cairn/tmp/lock'))).toBe(false);
  });

  it('a folder standing where the lock file belongs is taken over too', () => {
    const a = repo();
    execFileSync('mkdir', ['-p', join(a.root, '.cairn/tmp/lock/inner')]);
    expectOk(a.cairn(['status'], { CAIRN_LOCK_TIMEOUT: '2' }));
    expectOk(a.cairn(['add', 'x.txt'], { CAIRN_LOCK_TIMEOUT: '2' }));
  });
});

describe('YAML alias bombs and malformed YAML', () => {
  it.each([
    ['a pointer', 'bomb.cairn', ['status']],
    ['cairn.lock', 'cairn.lock', ['checkout']],
    ['cairn.yaml', 'cairn.yaml', ['repro', '--dry']],
    ['params.yaml', 'params.yaml', ['repro', '--dry']],
    ['the committed config', '.cairn/config.yaml', ['status']],
    ['the local config', '.cairn/config.local.yaml', ['status']],
  ])('an alias bomb in %s is exit 2 naming the file and line', (_what, file, args) => {
    const a = hostileRepo();
    // params.yaml only matters beside a pipeline
    if (file === 'params.yaml') a.write({ 'cairn.yaml': 'stages:\n  s:\n    cmd: echo hi\n' });
    a.write({ [file]: aliasBomb(file.endsWith('.cairn') ? 'outs' : file === 'cairn.lock' || file === 'cairn.yaml' ? 'stages' : 'x') });
    const before = a.snapshot();
    expectRefused(a.cairn(args as string[]), { exit: 2, mentions: [new RegExp(`${file.replace(/\./g, '\\.')}:\\d+: .*alias`)] });
    expectUnchanged(before, a.snapshot());
  });

  it.each([
    ['a pointer', 'x.cairn', 'outs:\n  - path: a\n    path: b\n', ['status'], 'x.cairn:3'],
    ['cairn.lock', 'cairn.lock', "schema: '1'\nstages:\n  s: [\n", ['checkout'], 'cairn.lock:'],
    ['cairn.lock with merge-conflict markers', 'cairn.lock', "schema: '1'\n<<<<<<< HEAD\nstages: {}\n=======\nstages: {}\n>>>>>>> b\n", ['checkout'], 'cairn.lock:'],
    ['params.json', 'params.json', '{"lr": 0.1,,}', ['repro', '--dry'], 'params.json'],
  ])('malformed %s is exit 2 naming it', (_what, file, text, args, mention) => {
    const a = repo();
    if (file === 'params.json') a.write({ 'cairn.yaml': 'stages:\n  s:\n    cmd: echo hi\n    params:\n      - params.json:\n          - lr\n' });
    a.write({ [file]: text as string });
    expectRefused(a.cairn(args as string[]), { exit: 2, mentions: [mention as string] });
    execFileSync('rm', ['-f', join(a.root, file), join(a.root, 'cairn.yaml')]);
  });

  it('ordinary anchors and aliases in cairn.yaml still work', () => {
    const a = repo();
    a.write({ 'in.txt': 'x\n', 'cairn.yaml': 'stages:\n  s:\n    cmd: cp in.txt out.txt\n    deps: &d\n      - in.txt\n    outs:\n      - out.txt\n  t:\n    cmd: cp in.txt t.txt\n    deps: *d\n    outs:\n      - t.txt\n' });
    expectOk(a.cairn(['repro']));
    expect(existsSync(join(a.root, 't.txt'))).toBe(true);
  });
});
