import { describe, expect, it } from 'vitest';
import { CairnError } from '../../src/core/errors.js';
import { planCost, planExistence, prefixOf } from '../../src/remote/existence.js';
import { parseRemoteUrl } from '../../src/remote/open.js';
import { backoffMs, isTransient, withRetry } from '../../src/remote/retry.js';
import { partSizeFor } from '../../src/remote/s3.js';

describe('existence planner', () => {
  it('lists a prefix only when it asks more keys than the prefix has pages', () => {
    const keys = ['x/aa/1', 'x/aa/2', 'x/aa/3', 'x/bb/1'];
    expect(planExistence(keys, 1)).toEqual({ list: ['x/aa/'], head: ['x/bb/1'] });
    // a huge remote (40 pages per prefix): HEADs everywhere
    expect(planExistence(keys, 40)).toEqual({ list: [], head: keys });
    expect(prefixOf('xxh64x2/ab/cd')).toBe('xxh64x2/ab/');
    expect(planCost(keys, 1)).toBe(2); // one listing + one HEAD
    expect(planCost(keys, 40)).toBe(4);
  });
  it('grows with keys asked, not with remote size', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `x/${(i * 25).toString(16).padStart(2, '0')}/k`);
    const small = planExistence(ten, 1);
    const huge = planExistence(ten, 400);
    expect(small.head.length + small.list.length).toBe(10);
    expect(huge.head.length).toBe(10);
  });
});

describe('retry policy', () => {
  it('classifies transient and permanent faults', () => {
    expect(isTransient({ $metadata: { httpStatusCode: 503 } })).toBe(true);
    expect(isTransient({ name: 'SlowDown' })).toBe(true);
    expect(isTransient({ code: 'ECONNRESET' })).toBe(true);
    expect(isTransient({ $metadata: { httpStatusCode: 403 }, name: 'AccessDenied' })).toBe(false);
    expect(isTransient({ $metadata: { httpStatusCode: 404 }, name: 'NoSuchBucket' })).toBe(false);
  });
  it('backs off exponentially with jitter under a cap', () => {
    const p = { attempts: 5, baseMs: 100, capMs: 1000 };
    expect(backoffMs(1, p, () => 0.999)).toBeLessThan(100);
    expect(backoffMs(3, p, () => 0.999)).toBeLessThan(400);
    expect(backoffMs(3, p, () => 0.999)).toBeGreaterThanOrEqual(399);
    expect(backoffMs(10, p, () => 0.999)).toBeLessThan(1000);
    expect(backoffMs(2, p, () => 0)).toBe(0);
  });
  it('retries transient faults and fails permanent ones at once', async () => {
    let n = 0;
    const sleep = async () => {};
    const v = await withRetry(async () => (++n < 3 ? Promise.reject({ code: 'ECONNRESET' }) : 'ok'), { attempts: 5, baseMs: 1, capMs: 1 }, undefined, sleep);
    expect(v).toBe('ok');
    expect(n).toBe(3);
    n = 0;
    await expect(withRetry(async () => (++n, Promise.reject({ $metadata: { httpStatusCode: 403 } })), { attempts: 5, baseMs: 1, capMs: 1 }, undefined, sleep)).rejects.toBeTruthy();
    expect(n).toBe(1);
    n = 0;
    await expect(withRetry(async () => (++n, Promise.reject({ code: 'ECONNRESET' })), { attempts: 4, baseMs: 1, capMs: 1 }, undefined, sleep)).rejects.toBeTruthy();
    expect(n).toBe(4);
  });
});

describe('remote URLs', () => {
  it('parses s3, file and folder URLs', () => {
    expect(parseRemoteUrl('s3://bucket/a/b/', '/r')).toEqual({ kind: 's3', bucket: 'bucket', prefix: 'a/b' });
    expect(parseRemoteUrl('s3://bucket', '/r')).toEqual({ kind: 's3', bucket: 'bucket', prefix: '' });
    expect(parseRemoteUrl('file:///srv/store', '/r')).toEqual({ kind: 'folder', path: '/srv/store' });
    expect(parseRemoteUrl('../store', '/r/repo')).toEqual({ kind: 'folder', path: '/r/store' });
    expect(parseRemoteUrl('/abs', '/r')).toEqual({ kind: 'folder', path: '/abs' });
  });
  it('rejects bad URLs with a config error naming the URL', () => {
    for (const bad of ['s3://Bad_Bucket/x', 's3://ok-bucket/../x', 'gs://bucket/x', '']) {
      try {
        parseRemoteUrl(bad, '/r');
        expect.unreachable(bad);
      } catch (e) {
        expect(e).toBeInstanceOf(CairnError);
        expect((e as CairnError).exitCode).toBe(2);
        if (bad) expect((e as CairnError).message).toContain(bad);
      }
    }
  });
  it('sizes multipart parts for at most 10,000 parts', () => {
    const MiB = 1024 * 1024;
    expect(partSizeFor(200 * MiB)).toBe(16 * MiB);
    const huge = 5 * 1024 ** 4; // 5 TiB
    expect(Math.ceil(huge / partSizeFor(huge))).toBeLessThanOrEqual(10_000);
  });
});
