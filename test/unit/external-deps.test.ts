// Pure parts of external deps and export: URL checks, the lock field's round trip and its
// hostile forms, relaxMissing (--allow-missing), and the export plan's refusals and task ids.
import { describe, expect, it } from 'vitest';
import { distributionProblems, planExport, taskId } from '../../src/ci/export/plan.js';
import { argoName } from '../../src/ci/export/argo.js';
import { jobId } from '../../src/ci/export/github-matrix.js';
import { buildGraph } from '../../src/pipeline/graph.js';
import { parsePipeline } from '../../src/pipeline/load.js';
import { compareStage, relaxMissing } from '../../src/pipeline/stage-state.js';
import { isExternalDep, parseExternalUrl } from '../../src/remote/external-url.js';
import { parseLock, serializeLock, type LockFile } from '../../src/repo/lockfile.js';

const ID = '0123456789abcdef0123456789abcdef';

describe('external dep URLs', () => {
  it('tells objects, prefixes and http apart; refuses what cannot be tracked', () => {
    expect(parseExternalUrl('s3://raw-data/daily/')).toMatchObject({ kind: 's3-prefix', bucket: 'raw-data', prefix: 'daily/' });
    expect(parseExternalUrl('s3://raw-data')).toMatchObject({ kind: 's3-prefix', prefix: '' });
    expect(parseExternalUrl('s3://raw-data/a/b.csv')).toMatchObject({ kind: 's3', key: 'a/b.csv' });
    expect(parseExternalUrl('https://example.com/x.csv').kind).toBe('http');
    expect(parseExternalUrl('http://127.0.0.1:8080/x').kind).toBe('http');
    expect(parseExternalUrl('http://[::1]:8080/x').kind).toBe('http');
    expect(() => parseExternalUrl('http://example.com/x')).toThrow(/only for loopback/);
    expect(() => parseExternalUrl('http://127.0.0.1.evil.com/x')).toThrow(/only for loopback/);
    expect(() => parseExternalUrl('s3://Bad_Bucket/x')).toThrow(/not a valid S3 bucket/);
    expect(() => parseExternalUrl('s3://bucket/a/../b')).toThrow(/'\.\.'/);
    expect(() => parseExternalUrl('S3://bucket/a')).toThrow(/lower case/);
    expect(() => parseExternalUrl('https://example.com/a b')).toThrow(/spaces/);
    let msg = '';
    try {
      parseExternalUrl('http://bob:hunter2secret@example.com/x');
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain('bob:***@');
    expect(msg).not.toContain('hunter2secret');
    expect(isExternalDep('data/s3://x')).toBe(false);
    expect(isExternalDep('ftp://x/y')).toBe(false);
  });

  it('a cairn.yaml dep URL lands in stage.external, a bad one fails naming file and line', () => {
    const p = parsePipeline({ file: 'cairn.yaml', readFile: () => undefined, text: "stages:\n  s:\n    cmd: x\n    deps: [a.csv, 's3://b-ucket/p/']\n    outs: [o]\n" });
    expect(p.stages[0]).toMatchObject({ deps: ['a.csv'], external: ['s3://b-ucket/p/'] });
    expect(() => parsePipeline({ file: 'cairn.yaml', readFile: () => undefined, text: "stages:\n  s:\n    cmd: x\n    deps: ['s3://B/p/']\n" })).toThrow(/cairn\.yaml:4/);
  });
});

describe('cairn.lock external entries', () => {
  const lock: LockFile = {
    stages: {
      s: {
        cmd: 'x',
        deps: [{ path: 'a.csv', hash: 'xxh64x2', id: ID, size: 1 }],
        params: {},
        outs: [{ path: 'o', hash: 'xxh64x2', id: ID, size: 2 }],
        external: [
          { path: 's3://b-ucket/p/', external: 's3-prefix', id: ID, size: 10, nfiles: 3 },
          { path: 'https://example.com/x.csv', external: 'http', id: ID, size: 4, etag: '"v1"' },
        ],
      },
    },
  };
  it('round-trips, sorted among the deps by path, byte-stable', () => {
    const text = serializeLock(lock);
    expect(text).toMatch(/- path: a\.csv[\s\S]*- path: https:\/\/example\.com\/x\.csv\n\s+external: http[\s\S]*- path: s3:\/\/b-ucket\/p\/\n\s+external: s3-prefix/);
    const back = parseLock(text, 'cairn.lock', { dir: '.' });
    // entries come back in path order
    expect(back.stages.s!.external!.map((e) => e.path)).toEqual(['https://example.com/x.csv', 's3://b-ucket/p/']);
    expect(back.stages.s!.external).toEqual(expect.arrayContaining(lock.stages.s!.external!));
    expect({ ...back.stages.s, external: undefined }).toEqual({ ...lock.stages.s, external: undefined });
    expect(serializeLock(back)).toBe(text);
  });
  it('refuses hostile entries naming the line', () => {
    const bad = (entry: string) => () => parseLock(`schema: '1'\nstages:\n  s:\n    cmd: x\n    deps:\n      - ${entry}\n`, 'cairn.lock', { dir: '.' });
    expect(bad(`{path: 's3://b/p/', external: ftp, id: ${ID}, size: 1}`)).toThrow(/cairn\.lock:6.*external must be one of/);
    expect(bad(`{path: 's3://b/p/', external: s3, id: 'zz', size: 1}`)).toThrow(/not a valid external fingerprint/);
    expect(bad(`{path: 's3://b/p/', external: s3, id: ${ID}, size: -1}`)).toThrow(/size must be/);
    expect(bad(`{path: '../../etc/passwd', external: s3, id: ${ID}, size: 1}`)).not.toThrow(); // an external entry's path is a URL, never read from disk
    expect(bad(`{path: '../../etc/passwd', hash: xxh64x2, id: ${ID}, size: 1}`)).toThrow(/outside the repository/);
  });
});

describe('--allow-missing', () => {
  it('missing data recorded in the lock is not a change; a missing path the lock never had still is', () => {
    const p = parsePipeline({ file: 'cairn.yaml', readFile: () => undefined, text: 'stages:\n  s:\n    cmd: x\n    deps: [a, b]\n    outs: [o]\n' });
    const st = p.stages[0]!;
    const lockStage = { cmd: 'x', deps: [{ path: 'a', hash: 'xxh64x2' as const, id: ID, size: 1 }], params: {}, outs: [{ path: 'o', hash: 'xxh64x2' as const, id: ID, size: 1 }] };
    const ch = compareStage(st, lockStage, { deps: [undefined, undefined], params: {}, outs: [undefined] });
    expect(ch.changed).toBe(true);
    const r = relaxMissing(st, lockStage, ch);
    expect(r.deps).toEqual([{ path: 'b', change: 'missing' }]);
    expect(r.outs).toEqual([]);
    const both = relaxMissing(st, { ...lockStage, deps: [...lockStage.deps, { path: 'b', hash: 'xxh64x2', id: ID, size: 1 }] }, ch);
    expect(both.changed).toBe(false);
  });
});

describe('export plan', () => {
  const graphOf = (text: string) => buildGraph([parsePipeline({ file: 'cairn.yaml', readFile: () => undefined, text })]);
  it('task ids for every engine; collisions refused', () => {
    expect(taskId('train@a-1')).toBe('train__a-1');
    expect(taskId('sub/cairn.yaml:train@x')).toBe('sub_cairn.yaml_train__x');
    expect(argoName('train__a')).toBe('train--a');
    expect(jobId('1st.stage')).toBe('_1st_stage');
    const g = graphOf('stages:\n  a__b:\n    cmd: x\n  a:\n    foreach: [b]\n    do:\n      cmd: y\n');
    expect(() => planExport(g, { name: 'r', repoUrl: 'u', commit: 'c' })).toThrow(/both become task id 'a__b'/);
  });
  it('names every stage that cannot be distributed', () => {
    const g = graphOf('stages:\n  a:\n    cmd: x\n    outs:\n      - o:\n          cache: false\n  b:\n    cmd: y\n    deps: [o/f]\n    outs:\n      - p:\n          persist: true\n');
    expect(distributionProblems(g).map((p) => p.stage)).toEqual(['a', 'b']);
  });
});
