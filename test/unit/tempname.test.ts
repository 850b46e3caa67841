// #8.14: one naming scheme for every temp file, recognisable from the name, with its owner pid.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isTempName, sweepStaleTemps, sweepStaleTempsUnder, tempBeside, tempIn, tempName, tempOwner } from '../../src/io/tempname.js';
import { tempSibling } from '../../src/io/atomic.js';
import { cleanup, tempDir } from '../helpers.js';

afterAll(cleanup);

describe('temp names', () => {
  it('are hidden, carry the pid, never look like an object id, and are unique', () => {
    const n = tempName('part-1.bin');
    expect(n).toMatch(new RegExp(`^\\.part-1\\.bin\\.cairn-tmp-${process.pid}-\\d+-[0-9a-z]+$`));
    expect(tempName('x')).not.toBe(tempName('x'));
    expect(tempOwner(n)).toBe(process.pid);
    expect(tempBeside('/r/data/a.csv')).toMatch(/^\/r\/data\/\.a\.csv\.cairn-tmp-/);
    expect(tempIn('/r/.cairn/tmp', 'obj')).toMatch(/^\/r\/\.cairn\/tmp\/\.obj\.cairn-tmp-/);
    expect(tempSibling('/r/x.cairn')).toMatch(/^\/r\/\.x\.cairn\.cairn-tmp-/); // atomic writes too
  });

  it('recognise the names of earlier versions, and nothing else', () => {
    // anywhere, the workspace included: names that carry the cairn tag
    for (const n of ['a.txt.cairn-tmp-123-4', 'f.csv.cairn-unprotect-42']) expect(isTempName(n), n).toBe(true);
    expect(tempOwner('a.txt.cairn-tmp-123-4')).toBe(123);
    // inside cairn's own folders only (.cairn/, the cache, a folder remote)
    for (const n of ['.tmp-55-1-a', 'obj.77.0.lk2.3', 'fetch.8.k.1', 'run.2024.log', '.x.cairn.9.abc.1.tmp', 'lock.stale.12']) {
      expect(isTempName(n, true), n).toBe(true);
      expect(isTempName(n), `${n} in the workspace is data`).toBe(false);
    }
    for (const n of ['data.csv', 'x.cairn-tmp-notes.txt', 'cairn-tmp-1-2', '0f3c9a', 'obj.txt', '.tmp', 'lock']) expect(isTempName(n, true), n).toBe(false);
  });

  it('sweep removes temps of dead owners only', async () => {
    const p = spawn(process.execPath, ['-e', '0']);
    await new Promise((res) => p.on('exit', res));
    const dead = p.pid!;
    const d = tempDir();
    mkdirSync(join(d, 'sub'));
    const stale = [`.a.cairn-tmp-${dead}-0-1`, `sub/.b.cairn-tmp-${dead}-0-2`];
    const keep = [`.c.cairn-tmp-${process.pid}-0-3`, 'real.txt', 'sub/real.txt'];
    for (const f of [...stale, ...keep]) writeFileSync(join(d, f), 'x');
    expect(sweepStaleTemps(d, { dry: true })).toEqual([join(d, stale[0]!)]);
    expect(sweepStaleTempsUnder(d).sort()).toEqual(stale.map((s) => join(d, s)).sort());
    for (const f of stale) expect(existsSync(join(d, f))).toBe(false);
    for (const f of keep) expect(existsSync(join(d, f))).toBe(true);
  });
});
