// cairn serve's pure parts: sticky routing, the window summary, body checks, the admin guard,
// and the request log's batching and rotation on a temp file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { adminCheck, isLoopback, newToken } from '../../src/mlops/serve/admin-guard.js';
import { RequestLog } from '../../src/mlops/serve/request-log.js';
import { rowsOf } from '../../src/mlops/serve/server.js';
import { percentile, routeOf, scalarOf, stickyPoint, WindowStore } from '../../src/mlops/serve/window.js';
import { cleanup, tempDir } from '../helpers.js';

afterEach(() => cleanup());

describe('sticky routing', () => {
  it('sends a key to one side at a given weight, keeps canary keys there as the weight grows, and splits by the weight', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `req-${i}`);
    for (const w of [0, 10, 50, 100]) {
      const canary = ids.filter((id) => routeOf(id, w) === 'canary').length / ids.length;
      expect(Math.abs(canary - w / 100)).toBeLessThan(0.03);
      for (const id of ids.slice(0, 50)) expect(routeOf(id, w)).toBe(routeOf(id, w));
    }
    for (const id of ids.filter((i) => routeOf(i, 10) === 'canary')) expect(routeOf(id, 50)).toBe('canary');
    for (const id of ids) {
      const p = stickyPoint(id);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(100);
    }
    expect(routeOf('anything', 0)).toBe('stable');
    expect(routeOf('anything', 100)).toBe('canary');
  });
});

describe('the window', () => {
  it('summarises one variant and version over [since, until), joins feedback, caps the lists', () => {
    const w = new WindowStore(50);
    for (let i = 0; i < 60; i++) w.record('stable', { t: i, id: `s${i}`, version: 'v1', ok: i % 10 !== 0, latency: i, outputs: [i % 2] });
    w.record('canary', { t: 5, id: 'c1', version: 'v2', ok: true, latency: 1, outputs: [1, 0] });
    w.record('canary', { t: 6, id: 'c-old', version: 'v0', ok: true, latency: 1, outputs: [1] });
    w.feedback('s15', 0);
    w.feedback('s15', 1); // the last label wins
    w.feedback('c1', [1, 1]);
    const s = w.summary('stable', 'v1', 10, 20);
    expect(s).toMatchObject({ version: 'v1', requests: 10, errors: 1 });
    expect(s.latency_ms).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(s.p99_ms).toBe(19);
    expect(s.outputs).toHaveLength(9); // the failed request has no outputs
    expect(s.labelled).toEqual([{ output: 1, label: 1 }]);
    // the ring keeps the newest 50
    expect(w.summary('stable', 'v1', 0, 100).requests).toBe(50);
    const c = w.summary('canary', 'v2', 0, 100);
    expect(c).toMatchObject({ requests: 1, outputs: [1, 0], labelled: [{ output: 1, label: 1 }, { output: 0, label: 1 }] });
    expect(w.summary('canary', 'v9', 0, 100)).toMatchObject({ requests: 0, p99_ms: null, outputs: [], labelled: [] });
  });

  it('keeps string, boolean and object predictions by their scalar; feedback joins by id', () => {
    const w = new WindowStore(100);
    const preds: unknown[][] = [['cat'], [true], [{ prediction: 'dog', score: 0.9 }], [{ score: 1 }], [2.5], [[1, 2]], ['cat', 'dog']];
    preds.forEach((outputs, i) => w.record('stable', { t: i, id: `id-${i}`, version: 'v1', ok: true, latency: 1, outputs }));
    preds.forEach((_, i) => w.feedback(`id-${i}`, i === 6 ? ['cat', 'cat'] : 'cat'));
    const s = w.summary('stable', 'v1', 0, 100);
    expect(s.outputs).toEqual(['cat', true, 'dog', 2.5, 'cat', 'dog']);
    expect(s.labelled.map((l) => l.output)).toEqual(['cat', true, 'dog', undefined, 2.5, undefined, 'cat', 'dog']);
    expect(s.labelled.every((l) => l.label === 'cat')).toBe(true);
  });

  it('takes scalars from predictions, nearest-rank percentiles', () => {
    expect([1, 'a', true, null, { prediction: 2 }, { label: 'x' }, { value: 0.5 }, { score: 1 }, [1]].map(scalarOf)).toEqual([1, 'a', true, null, 2, 'x', 0.5, undefined, undefined]);
    expect(percentile([], 0.99)).toBeNull();
    expect(percentile([3, 1, 2], 0.5)).toBe(2);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 0.99)).toBe(99);
  });
});

