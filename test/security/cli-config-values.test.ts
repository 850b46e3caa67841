// #8.16 (nonsense config values): `lock_timeout: soon`, `core: 5`, `jobs: lots` are refused,
// both when set with `cairn config` (exit 2, nothing written) and when read from a committed
// config (exit 2 naming the file and the key, nothing touched).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, cleanup, git, tempRepo } from '../helpers.js';
import { snapshotRepo } from './cli-helpers.js';

afterEach(cleanup);

describe('config values', () => {
  it.each([
    ['core.lock_timeout', 'soon', /core\.lock_timeout: expected a number/],
    ['remote.s.jobs', 'lots', /remote\.s\.jobs: expected a whole number from 1 to 256, not 'lots'/],
    ['core.hash', 'crc32', /core\.hash/],
    ['core.lock_timout', '5', /unknown config key 'core\.lock_timout' \(did you mean 'core\.lock_timeout'\?\)/],
    ['remote.s.endpiont', 'http://h', /did you mean 'remote\.s\.endpoint'/],
  ])('`cairn config %s %s` exits 2 and writes nothing', async (key, value, re) => {
    const dir = await tempRepo();
    cairn(dir, ['remote', 'add', 's', '/tmp/nowhere']);
    const before = snapshotRepo(dir);
    const r = cairn(dir, ['config', key, value]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re);
    expect(snapshotRepo(dir)).toEqual(before);
  });

  it.each([
    ['core:\n  lock_timeout: soon\n', 'core.lock_timeout'],
    ['core: 5\n', "core: expected a mapping"],
    ['core:\n  hash: xxh64x2\nremote:\n  s:\n    url: /tmp/x\n    jobs: lots\n', 'remote.s.jobs'],
    ['cache:\n  tpye: copy\n', "unknown config key 'cache.tpye' (did you mean 'cache.type'?)"],
  ])('a committed config %j makes add/status/checkout exit 2 naming the file and key, touching nothing', async (yaml, what) => {
    const dir = await tempRepo({ 'f.txt': 'data' });
    expect(cairn(dir, ['add', 'f.txt']).code).toBe(0);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'one');
    writeFileSync(join(dir, '.cairn/config.yaml'), yaml);
    writeFileSync(join(dir, 'g.txt'), 'more');
    const before = snapshotRepo(dir);
    for (const args of [['status'], ['add', 'g.txt'], ['checkout', '--force'], ['push']]) {
      const r = cairn(dir, args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain('.cairn/config.yaml');
      expect(r.stderr, args.join(' ')).toContain(what);
      expect(r.stderr).not.toContain('looks like a bug');
    }
    expect(snapshotRepo(dir)).toEqual(before);
    // the local file is checked too, and named
    writeFileSync(join(dir, '.cairn/config.yaml'), 'core:\n  hash: xxh64x2\n');
    writeFileSync(join(dir, '.cairn/config.local.yaml'), yaml);
    const r = cairn(dir, ['status']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('.cairn/config.local.yaml');
    // and `cairn config` still works on a broken config, to repair it
    expect(readFileSync(join(dir, '.cairn/config.local.yaml'), 'utf8')).toBe(yaml);
    expect(cairn(dir, ['config', '--list']).code).toBe(0);
  });
});
