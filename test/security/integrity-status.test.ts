// status sees lost objects inside tracked folders (issue 8.6): a file object that is gone
// from the cache, or quarantined by fsck, makes the folder "missing from cache", not "up to
// date"; commit (the workspace copy is good) puts the objects back.
import { chmodSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, expectOk, hostileRepo, type HostileRepo } from './harness.js';

afterEach(cleanup);

function objectOf(h: HostileRepo, content: string): string {
  const base = join(h.root, '.cairn', 'cache', 'xxh64x2');
  for (const p of readdirSync(base)) {
    for (const r of readdirSync(join(base, p))) {
      if (!r.endsWith('.dir') && readFileSync(join(base, p, r), 'utf8') === content) return join(base, p, r);
    }
  }
  throw new Error(`no cache object holds ${JSON.stringify(content)}`);
}

function trackedFolder(): HostileRepo {
  const h = hostileRepo();
  h.write({ 'ds/a.txt': 'alpha\n', 'ds/sub/b.txt': 'beta\n', 'c.txt': 'gamma\n' });
  expectOk(h.cairn(['add', 'ds', 'c.txt']));
  expect(h.cairn(['status']).stdout).toContain('Everything is up to date');
  return h;
}

describe('status reports lost file objects of a tracked folder', () => {
  it('a file object deleted from the cache', () => {
    const h = trackedFolder();
    rmSync(objectOf(h, 'beta\n'));
    const r = h.cairn(['status', '--exit-code']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('ds: missing from cache');
    expect(r.stdout).not.toContain('Everything is up to date');
    expect(r.stdout).not.toContain('c.txt');
    const j = JSON.parse(h.cairn(['status', '--json']).stdout);
    expect(j.clean).toBe(false);
    expect(j.targets.find((t: { path: string }) => t.path === 'ds')).toMatchObject({ state: 'missing-from-cache', inCache: false, missingObjects: ['sub/b.txt'] });
    // commit from the good workspace copy puts the object back
    expectOk(h.cairn(['commit']));
    expect(h.cairn(['status']).stdout).toContain('Everything is up to date');
  });

  it('a file object quarantined by fsck', () => {
    const h = trackedFolder();
    const obj = objectOf(h, 'alpha\n');
    const st = statSync(obj);
    chmodSync(obj, 0o644);
    writeFileSync(obj, 'alphA\n');
    chmodSync(obj, 0o444);
    utimesSync(obj, st.atimeMs / 1000, st.mtimeMs / 1000);
    const f = h.cairn(['fsck']);
    expect(f.code).toBe(5);
    const r = h.cairn(['status', '--json']);
    const ds = JSON.parse(r.stdout).targets.find((t: { path: string }) => t.path === 'ds');
    expect(ds).toMatchObject({ state: 'missing-from-cache', missingObjects: ['a.txt'] });
    expect(h.cairn(['status']).stdout).toContain('ds: missing from cache');
    expectOk(h.cairn(['commit']));
    expect(h.cairn(['status']).stdout).toContain('Everything is up to date');
    expectOk(h.cairn(['fsck']));
  });
});
