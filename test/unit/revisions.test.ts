// The reference walk and the kept-ids computation (repo/revisions.ts), against in-memory
// revisions and stores: one failure rule (unreadable is an error naming revision and file),
// manifests expanded, other algorithms skipped.
import { describe, expect, it } from 'vitest';
import { CairnError } from '../../src/core/errors.js';
import { serializeManifest } from '../../src/core/manifest.js';
import { expandRefs, refsAt, revLabel, WORKSPACE, type ManifestSource, type ObjectRef, type RefSource } from '../../src/repo/revisions.js';

const hex = (c: string) => c.repeat(32);
const A = hex('a');
const B = hex('b');
const C = hex('c');
const D = `${hex('d')}.dir`;
const E = `${hex('e')}.dir`;

function source(files: Record<string, string>, rev = WORKSPACE, oid?: string): RefSource {
  return {
    rev,
    oid,
    readFile: async (p) => (p in files ? Buffer.from(files[p]!) : undefined),
    pointerFiles: async () => Object.keys(files).filter((f) => f.endsWith('.cairn')).sort(),
    lockFiles: async () => Object.keys(files).filter((f) => f.endsWith('cairn.lock')).sort(),
  };
}

const pointer = (path: string, id: string, hash = 'xxh64x2') => `outs:\n  - path: ${path}\n    hash: ${hash}\n    id: ${id}\n    size: 3\n`;
const lock = (out: string, id: string) => `schema: '1'\nstages:\n  train:\n    cmd: python train.py\n    deps: []\n    outs:\n      - path: ${out}\n        hash: xxh64x2\n        id: ${id}\n        size: 3\n`;

function store(objects: Record<string, Buffer>): ManifestSource {
  return {
    algo: 'xxh64x2',
    has: (id) => id in objects,
    get: (id) => {
      const b = objects[id];
      if (!b) throw new CairnError('CAIRN_MISSING_FROM_CACHE', `object ${id} is not in the cache`);
      return b;
    },
  };
}

const ref = (id: string, path = 'x', hash: 'xxh64x2' | 'md5' = 'xxh64x2'): ObjectRef => ({ path, id, hash, from: 'pointer', source: `${path}.cairn`, rev: WORKSPACE });

describe('refsAt: what a revision refers to', () => {
  it('joins pointer and lock outs to repo-relative paths, naming their source', async () => {
    const refs = await refsAt(source({ 'data/raw.csv.cairn': pointer('raw.csv', A), 'models/cairn.lock': lock('model.pkl', B) }, 'HEAD', '1234567890abcdef1234567890abcdef12345678'));
    expect(refs).toEqual([
      { path: 'data/raw.csv', hash: 'xxh64x2', id: A, size: 3, nfiles: undefined, from: 'pointer', source: 'data/raw.csv.cairn', rev: '1234567890abcdef1234567890abcdef12345678' },
      { path: 'models/model.pkl', hash: 'xxh64x2', id: B, size: 3, nfiles: undefined, from: 'lock', source: 'models/cairn.lock:train', rev: '1234567890abcdef1234567890abcdef12345678' },
    ]);
  });

  it('a lock with merge-conflict markers throws naming the file and the revision', async () => {
    const oid = 'abcdef0123456789abcdef0123456789abcdef01';
    const text = `<<<<<<< HEAD\n${lock('m', A)}=======\n${lock('m', B)}>>>>>>> other\n`;
    const err = await refsAt(source({ 'cairn.lock': text }, 'feature', oid)).catch((e) => e);
    expect(err).toBeInstanceOf(CairnError);
    expect(err.message).toContain('cairn.lock');
    expect(err.message).toContain('feature (abcdef0)');
    expect(err.data).toMatchObject({ rev: 'feature', oid, file: 'cairn.lock' });
  });

  it('a pointer that does not parse throws; it is never an empty set', async () => {
    const err = await refsAt(source({ 'a.cairn': pointer('a', 'zz'), 'b.cairn': pointer('b', A) })).catch((e) => e);
    expect(err).toBeInstanceOf(CairnError);
    expect(err.message).toContain('a.cairn');
    expect(err.message).toContain('workspace');
  });

  it('a listed file that cannot be read throws', async () => {
    const src = source({ 'a.cairn': pointer('a', A) });
    src.readFile = async () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    };
    await expect(refsAt(src)).rejects.toThrow(/a\.cairn at workspace: EACCES/);
    const gone = source({});
    gone.pointerFiles = async () => ['ghost.cairn'];
    await expect(refsAt(gone)).rejects.toThrow(/ghost\.cairn/);
  });

  it('a tree that cannot be listed throws', async () => {
    const src = source({});
    src.lockFiles = async () => {
      throw new Error('git tree 1a2b3c4 cannot be read');
    };
    await expect(refsAt(src)).rejects.toThrow(/cannot read the references in the file tree at workspace/);
  });

  it('names revisions for messages', () => {
    expect(revLabel({ rev: WORKSPACE })).toBe('workspace');
    expect(revLabel({ rev: 'main', oid: 'f'.repeat(40) })).toBe('main (fffffff)');
    expect(revLabel({ rev: 'f'.repeat(40), oid: 'f'.repeat(40) })).toBe('fffffff');
  });
});

