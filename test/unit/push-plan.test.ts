// The push plan (remote/push-plan.ts): pure decisions from what is local and what the
// remote holds, including the rules for bad remote copies and --verify-remote.
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/core/manifest.js';
import { planPush, pushQueries, type PushState } from '../../src/remote/push-plan.js';

const hex = (c: string) => c.repeat(32);
const [A, B, C, F] = ['a', 'b', 'c', 'f'].map(hex) as [string, string, string, string];
const D = `${hex('d')}.dir`;
const manifestD: Manifest = [
  { relpath: 'a.txt', hash: A, size: 1, isexec: false },
  { relpath: 'sub/b.txt', hash: B, size: 1, isexec: false },
];

function state(o: Partial<PushState> = {}): PushState {
  const local = new Set([A, B, C, D, F]);
  return {
    items: [
      { path: 'ds', id: D },
      { path: 'c.bin', id: C },
    ],
    manifests: new Map([[D, manifestD]]),
    local: (id) => local.has(id),
    dirsThere: new Set(),
    filesThere: new Set(),
    ...o,
  };
}

const ids = (xs: { id: string }[]) => xs.map((x) => x.id).sort();

describe('pushQueries', () => {
  it('asks about loose files and the files of directories not on the remote', () => {
    expect(pushQueries(state()).sort()).toEqual([A, B, C].sort());
  });

  it('does not ask about the files of a directory whose manifest is on the remote', () => {
    expect(pushQueries(state({ dirsThere: new Set([D]) }))).toEqual([C]);
  });

  it('asks again when a file of that directory is known bad, or with verify', () => {
    expect(pushQueries(state({ dirsThere: new Set([D]), bad: new Set([B]) })).sort()).toEqual([A, B, C].sort());
    expect(pushQueries(state({ dirsThere: new Set([D]), verify: true })).sort()).toEqual([A, B, C].sort());
  });

  it('skips files covered by a directory known on the remote, and files not in the local cache', () => {
    const s = state({ covered: new Set([A]) });
    const local = s.local;
    s.local = (id) => id !== B && local(id);
    expect(pushQueries(s)).toEqual([C]);
  });
});

describe('planPush', () => {
  it('an empty remote: every file, then the manifest', () => {
    const p = planPush(state());
    expect(ids(p.upload)).toEqual([A, B, C].sort());
    expect(p.manifests.map((m) => m.id)).toEqual([D]);
    expect(p.upload.find((u) => u.id === B)!.path).toBe('ds/sub/b.txt');
    expect(p.skipped).toBe(0);
    expect(p.verify).toEqual([]);
  });

  it('a directory whose manifest is there is complete: nothing of it is sent', () => {
    const p = planPush(state({ dirsThere: new Set([D]), filesThere: new Set([C]) }));
    expect(p.upload).toEqual([]);
    expect(p.manifests).toEqual([]);
    expect(p.skipped).toBe(1 + 2 + 1);
  });

  it('sends only what the remote lacks; the manifest goes once its files are all there', () => {
    const p = planPush(state({ filesThere: new Set([A]) }));
    expect(ids(p.upload)).toEqual([B, C].sort());
    expect(p.manifests.map((m) => m.id)).toEqual([D]);
    expect(p.skipped).toBe(1);
  });

  it('a file missing everywhere: listed missing, and its directory incomplete (no manifest sent)', () => {
    const s = state();
    s.local = (id) => id !== B;
    const p = planPush(s);
    expect(p.missing).toEqual([{ id: B, path: 'ds/sub/b.txt' }]);
    expect(p.incompleteDirs).toEqual([{ id: D, path: 'ds' }]);
    expect(p.manifests).toEqual([]);
  });

  it('a directory not in the local cache: fine when the remote has it, missing otherwise', () => {
    expect(planPush(state({ manifests: new Map(), dirsThere: new Set([D]), filesThere: new Set([C]) }))).toMatchObject({ missing: [], skipped: 2 });
    expect(planPush(state({ manifests: new Map() })).missing).toEqual([{ id: D, path: 'ds' }]);
  });

  it('a copy known bad on the remote is sent again, even under a complete directory', () => {
    const p = planPush(state({ dirsThere: new Set([D]), filesThere: new Set([A, B, C]), bad: new Set([B, C]) }));
    expect(ids(p.upload)).toEqual([B, C].sort());
    // the manifest itself is there and good: not resent
    expect(p.manifests).toEqual([]);
  });

  it('a bad manifest is resent after its files', () => {
    const p = planPush(state({ dirsThere: new Set([D]), filesThere: new Set([A, B, C]), bad: new Set([D]) }));
    expect(p.upload).toEqual([]);
    expect(p.manifests.map((m) => m.id)).toEqual([D]);
  });

  it('with verify, nothing on the remote counts until verified; then only bad copies are sent', () => {
    const s = state({ dirsThere: new Set([D]), filesThere: new Set([A, B, C]), verify: true });
    const first = planPush(s);
    expect(ids(first.verify)).toEqual([A, B, C, D].sort());
    expect(first.upload).toEqual([]);
    expect(first.skipped).toBe(0);
    // the mover downloads and hashes them: B turns out bad
    const second = planPush({ ...s, verified: new Set([A, C, D]), bad: new Set([B]) });
    expect(second.verify).toEqual([]);
    expect(ids(second.upload)).toEqual([B]);
    expect(second.manifests).toEqual([]);
    expect(second.skipped).toBe(3);
  });

  it('with verify, an object absent from the remote is simply uploaded', () => {
    const p = planPush(state({ verify: true, filesThere: new Set([A]) }));
    expect(ids(p.verify)).toEqual([A]);
    expect(ids(p.upload)).toEqual([B, C].sort());
  });

  it('an object named twice (a loose file that is also in a directory) is decided once', () => {
    const p = planPush(state({ items: [{ path: 'ds', id: D }, { path: 'copy-of-a', id: A }, { path: 'f', id: F }] }));
    expect(ids(p.upload)).toEqual([A, B, F].sort());
  });
});
