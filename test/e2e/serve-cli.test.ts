// `cairn serve` spawned as a user runs it: it prints where it listens and answers; kill -9 loses
// at most the buffered batch (whole lines only); a restart takes over the dead server's state;
// SIGTERM flushes the rest and exits 0. The log it wrote, feedback lines included, is read by
// `cairn monitor drift` (spawned) and `monitor performance` (in process).
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, cairnSpawn, cleanup } from '../helpers.js';
import { call, JS_PREDICTOR, logLines, servedRepo } from '../serve-helpers.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  cleanup();
});

interface Started {
  url: string;
  log: string;
  state: { pid: number; stable: { version: string } };
}

async function spawnServe(dir: string): Promise<{ p: ChildProcess; s: Started; stderr: () => string; exited: Promise<number | null> }> {
  const p = cairnSpawn(dir, ['serve', 'clf@production', '--predictor', JS_PREDICTOR, '--port', '0', '--json']);
  children.push(p);
  let stdout = '';
  let stderr = '';
  p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => p.on('exit', (c) => resolve(c)));
  const s = await new Promise<Started>((resolve, reject) => {
    p.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      try {
        resolve(JSON.parse(stdout) as Started);
      } catch {
        // not whole yet
      }
    });
    void exited.then((code) => reject(new Error(`cairn serve exited ${code}: ${stderr}`)));
  });
  return { p, s, stderr: () => stderr, exited };
}

describe('cairn serve (CLI)', () => {
  it('kill -9 loses at most the last batch; SIGTERM flushes and exits 0; monitor reads the log', async () => {
    const dir = await servedRepo();
    // batches of 10 lines, never flushed by time
    writeFileSync(join(dir, '.cairn', 'config.yaml'), 'serve:\n  batch_lines: 10\n  batch_ms: 60000\n');
    const a = await spawnServe(dir);
    expect(a.s.state.stable.version).toBe('v1.0.0');
    expect(a.s.log).toBe(join(dir, '.cairn', 'serve', 'requests.jsonl'));
    for (let i = 0; i < 25; i++) expect((await call(`${a.s.url}/predict`, 'POST', { x1: i, x2: 10 }, { 'x-request-id': `k-${i}` })).status).toBe(200);
    a.p.kill('SIGKILL');
    await a.exited;
    let lines = logLines(a.s.log); // throws on a torn line
    expect(lines.map((l) => l.id)).toEqual(Array.from({ length: 20 }, (_, i) => `k-${i}`));
    const statePath = join(dir, '.cairn', 'serve', 'state.json');
    expect(JSON.parse(readFileSync(statePath, 'utf8')).pid).toBe(a.s.state.pid); // left behind by the dead server

    const b = await spawnServe(dir);
    try {
      for (let i = 0; i < 30; i++) {
        expect((await call(`${b.s.url}/predict`, 'POST', { rows: [{ x1: i, x2: 10 }] }, { 'x-request-id': `e2e-${i}` })).status).toBe(200);
        await call(`${b.s.url}/feedback`, 'POST', { id: `e2e-${i}`, label: i > 10 ? 1 : 0 });
      }
      for (let i = 30; i < 35; i++) await call(`${b.s.url}/predict`, 'POST', { x1: i, x2: 10 }, { 'x-request-id': `e2e-${i}` });
      expect((await call(`${b.s.url}/healthz`, 'GET')).status).toBe(200);
    } finally {
      b.p.kill('SIGTERM');
    }
    expect(await b.exited, b.stderr()).toBe(0);
    expect(b.stderr()).toMatch(/^$/);
    expect(existsSync(statePath)).toBe(false);
    lines = logLines(b.s.log);
    expect(lines).toHaveLength(20 + 35 + 30);
    expect(lines.filter((l) => l.type === 'feedback')).toHaveLength(30);

    writeFileSync(join(dir, 'ref.csv'), 'x1,x2\n' + Array.from({ length: 35 }, (_, i) => `${i},10`).join('\n') + '\n');
    const drift = cairn(dir, ['monitor', 'drift', '-r', 'ref.csv', '-c', b.s.log, '--columns', 'x1,x2', '--json']);
    expect(drift.code, drift.stderr).toBe(0);
    expect(JSON.parse(drift.stdout).drift).toBe(false);
    const { monitorPerformance } = await import('../../src/api/monitor-performance.js');
    expect((await monitorPerformance({ cwd: dir, log: b.s.log })).overall).toMatchObject({ predictions: 55, labelled: 30, value: 1 });
  });
});
