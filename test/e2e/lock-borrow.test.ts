// A stage whose command is itself a cairn command runs under the lock its repro holds.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, cairn, cleanup, tempRepo } from '../helpers.js';

afterEach(cleanup);

describe('repo lock inside repro', () => {
  it('a stage running `cairn add` borrows the lock instead of waiting for its own parent', async () => {
    const root = await tempRepo({ 'in.txt': 'x\n' });
    const cmd = `cp in.txt out.txt && echo extra > extra.txt && "${process.execPath}" "${CLI}" add extra.txt`;
    expect(cairn(root, ['stage', 'add', '-n', 's', '-d', 'in.txt', '-o', 'out.txt', cmd]).code).toBe(0);
    const r = cairn(root, ['repro'], { CAIRN_LOCK_TIMEOUT: '3' });
    expect(r.stderr).not.toContain('locked');
    expect(r.code).toBe(0);
    expect(existsSync(join(root, 'extra.txt.cairn'))).toBe(true);
    // outside a stage the same variable borrows nothing: a dead or foreign pid is not a holder
    const plain = cairn(root, ['add', 'in.txt'], { CAIRN_REPRO_PID: '999999' });
    expect(plain.code).toBe(0);
  });
});