describe('expandRefs: the kept-ids computation', () => {
  const manifestD = serializeManifest([
    { relpath: 'a.txt', hash: A, size: 1, isexec: false },
    { relpath: 'sub/c.txt', hash: C, size: 1, isexec: false },
  ]);
  const manifestE = serializeManifest([{ relpath: 'b.txt', hash: B, size: 1, isexec: false }]);

  it('keeps the refs and every file their cached manifests list', () => {
    const { ids, missingManifests } = expandRefs(store({ [D]: manifestD, [E]: manifestE }), [ref(D, 'ds'), ref(E, 'other'), ref(B, 'b')]);
    expect([...ids].sort()).toEqual([A, B, C, D, E].sort());
    expect(missingManifests).toEqual([]);
  });

  it('skips refs of another algorithm (this cache cannot hold them)', () => {
    const { ids } = expandRefs(store({}), [ref('0'.repeat(32), 'old', 'md5'), ref(A)]);
    expect([...ids]).toEqual([A]);
  });

  it('a directory whose manifest is not in the store throws naming the path, id and source', () => {
    const err = (() => {
      try {
        expandRefs(store({}), [ref(A, 'a'), ref(D, 'ds')]);
      } catch (e) {
        return e as CairnError;
      }
      throw new Error('expandRefs did not throw');
    })();
    expect(err.code).toBe('CAIRN_MISSING_FROM_CACHE');
    expect(err.message).toContain('ds');
    expect(err.message).toContain(D);
    expect(err.message).toContain('ds.cairn');
  });

  it("with missing: 'list', lists directories whose manifest is absent instead", () => {
    const { ids, missingManifests } = expandRefs(store({ [E]: manifestE }), [ref(D, 'ds'), ref(E, 'e'), ref(D, 'again')], { missing: 'list' });
    expect(missingManifests.map((m) => m.path)).toEqual(['ds']);
    expect([...ids].sort()).toEqual([B, D, E].sort());
  });

  it('a corrupt manifest throws (CAIRN_BAD_MANIFEST), whatever the mode', () => {
    expect(() => expandRefs(store({ [D]: Buffer.from('not json') }), [ref(D, 'ds')], { missing: 'list' })).toThrow(/not valid JSON/);
  });

  it('the same id named twice is expanded once', () => {
    let gets = 0;
    const s = store({ [D]: manifestD });
    const counting: ManifestSource = { ...s, get: (id, u) => (gets++, s.get(id, u)) };
    expandRefs(counting, [ref(D, 'a'), ref(D, 'b'), ref(D, 'c')]);
    expect(gets).toBe(1);
  });
});