describe('/predict bodies', () => {
  it('accepts {rows: [objects]} or one object; refuses everything else with a reason', () => {
    expect(rowsOf({ rows: [{ a: 1 }, { a: 2 }] }, 10)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(rowsOf({ a: 1 }, 10)).toEqual([{ a: 1 }]);
    for (const bad of [null, 1, 'x', [], [{ a: 1 }], {}, { rows: {} }, { rows: [] }, { rows: [1] }, { rows: [[1]] }, { rows: [{}, null] }]) expect(typeof rowsOf(bad, 10)).toBe('string');
    expect(rowsOf({ rows: Array.from({ length: 11 }, () => ({ a: 1 })) }, 10)).toMatch(/limit of 10/);
  });
});

describe('the admin guard', () => {
  it('answers loopback clients with the bearer token only', () => {
    for (const a of ['127.0.0.1', '127.8.9.1', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a), a).toBe(true);
    for (const a of [undefined, '', '10.0.0.5', '192.168.1.2', '::ffff:10.0.0.1', 'fe80::1', '128.0.0.1', '0.0.0.0', 'localhost']) expect(isLoopback(a), a).toBe(false);
    const t = newToken();
    expect(t).toMatch(/^[0-9a-f]{64}$/);
    expect(newToken()).not.toBe(t);
    expect(adminCheck('127.0.0.1', `Bearer ${t}`, t)).toBe(0);
    expect(adminCheck('::1', `bearer  ${t} `, t)).toBe(0);
    expect(adminCheck('10.1.2.3', `Bearer ${t}`, t)).toBe(403);
    for (const h of [undefined, '', t, `Bearer`, `Bearer ${t}x`, `Bearer ${t.slice(1)}`, `Basic ${t}`, `Bearer ${t} ${t}`]) expect(adminCheck('127.0.0.1', h, t), String(h)).toBe(401);
  });
});

describe('the request log', () => {
  it('buffers lines, writes whole batches, rotates by size and keeps at most `keep` files', () => {
    const dir = tempDir();
    const file = join(dir, 'requests.jsonl');
    const log = new RequestLog({ file, batchLines: 10, batchMs: 60_000, rotateBytes: 4096, keep: 3 });
    const rec = (i: number) => ({ time: new Date(0).toISOString(), id: `r${i}`, pad: 'x'.repeat(100) });
    for (let i = 0; i < 9; i++) log.append(rec(i));
    expect(readFileSync(file, 'utf8')).toBe(''); // still buffered: a crash now would lose this batch
    log.append(rec(9));
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(10);
    for (let i = 10; i < 400; i++) log.append(rec(i));
    log.close();
    expect(readdirSync(dir).sort()).toEqual(['requests.jsonl', 'requests.jsonl.1', 'requests.jsonl.2', 'requests.jsonl.3']);
    const kept = ['requests.jsonl.3', 'requests.jsonl.2', 'requests.jsonl.1', 'requests.jsonl'].flatMap((f) => {
      expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(4096);
      return readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id);
    });
    // the newest lines, in order, with no gap
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => `r${400 - kept.length + i}`));
    expect(log.written).toBe(400);
  });

  it('writes a batch once it holds a megabyte of text whatever batchLines says, keeps non-ASCII text and huge lines whole, loses nothing at close', () => {
    const file = join(tempDir(), 'r.jsonl');
    // never flushed by count or time: only the size bound or close() writes
    const log = new RequestLog({ file, batchLines: 1_000_000, batchMs: 600_000, rotateBytes: 1 << 30, keep: 2 });
    const text = ['é', 'ß', '€', '日本', '😀', 'a\u2028b'];
    const recs: object[] = [];
    for (let i = 0; i < 3000; i++) recs.push({ id: `r${i}`, s: text[i % text.length]!.repeat(1 + (i % 40)) });
    recs.splice(1500, 0, { id: 'big', s: '€'.repeat(1_200_000) }); // one line over the bound
    for (const r of recs) log.append(r);
    const before = readFileSync(file, 'utf8');
    expect(before.length).toBeGreaterThan(0); // the big line pushed its batch over the bound
    expect(before.endsWith('\n')).toBe(true);
    log.close();
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l) as object)).toEqual(recs);
    expect(log.written).toBe(recs.length);
  });

  it('flushes a partial batch after batchMs', async () => {
    const file = join(tempDir(), 'r.jsonl');
    const log = new RequestLog({ file, batchLines: 1000, batchMs: 5, rotateBytes: 1 << 20, keep: 2 });
    log.append({ a: 1 });
    await new Promise((r) => setTimeout(r, 60));
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    log.close();
  });
});
