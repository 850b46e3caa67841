// GTO (the Python tool whose tag format cairn writes) reads cairn's registry: `gto show` and
// `gto history` see cairn's registrations, alias assignments and deprecations. GTO comes from
// PyPI through scripts/gto-peer.sh; without it the test is skipped with the reason.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, cleanup, gen, git, ROOT, tempDir } from '../helpers.js';

const peer = spawnSync(join(ROOT, 'scripts', 'gto-peer.sh'), { encoding: 'utf8', timeout: 300_000 });
const GTO = peer.status === 0 ? peer.stdout.trim() : undefined;
const why = GTO ? '' : ` (skipped: gto not installable: ${(peer.stderr || String(peer.error ?? '')).trim().split('\n').at(-1)})`;
if (!GTO) console.warn(`registry-gto${why}`);

const gto = (dir: string, ...args: string[]) => {
  const r = spawnSync(GTO!, args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gto ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
// GTO orders events by tag time, which has one-second resolution
const tick = () => spawnSync('sleep', ['1.1']);

afterEach(() => cleanup());

describe.skipIf(!GTO)(`gto reads cairn's registry${why}`, () => {
  it('gto show and gto history see registrations, alias moves and a deprecation', () => {
    const dir = tempDir();
    git(dir, 'init', '-q', '-b', 'main');
    gen(dir, { 'm.cjs': "require('fs').writeFileSync('model.bin', 'w'+require('fs').readFileSync('v.txt','utf8'))", 'v.txt': '1' });
    expect(cairn(dir, ['init']).code).toBe(0);
    expect(cairn(dir, ['stage', 'add', '-n', 'train', '-d', 'm.cjs', '-d', 'v.txt', '-o', 'model.bin', 'node m.cjs']).code).toBe(0);
    expect(cairn(dir, ['repro']).code).toBe(0);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'v1');
    const c1 = git(dir, 'rev-parse', 'HEAD').trim();
    expect(cairn(dir, ['model', 'register', 'clf', '--path', 'model.bin']).code).toBe(0);
    tick();
    expect(cairn(dir, ['model', 'promote', 'clf@v1.0.0', 'production', '--reason', 'first']).code).toBe(0);
    gen(dir, { 'v.txt': '2' });
    expect(cairn(dir, ['repro']).code).toBe(0);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'v2');
    const c2 = git(dir, 'rev-parse', 'HEAD').trim();
    tick();
    expect(cairn(dir, ['model', 'register', 'clf', '--path', 'model.bin', '--bump', 'minor']).code).toBe(0);
    tick();
    expect(cairn(dir, ['model', 'promote', 'clf@v1.1.0', 'production', '--reason', 'better']).code).toBe(0);
    tick();
    expect(cairn(dir, ['model', 'promote', 'clf@v1.0.0', 'staging']).code).toBe(0);

    const show = JSON.parse(gto(dir, 'show', '--json'));
    expect(show.clf).toMatchObject({ version: 'v1.1.0', stage: { production: 'v1.1.0', staging: 'v1.0.0' }, registered: true });
    expect(gto(dir, 'show', 'clf#production', '--ref').trim()).toBe('clf@v1.1.0');
    const versions = JSON.parse(gto(dir, 'show', 'clf', '--json'));
    expect(versions.map((v: { version: string }) => v.version).sort()).toEqual(['v1.0.0', 'v1.1.0']);

    const hist = JSON.parse(gto(dir, 'history', 'clf', '--json')) as { event: string; version: string; stage: string | null; commit: string; ref: string }[];
    const ev = hist.map((h) => [h.event, h.version, h.stage, h.commit, h.ref]).reverse();
    expect(ev).toEqual([
      ['registration', 'v1.0.0', null, c1, 'clf@v1.0.0'],
      ['assignment', 'v1.0.0', 'production', c1, 'clf#production#1'],
      ['registration', 'v1.1.0', null, c2, 'clf@v1.1.0'],
      ['assignment', 'v1.1.0', 'production', c2, 'clf#production#2'],
      ['assignment', 'v1.0.0', 'staging', c1, 'clf#staging#3'],
    ]);
    // cairn's own history agrees with GTO's
    const ours = JSON.parse(cairn(dir, ['model', 'history', 'clf', 'production', '--json']).stdout);
    expect(ours.map((r: { version: string }) => r.version)).toEqual(['v1.0.0', 'v1.1.0']);

    // deprecation in GTO's convention: a deregistration event, and the version drops out of show
    tick();
    expect(cairn(dir, ['model', 'deprecate', 'clf@v1.0.0', '--reason', 'superseded']).code).toBe(0);
    const h2 = JSON.parse(gto(dir, 'history', 'clf', '--json')) as { event: string; version: string; ref: string }[];
    expect(h2[0]).toMatchObject({ event: 'deregistration', version: 'v1.0.0', ref: 'clf@v1.0.0!#4' });
    expect(JSON.parse(gto(dir, 'show', '--json')).clf.stage.staging).toBeUndefined();
  });
});
