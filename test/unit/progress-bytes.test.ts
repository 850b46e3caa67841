// Progress in bytes (issue 10 item 11): the line's text, and the meter's drawing rules, with
// the clock and the writer passed in.
import { describe, expect, it } from 'vitest';
import { formatByteProgress, renderByteMeter } from '../../src/cli/output.js';

const MB = 1_000_000;

describe('formatByteProgress', () => {
  it('bytes done of total, percent, rate and ETA', () => {
    expect(formatByteProgress('adding big.bin', 120 * MB, 500 * MB, 2)).toBe('adding big.bin: 120.0 MB / 500.0 MB (24%), 60.0 MB/s, ETA 7 s');
    expect(formatByteProgress('push', 1 * MB, 10_000 * MB, 1)).toBe('push: 1.0 MB / 10.0 GB (0%), 1.0 MB/s, ETA 2 h 46 min');
    expect(formatByteProgress('fetch', 50 * MB, 100 * MB, 25)).toBe('fetch: 50.0 MB / 100.0 MB (50%), 2.0 MB/s, ETA 25 s');
  });
  it('no ETA when done or the total is unknown; no rate before time passed', () => {
    expect(formatByteProgress('push', 500 * MB, 500 * MB, 5)).toBe('push: 500.0 MB / 500.0 MB (100%), 100.0 MB/s');
    expect(formatByteProgress('fetch', 30 * MB, undefined, 3)).toBe('fetch: 30.0 MB, 10.0 MB/s');
    expect(formatByteProgress('fetch', 0, 10 * MB, 0)).toBe('fetch: 0 B / 10.0 MB (0%)');
  });
});

describe('renderByteMeter', () => {
  function meter() {
    let t = 0;
    const out: string[] = [];
    const m = renderByteMeter(() => t, (s) => out.push(s));
    return { m, out, at: (ms: number) => (t = ms) };
  }
  it('draws after 500 ms, at most every 200 ms, and ends the line', () => {
    const { m, out, at } = meter();
    m.start('adding x', 100 * MB);
    at(100);
    m.add(10 * MB); // too early
    expect(out).toEqual([]);
    at(1000);
    m.add(10 * MB);
    at(1100);
    m.add(10 * MB); // within 200 ms of the last draw
    at(2000);
    m.add(10 * MB);
    m.end();
    expect(out.filter((s) => s.startsWith('\r'))).toHaveLength(3);
    expect(out[0]).toBe('\radding x: 20.0 MB / 100.0 MB (20%), 20.0 MB/s, ETA 4 s\x1b[K');
    expect(out.at(-1)).toBe('\n');
  });
  it('small fast work prints nothing; big fast work leaves one summary line', () => {
    const small = meter();
    small.m.start('push', 1 * MB);
    small.m.add(1 * MB);
    small.m.end();
    expect(small.out).toEqual([]);
    const big = meter();
    big.m.start('push', 64 * MB);
    big.at(100);
    big.m.add(64 * MB);
    big.m.end();
    expect(big.out).toEqual(['\rpush: 64.0 MB / 64.0 MB (100%), 640.0 MB/s\x1b[K', '\n']);
  });
});
