// `cairn serve` spawned as a user runs it: it prints where it listens, answers, and on SIGTERM
// flushes the request log (batched: nothing is written before) and exits 0. The log it wrote,
// feedback lines included, is read by `cairn monitor drift` and `monitor performance`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, cairnSpawn, cleanup } from '../helpers.js';
import { call, JS_PREDICTOR, logLines, servedRepo } from '../serve-helpers.js';

afterEach(() => cleanup());

describe('cairn serve (CLI)', () => {
  it('serves until SIGTERM, flushes the log, exits 0; monitor reads the log; no predictor is exit 2', async () => {
    const dir = await servedRepo();
    // one batch for the whole run: only the shutdown flush writes the lines
    writeFileSync(join(dir, '.cairn', 'config.yaml'), 'serve:\n  batch_lines: 100000\n  batch_ms: 60000\n');
    const p = cairnSpawn(dir, ['serve', 'clf@production', '--predictor', JS_PREDICTOR, '--port', '0', '--json']);
    let stdout = '';
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const started = await new Promise<{ url: string; port: number; log: string; state: { stable: { version: string } } }>((resolve, reject) => {
      p.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        try {
          resolve(JSON.parse(stdout));
        } catch {
          // not whole yet
        }
      });
      p.on('exit', (code) => reject(new Error(`cairn serve exited ${code}: ${stderr}`)));
    });
    try {
      expect(started.state.stable.version).toBe('v1.0.0');
      expect(started.log).toBe(join(dir, '.cairn', 'serve', 'requests.jsonl'));
      for (let i = 0; i < 30; i++) {
        const r = await call(`${started.url}/predict`, 'POST', { rows: [{ x1: i, x2: 10 }] }, { 'x-request-id': `e2e-${i}` });
        expect(r.status).toBe(200);
        await call(`${started.url}/feedback`, 'POST', { id: `e2e-${i}`, label: i > 10 ? 1 : 0 });
      }
      expect((await call(`${started.url}/healthz`, 'GET')).status).toBe(200);
    } finally {
      p.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) => p.on('exit', (c) => resolve(c)));
    expect(code, stderr).toBe(0);
    const lines = logLines(started.log);
    expect(lines.filter((l) => l.type !== 'feedback')).toHaveLength(30);
    expect(lines.filter((l) => l.type === 'feedback')).toHaveLength(30);

    writeFileSync(join(dir, 'ref.csv'), 'x1,x2\n' + Array.from({ length: 30 }, (_, i) => `${i},10`).join('\n') + '\n');
    const drift = cairn(dir, ['monitor', 'drift', '-r', 'ref.csv', '-c', started.log, '--columns', 'x1,x2', '--json']);
    expect(drift.code, drift.stderr).toBe(0);
    expect(JSON.parse(drift.stdout).drift).toBe(false);
    const perf = cairn(dir, ['monitor', 'performance', '-l', started.log, '--json']);
    expect(perf.stderr).not.toMatch(/error/);
    expect(JSON.parse(perf.stdout).overall).toMatchObject({ predictions: 30, labelled: 30, value: 1 });

    const noPredictor = cairn(dir, ['serve', 'clf@production', '--port', '0']);
    expect(noPredictor.code).toBe(2);
    expect(noPredictor.stderr).toMatch(/no predictor/);
  });
});
