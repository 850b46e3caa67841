// `monitor drift` on the request log `cairn serve` writes: feedback lines ({time, type:
// "feedback", id, label}) in the same file are skipped, and `since` cuts at an instant.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRequestLog } from '../../src/mlops/monitor/columns.js';
import { cleanup, tempDir } from '../helpers.js';

afterEach(() => cleanup());

describe('the serve request log as CUR', () => {
  it('skips feedback lines and keeps the request lines after since', async () => {
    const dir = tempDir();
    const file = join(dir, 'requests.jsonl');
    const line = (t: string, id: string, x: number) => JSON.stringify({ time: t, id, model: 'm', version: 'v1.0.0', variant: 'stable', inputs: { x }, outputs: [x > 1 ? 1 : 0], latency_ms: 1, status: 'ok' });
    writeFileSync(
      file,
      [
        line('2026-01-01T10:00:00.000Z', 'a', 1),
        JSON.stringify({ time: '2026-01-01T10:00:01.000Z', type: 'feedback', id: 'a', label: 0 }),
        line('2026-01-01T10:00:02.000Z', 'b', 2),
        JSON.stringify({ time: '2026-01-01T10:00:03.000Z', type: 'feedback', id: 'b', label: 1 }),
        line('2026-01-01T10:00:04.000Z', 'c', 3),
      ].join('\n') + '\n',
    );
    const all = await readRequestLog(file);
    expect(all.log).toMatchObject({ lines: 5, kept: 3, rows: 3 });
    const late = await readRequestLog(file, { since: new Date('2026-01-01T10:00:02.000Z') });
    expect(late.log).toMatchObject({ kept: 2, rows: 2, from: '2026-01-01T10:00:02.000Z' });
    expect([...late.sample.columns.keys()].sort()).toEqual(['prediction', 'x']);
  });
});
