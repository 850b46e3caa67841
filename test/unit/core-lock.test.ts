import { spawn } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/io/lock.js';
import { CairnError } from '../../src/core/errors.js';
import { cleanup, tempDir } from '../helpers.js';

afterEach(cleanup);

describe('repo lock', () => {
  it('is exclusive, records the pid, and is re-entrant within one process', async () => {
    const f = join(tempDir(), 'lock');
    const a = await acquireLock(f, { purpose: 'add' });
    expect(readFileSync(f, 'utf8')).toBe(`${process.pid}\nadd\n`);
    const inner = await acquireLock(f, { timeoutMs: 0 });
    inner.release();
    expect(existsSync(f)).toBe(true); // the outer holder still has it
    a.release();
    expect(existsSync(f)).toBe(false);
  });

  it('times out naming a live holder', async () => {
    const f = join(tempDir(), 'lock');
    const p = spawn('sleep', ['30']);
    try {
      writeFileSync(f, `${p.pid}\ngc\n`);
      const e = await acquireLock(f, { timeoutMs: 100 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CairnError);
      expect((e as CairnError).code).toBe('CAIRN_LOCKED');
      expect((e as CairnError).message).toContain(`pid ${p.pid}, gc`);
    } finally {
      p.kill('SIGKILL');
    }
  });

  it('takes over the lock of a dead process, and of one left empty for seconds, but not a fresh empty one', async () => {
    const f = join(tempDir(), 'lock');
    writeFileSync(f, '999999999\nadd\n'); // no such pid
    (await acquireLock(f, { timeoutMs: 0 })).release();
    writeFileSync(f, '');
    const e = await acquireLock(f, { timeoutMs: 100 }).catch((x: unknown) => x);
    expect((e as CairnError).code).toBe('CAIRN_LOCKED');
    const old = Date.now() / 1000 - 60;
    utimesSync(f, old, old);
    const h = await acquireLock(f, { timeoutMs: 0 });
    expect(readFileSync(f, 'utf8').startsWith(`${process.pid}\n`)).toBe(true);
    h.release();
  });
});
