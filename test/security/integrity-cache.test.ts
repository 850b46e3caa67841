// Corruption that keeps size and mtime does not spread (issue 8.5): bytes are hashed on
// their way out of the cache (checkout, --relink, push). A corrupt object is quarantined and
// the command exits 5 naming the object and the file.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, expectOk, expectRefused, hostileRepo } from './harness.js';
import { addFile, cacheObject, objectRel, quarantined, rot } from './corruption.js';

afterEach(cleanup);

describe('a corrupt cache object never leaves the cache', () => {
  it('checkout --relink does not copy corrupt bytes over a good workspace file: exit 5, object quarantined', () => {
    const h = hostileRepo();
    const id = addFile(h, 'model.bin', 'good weights\n');
    rot(cacheObject(h, id));
    const r = h.cairn(['checkout', '--relink']);
    expectRefused(r, { exit: 5, mentions: [id, 'model.bin', 'corrupt'] });
    expect(readFileSync(join(h.root, 'model.bin'), 'utf8')).toBe('good weights\n');
    expect(existsSync(cacheObject(h, id))).toBe(false);
    expect(quarantined(h).some((q) => q.includes(id))).toBe(true);
    // the good workspace copy puts a good object back
    expectOk(h.cairn(['commit']));
    expect(readFileSync(cacheObject(h, id), 'utf8')).toBe('good weights\n');
  });

  it('checkout of a deleted file from a corrupt object: exit 5, no corrupt file written', () => {
    const h = hostileRepo();
    const id = addFile(h, 'data.csv', 'a,b\n1,2\n');
    rmSync(join(h.root, 'data.csv'));
    rot(cacheObject(h, id));
    expectRefused(h.cairn(['checkout']), { exit: 5, mentions: [id, 'data.csv'] });
    expect(existsSync(join(h.root, 'data.csv'))).toBe(false);
    expect(readdirSync(h.root).filter((n) => n.includes('cairn-tmp'))).toEqual([]);
  });

  for (const type of ['copy', 'hardlink', 'symlink']) {
    it(`cache.type ${type}: checkout of a folder with one corrupt file object exits 5 naming it`, () => {
      const h = hostileRepo();
      expectOk(h.cairn(['config', 'cache.type', type]));
      h.write({ 'ds/a.txt': 'alpha\n', 'ds/b.txt': 'beta\n' });
      expectOk(h.cairn(['add', 'ds']));
      const b = readFileSync(join(h.root, 'ds', 'b.txt'), 'utf8');
      expect(b).toBe('beta\n');
      rmSync(join(h.root, 'ds'), { recursive: true, force: true });
      // find b.txt's object: the only cache object holding 'beta\n'
      const all = readdirSync(join(h.root, '.cairn', 'cache', 'xxh64x2')).flatMap((p) => readdirSync(join(h.root, '.cairn', 'cache', 'xxh64x2', p)).map((r) => p + r));
      const bid = all.find((i) => !i.endsWith('.dir') && readFileSync(cacheObject(h, i), 'utf8') === 'beta\n')!;
      rot(cacheObject(h, bid));
      const r = h.cairn(['checkout']);
      expectRefused(r, { exit: 5, mentions: [bid, 'ds/b.txt'] });
      expect(existsSync(join(h.root, 'ds', 'b.txt'))).toBe(false);
    });
  }

  it('push does not upload a corrupt object: exit 5 naming it, the remote never gets it', () => {
    const h = hostileRepo();
    const good = addFile(h, 'good.txt', 'fine\n');
    const bad = addFile(h, 'bad.txt', 'will rot\n');
    rot(cacheObject(h, bad));
    const r = h.cairn(['push']);
    expectRefused(r, { exit: 5, mentions: [bad, 'bad.txt', 'quarantined'] });
    expect(existsSync(join(h.remote, objectRel(bad)))).toBe(false);
    expect(readFileSync(join(h.remote, objectRel(good)), 'utf8')).toBe('fine\n');
    expect(quarantined(h).some((q) => q.includes(bad))).toBe(true);
  });
});
