// Pointer files that name the repo itself, .git/ or .cairn/: refused with exit 2 naming the
// pointer file, nothing in outside/, .git/, .cairn/cache or the remote touched.
import { afterAll, describe, it } from 'vitest';
import { cleanup, expectOk, expectRefused, expectUnchanged, hostileRepo, pointerText, readPointerFields } from './harness.js';

afterAll(cleanup);

describe('pointers into .git/ and .cairn/', () => {
  it('pull refuses a committed pointer with path .git/hooks/pre-commit', () => {
    const a = hostileRepo();
    a.write({ 'hook.sh': '#!/bin/sh\necho pwned > /tmp/pwned\n' });
    expectOk(a.cairn(['add', 'hook.sh']));
    expectOk(a.cairn(['push']));
    const f = readPointerFields(`${a.root}/hook.sh.cairn`);
    a.write({ 'evil.cairn': pointerText({ path: '.git/hooks/pre-commit', ...f }) });
    a.commit('evil');
    const v = a.victimClone();
    const before = v.snapshot();
    const r = v.cairn(['pull']);
    expectRefused(r, { exit: 2, mentions: ['evil.cairn'] });
    expectUnchanged(before, v.snapshot());
  });
});
