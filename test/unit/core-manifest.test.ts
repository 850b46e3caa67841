import { describe, expect, it } from 'vitest';
import { hasherFactory } from '../../src/core/hash.js';
import { digestManifest, diffManifests, parseManifest, serializeManifest, type Manifest } from '../../src/core/manifest.js';

const H = (c: string) => c.repeat(32);
const entries: Manifest = [
  { relpath: 'b/z.csv', hash: H('1'), size: 3, isexec: false },
  { relpath: 'a.txt', hash: H('2'), size: 1, isexec: true },
  { relpath: 'b/a.csv', hash: H('3'), size: 2, isexec: false },
  { relpath: 'é.txt', hash: H('4'), size: 0, isexec: false },
];

describe('directory manifests', () => {
  it('serialise to the same canonical bytes regardless of input order', () => {
    const a = serializeManifest(entries);
    const b = serializeManifest([...entries].reverse());
    expect(a.equals(b)).toBe(true);
    expect(a.toString()).toBe(
      '[{"relpath":"a.txt","hash":"' + H('2') + '","size":1,"isexec":true},' +
        '{"relpath":"b/a.csv","hash":"' + H('3') + '","size":2,"isexec":false},' +
        '{"relpath":"b/z.csv","hash":"' + H('1') + '","size":3,"isexec":false},' +
        '{"relpath":"é.txt","hash":"' + H('4') + '","size":0,"isexec":false}]',
    );
  });

  it('give the same bytes and id for Windows-style separators in input paths', async () => {
    const f = await hasherFactory('xxh64x2');
    const win = entries.map((e) => ({ ...e, relpath: e.relpath.replace(/\//g, '\\') }));
    expect(serializeManifest(win).equals(serializeManifest(entries))).toBe(true);
    expect(digestManifest(win, f).id).toBe(digestManifest(entries, f).id);
  });

  it('digest has a .dir id, total size and nfiles, stable across runs', async () => {
    const f = await hasherFactory('xxh64x2');
    const d1 = digestManifest(entries, f);
    const d2 = digestManifest([...entries], f);
    expect(d1.id).toMatch(/^[0-9a-f]{32}\.dir$/);
    expect(d1.id).toBe(d2.id);
    expect(d1.size).toBe(6);
    expect(d1.nfiles).toBe(4);
  });

  it('round-trips through parseManifest', () => {
    const back = parseManifest(serializeManifest(entries), 'xxh64x2', 'test');
    expect(back.map((e) => e.relpath)).toEqual(['a.txt', 'b/a.csv', 'b/z.csv', 'é.txt']);
  });

  it.each(['../x', '/etc/passwd', 'a/../../b', 'a//b', 'C:/x', 'a\\b'])('rejects the hostile relpath %s', (p) => {
    const bytes = JSON.stringify([{ relpath: p, hash: H('1'), size: 1, isexec: false }]);
    expect(() => parseManifest(bytes, 'xxh64x2', 'obj123')).toThrow(/obj123.*unsafe path/);
  });

  it('rejects duplicates, bad hashes and a file that is also a directory', () => {
    const dup = JSON.stringify([
      { relpath: 'a', hash: H('1'), size: 1 },
      { relpath: 'a', hash: H('1'), size: 1 },
    ]);
    expect(() => parseManifest(dup, 'xxh64x2', 'o')).toThrow(/twice/);
    expect(() => parseManifest(JSON.stringify([{ relpath: 'a', hash: 'zz', size: 1 }]), 'xxh64x2', 'o')).toThrow(/invalid hash/);
    const both = JSON.stringify([
      { relpath: 'a', hash: H('1'), size: 1 },
      { relpath: 'a/b', hash: H('1'), size: 1 },
    ]);
    expect(() => parseManifest(both, 'xxh64x2', 'o')).toThrow(/both a file and a directory/);
    expect(() => parseManifest('{not json', 'xxh64x2', 'o')).toThrow(/not valid JSON/);
  });

  it('diff lists added, modified and deleted relpaths', () => {
    const cur: Manifest = [
      { relpath: 'a.txt', hash: H('9'), size: 1, isexec: true },
      { relpath: 'b/a.csv', hash: H('3'), size: 2, isexec: false },
      { relpath: 'new', hash: H('5'), size: 1, isexec: false },
    ];
    expect(diffManifests(entries, cur)).toEqual({ added: ['new'], modified: ['a.txt'], deleted: ['b/z.csv', 'é.txt'] });
  });
});
