// api/monitorDrift against temp folders: a CSV reference against a JSON Lines current and a
// request log, the on-drift command under a cooldown with an injected clock and runner, the
// cooldown persisted in .cairn/state/, errors for bad input.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { monitorDrift } from '../../src/api/monitor-drift.js';
import { categories, csv, normals, rng } from '../drift-helpers.js';
import { cleanup, tempDir } from '../helpers.js';

afterEach(() => cleanup());

function project(shift: number): string {
  const dir = tempDir('cairn-monitor-');
  mkdirSync(join(dir, '.cairn'));
  const r = rng(11);
  writeFileSync(join(dir, 'ref.csv'), csv({ x: normals(r, 400), y: normals(r, 400, 3), c: categories(r, 400, ['a', 'b'], [0.6, 0.4]) }));
  const x = normals(r, 300, shift);
  const y = normals(r, 300, 3 + shift);
  const c = categories(r, 300, ['a', 'b'], [0.6, 0.4]);
  writeFileSync(join(dir, 'cur.jsonl'), Array.from(x, (v, i) => JSON.stringify({ x: v, y: y[i], c: c[i] })).join('\n') + '\n');
  const t = Date.parse('2026-03-01T12:00:00Z');
  const lines = Array.from(x, (v, i) => JSON.stringify({ time: new Date(t - (300 - i) * 60_000).toISOString(), id: `r${i}`, model: 'm', version: 'v1.0.0', variant: 'stable', inputs: [{ x: v, y: y[i], c: c[i] }], outputs: [1], latency_ms: 2, status: 'ok' }));
  writeFileSync(join(dir, 'requests.jsonl'), lines.join('\n') + '\n');
  return dir;
}

describe('monitorDrift', () => {
  it('no shift: pass; a shifted batch: fail, with the documented JSON fields', async () => {
    const calm = await monitorDrift({ cwd: project(0), reference: 'ref.csv', current: 'cur.jsonl' });
    expect(calm).toMatchObject({ verdict: 'pass', drift: false, share: 0 });
    expect(calm.current.source).toBe('table');
    const dir = project(1);
    const r = await monitorDrift({ cwd: dir, reference: 'ref.csv', current: 'cur.jsonl' });
    expect(r).toMatchObject({ verdict: 'fail', drift: true, drifted: 2, tested: 3 });
    expect(r.share).toBeCloseTo(2 / 3, 12);
    for (const c of r.columns) expect(Object.keys(c)).toEqual(expect.arrayContaining(['column', 'kind', 'test', 'statistic', 'p_value', 'psi', 'drift']));
    expect(r.columns.map((c) => [c.column, c.kind, c.test, c.drift])).toEqual([['x', 'numeric', 'ks', true], ['y', 'numeric', 'ks', true], ['c', 'categorical', 'chi2', false]]);
  });

  it('reads a request log; --since keeps the last hour', async () => {
    const dir = project(1);
    const now = () => new Date('2026-03-01T12:00:00Z');
    const r = await monitorDrift({ cwd: dir, reference: 'ref.csv', current: 'requests.jsonl', since: '1h', now });
    expect(r.current).toMatchObject({ source: 'request-log', rows: 60, since: '2026-03-01T11:00:00.000Z', log: { lines: 300, kept: 60, rows: 60 } });
    expect(r.drift).toBe(true);
    await expect(monitorDrift({ cwd: dir, reference: 'ref.csv', current: 'cur.jsonl', since: '1h' })).rejects.toThrow(/--since filters a request log/);
  });

  it('--on-drift runs once per cooldown (clock and runner injected), the last run kept in .cairn/state/', async () => {
    const dir = project(1);
    const ran: string[] = [];
    const runCommand = async (cmd: string, cwd: string) => {
      ran.push(`${cmd} in ${cwd}`);
      return 0;
    };
    const at = (iso: string) => () => new Date(iso);
    const base = { cwd: dir, reference: 'ref.csv', current: 'cur.jsonl', onDrift: 'cairn repro', cooldown: '1h', runCommand };
    const first = await monitorDrift({ ...base, now: at('2026-03-01T12:00:00Z') });
    expect(first.on_drift).toEqual({ command: 'cairn repro', ran: true, reason: 'drift', exit_code: 0 });
    const state = JSON.parse(readFileSync(join(dir, '.cairn', 'state', 'monitor-on-drift.json'), 'utf8'));
    expect(state).toEqual({ 'cairn repro': { last: '2026-03-01T12:00:00.000Z' } });
    const second = await monitorDrift({ ...base, now: at('2026-03-01T12:30:00Z') });
    expect(second.on_drift).toEqual({ command: 'cairn repro', ran: false, reason: 'cooldown', next_allowed: '2026-03-01T13:00:00.000Z' });
    const third = await monitorDrift({ ...base, now: at('2026-03-01T13:00:01Z') });
    expect(third.on_drift!.ran).toBe(true);
    expect(ran).toEqual([`cairn repro in ${dir}`, `cairn repro in ${dir}`]);
    // no drift: nothing runs
    const calm = await monitorDrift({ ...base, cwd: project(0), now: at('2026-03-01T14:00:00Z') });
    expect(calm.on_drift).toEqual({ command: 'cairn repro', ran: false, reason: 'no drift' });
    expect(ran).toHaveLength(2);
  });

  it('a corrupt cooldown state counts as no earlier run', async () => {
    const dir = project(1);
    mkdirSync(join(dir, '.cairn', 'state'), { recursive: true });
    writeFileSync(join(dir, '.cairn', 'state', 'monitor-on-drift.json'), '{"cairn repro": {"last": "yesterday"}, "__proto__": {"last": 1}');
    const r = await monitorDrift({ cwd: dir, reference: 'ref.csv', current: 'cur.jsonl', onDrift: 'cairn repro', runCommand: async () => 3 });
    expect(r.on_drift).toMatchObject({ ran: true, exit_code: 3 });
  });

  it('--html writes one page with a histogram per column; the JSON keeps no bins', async () => {
    const dir = project(1);
    const r = await monitorDrift({ cwd: dir, reference: 'ref.csv', current: 'cur.jsonl', html: 'reports/drift.html' });
    const page = readFileSync(join(dir, 'reports', 'drift.html'), 'utf8');
    expect(page).toContain('vegaEmbed');
    for (const c of ['x', 'y', 'c']) expect(page).toContain(`<h2>${c}</h2>`);
    expect(page.match(/<section class="plot">/g)).toHaveLength(3);
    expect(page).toContain('"sample":"reference"');
    expect(r.html).toBe('reports/drift.html');
    expect(r.columns.every((c) => !('bins' in c))).toBe(true);
  });

  it('bad input: an unknown column, a missing file, an empty reference', async () => {
    const dir = project(0);
    await expect(monitorDrift({ cwd: dir, reference: 'ref.csv', current: 'cur.jsonl', flags: { columns: ['nope'] } })).rejects.toMatchObject({ code: 'CAIRN_USAGE' });
    await expect(monitorDrift({ cwd: dir, reference: 'missing.csv', current: 'cur.jsonl' })).rejects.toMatchObject({ code: 'CAIRN_NOT_FOUND' });
    writeFileSync(join(dir, 'empty.csv'), 'x,y\n');
    await expect(monitorDrift({ cwd: dir, reference: 'empty.csv', current: 'cur.jsonl' })).rejects.toMatchObject({ code: 'CAIRN_BAD_DATA' });
    expect(existsSync(join(dir, '.cairn', 'state', 'monitor-on-drift.json'))).toBe(false);
  });
});
