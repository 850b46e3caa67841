// The clock and the git fs are passed in: a test controls time and sees every git read.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { now, setClock } from '../../src/core/clock.js';
import { CairnError } from '../../src/core/errors.js';
import { acquireLock } from '../../src/io/lock.js';
import { History, nodeGitFs, type GitFs } from '../../src/git/revision.js';
import { cleanup, gen, git, tempDir } from '../helpers.js';

afterEach(cleanup);

describe('core/clock', () => {
  it('setClock replaces the clock and its return value restores it', () => {
    const restore = setClock({ now: () => 42 });
    expect(now()).toBe(42);
    restore();
    expect(Math.abs(now() - Date.now())).toBeLessThan(1000);
  });

  it('the lock deadline is read from the clock: an hour passes at once', async () => {
    const f = join(tempDir(), 'lock');
    const p = spawn('sleep', ['30']);
    let t = 0;
    const restore = setClock({ now: () => (t += 30 * 60 * 1000) }); // each read: half an hour later
    try {
      writeFileSync(f, `${p.pid}\ngc\n`);
      const e = await acquireLock(f, { timeoutMs: 60 * 60 * 1000 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CairnError);
      expect((e as CairnError).code).toBe('CAIRN_LOCKED');
      expect(t).toBeGreaterThanOrEqual(60 * 60 * 1000);
    } finally {
      restore();
      p.kill();
    }
  });
});

describe('git/revision: the fs is passed in', () => {
  it('History reads through the fs it was given', async () => {
    const dir = tempDir();
    git(dir, 'init', '-q');
    gen(dir, { 'a.txt': 'one' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'one');
    const reads: string[] = [];
    const counting: GitFs = {
      promises: {
        ...nodeGitFs.promises,
        readFile: async (p: string, o?: unknown) => {
          reads.push(String(p));
          return (nodeGitFs.promises.readFile as (p: string, o?: unknown) => Promise<unknown>)(p, o);
        },
      },
    };
    const h = await History.open(dir, { fs: counting });
    const oid = await h.resolve('HEAD');
    expect(oid).toBe(git(dir, 'rev-parse', 'HEAD').trim());
    expect((await h.readFile(oid, 'a.txt'))?.toString()).toBe('one');
    expect(reads.some((p) => p.includes('.git'))).toBe(true);
  });
});
