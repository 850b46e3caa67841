// checkout and pull restore pipeline outputs recorded in cairn.lock, like pointer-tracked data.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cairn, cleanup, git, tempDir, tempRepo } from '../helpers.js';

afterEach(cleanup);

describe('pipeline outputs in checkout and pull', () => {
  it('checkout restores a deleted stage output; a missing object is skipped with exit 1', async () => {
    const root = await tempRepo({ 'in.txt': 'hi\n' });
    expect(cairn(root, ['stage', 'add', '-n', 's', '-d', 'in.txt', '-o', 'outdir', 'mkdir -p outdir && cp in.txt outdir/a && echo b > outdir/b']).code).toBe(0);
    expect(cairn(root, ['repro']).code).toBe(0);
    rmSync(join(root, 'outdir'), { recursive: true });
    const r = cairn(root, ['checkout']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('restored outdir');
    expect(readFileSync(join(root, 'outdir/a'), 'utf8')).toBe('hi\n');
    expect(cairn(root, ['status', '--exit-code']).code).toBe(0);

    rmSync(join(root, 'outdir'), { recursive: true });
    rmSync(join(root, '.cairn/cache/xxh64x2'), { recursive: true });
    const miss = cairn(root, ['checkout']);
    expect(miss.code).toBe(1);
    expect(miss.stderr).toContain('outdir (cairn.lock:s) is not in the cache');
  });

  it('pull into a fresh clone restores pointer data and stage outputs', async () => {
    const root = await tempRepo({ 'in.txt': 'hi\n', 'raw/x.csv': 'a,b\n' });
    expect(cairn(root, ['add', 'raw']).code).toBe(0);
    expect(cairn(root, ['stage', 'add', '-n', 's', '-d', 'in.txt', '-d', 'raw', '-o', 'model.bin', 'cat in.txt raw/x.csv > model.bin']).code).toBe(0);
    expect(cairn(root, ['repro']).code).toBe(0);
    const remote = tempDir('cairn-remote-');
    expect(cairn(root, ['remote', 'add', '-d', 'store', remote]).code).toBe(0);
    expect(cairn(root, ['push']).code).toBe(0);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'pipeline');

    const clone = join(tempDir(), 'clone');
    git(root, 'clone', '-q', root, clone);
    expect(existsSync(join(clone, 'model.bin'))).toBe(false);
    const r = cairn(clone, ['pull']);
    expect(r.code).toBe(0);
    expect(readFileSync(join(clone, 'model.bin'), 'utf8')).toBe('hi\na,b\n');
    expect(readFileSync(join(clone, 'raw/x.csv'), 'utf8')).toBe('a,b\n');
    const st = cairn(clone, ['status', '--exit-code']);
    expect(st.stdout).toContain('Everything is up to date.');
    expect(st.code).toBe(0);
  });
});
