import { describe, expect, it } from 'vitest';
import { hashMismatchError, notARepoError } from '../../src/core/errors.js';

describe('the shared error constructors', () => {
  it('not a cairn repository: exit 3, names the folder, hints at init', () => {
    const e = notARepoError('/tmp/x');
    expect(e.code).toBe('CAIRN_NOT_A_REPO');
    expect(e.exitCode).toBe(3);
    expect(e.message).toBe('not a cairn repository (no .cairn/ in /tmp/x or any parent)');
    expect(e.hint).toContain('cairn init');
  });
  it('hash mismatch: exit 5, corrupt or truncated, with the ids in data', () => {
    const c = hashMismatchError('cache object abc', 'abc', { id: 'def' }, { consequence: 'quarantined', hint: 'h' });
    expect(c.exitCode).toBe(5);
    expect(c.message).toBe('cache object abc is corrupt: its content hashes to def; quarantined');
    expect(c.data).toMatchObject({ id: 'abc', actual: 'def' });
    const t = hashMismatchError('object k', 'abc', { id: 'def', size: 3 }, { expectedSize: 10, consequence: 'rejected', hint: 'h' });
    expect(t.message).toBe('object k is truncated (3 of 10 bytes); rejected');
    expect(t.data).toMatchObject({ size: 3, expectedSize: 10 });
  });
});
