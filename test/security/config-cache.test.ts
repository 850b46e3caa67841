// The parsed-config cache (.cairn/state/config.parsed.json, a start-up saving) is never
// trusted from a clone: a forged cache holding config.yaml's exact text but another tree is
// ignored (its stamp cannot name this checkout's inode and ctime), and a .cairn/state that is
// a symlink is neither read nor written through.
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, cleanup, tempDir, tempRepo } from '../helpers.js';

afterEach(cleanup);

describe('parsed config cache', () => {
  it('a forged cache with the same text and another tree is ignored', async () => {
    const dir = await tempRepo({});
    expect(cairn(dir, ['remote', 'add', '-d', 'good', join(dir, '..', 'good')]).code).toBe(0);
    const cfg = join(dir, '.cairn', 'config.yaml');
    const text = readFileSync(cfg, 'utf8');
    const forged = { stamp: '1:2:3:4:5', text, value: { core: { remote: 'evil' }, remote: { evil: { url: '/tmp/evil' } } } };
    writeFileSync(join(dir, '.cairn', 'state', 'config.parsed.json'), JSON.stringify(forged));
    const r = cairn(dir, ['remote', 'list']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('good');
    expect(r.stdout).not.toContain('evil');
    // and the cache now holds the real tree
    expect(readFileSync(join(dir, '.cairn', 'state', 'config.parsed.json'), 'utf8')).not.toContain('evil');
  });

  it('.cairn/state as a symlink: nothing read or written through it', async () => {
    const dir = await tempRepo({});
    const outside = tempDir();
    rmSync(join(dir, '.cairn', 'state'), { recursive: true, force: true });
    symlinkSync(outside, join(dir, '.cairn', 'state'));
    mkdirSync(join(outside, 'x'));
    const r = cairn(dir, ['remote', 'list']);
    expect(r.code).toBeLessThan(3); // whatever else refuses the symlink, the config cache stays out
    expect(existsSync(join(outside, 'config.parsed.json'))).toBe(false);
  });
});
