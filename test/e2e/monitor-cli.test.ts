// cairn monitor drift, spawned: exit 0 without drift, 4 with it (text, --json, --md), the HTML
// page rendered in headless chromium with bars in every chart, --on-drift running a real
// command once per cooldown, exit 2 on bad flags.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { categories, csv, normals, rng } from '../drift-helpers.js';
import Ajv from 'ajv';
import { cairn, cleanup, ROOT, tempDir } from '../helpers.js';
import { CHROMIUM, hasChromium, renderPage } from '../plots-browser.js';

afterEach(() => cleanup());

function project(): string {
  const dir = tempDir('cairn-monitor-cli-');
  mkdirSync(join(dir, '.cairn'));
  const r = rng(21);
  writeFileSync(join(dir, 'ref.csv'), csv({ bill: normals(r, 500, 44, 5), flipper: normals(r, 500, 200, 14), island: categories(r, 500, ['Biscoe', 'Dream', 'Torgersen'], [0.5, 0.35, 0.15]) }));
  writeFileSync(join(dir, 'calm.csv'), csv({ bill: normals(r, 300, 44, 5), flipper: normals(r, 300, 200, 14), island: categories(r, 300, ['Biscoe', 'Dream', 'Torgersen'], [0.5, 0.35, 0.15]) }));
  writeFileSync(join(dir, 'shifted.csv'), csv({ bill: normals(r, 300, 48, 5), flipper: normals(r, 300, 210, 14), island: categories(r, 300, ['Biscoe', 'Dream', 'Torgersen'], [0.5, 0.35, 0.15]) }));
  return dir;
}

describe('cairn monitor drift', () => {
  it('exit 0 on an unshifted batch, 4 on a shifted one; --json and --md', () => {
    const dir = project();
    const calm = cairn(dir, ['monitor', 'drift', '--reference', 'ref.csv', '--current', 'calm.csv']);
    expect(calm.code, calm.stderr).toBe(0);
    expect(calm.stdout).toMatch(/^no drift: 0 of 3 columns drifted/);
    const j = cairn(dir, ['monitor', 'drift', '-r', 'ref.csv', '-c', 'shifted.csv', '--json']);
    expect(j.code).toBe(4);
    const r = JSON.parse(j.stdout);
    expect(r).toMatchObject({ verdict: 'fail', drift: true, drifted: 2, tested: 3 });
    expect(r.columns.map((c: { column: string; kind: string; test: string; drift: boolean }) => [c.column, c.kind, c.test, c.drift])).toEqual([
      ['bill', 'numeric', 'ks', true],
      ['flipper', 'numeric', 'ks', true],
      ['island', 'categorical', 'chi2', false],
    ]);
    for (const c of r.columns) expect(typeof c.psi).toBe('number');
    // the documented shape (schema/drift-report.schema.json)
    const check = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schema', 'drift-report.schema.json'), 'utf8')));
    expect(check(r), JSON.stringify(check.errors)).toBe(true);
    const withAll = JSON.parse(cairn(dir, ['monitor', 'drift', '-r', 'ref.csv', '-c', 'shifted.csv', '--json', '--correction', 'holm', '--min-effect', '0.1', '--on-drift', 'true']).stdout);
    expect(check(withAll), JSON.stringify(check.errors)).toBe(true);
    expect(withAll.columns[0].p_adjusted).toBeGreaterThanOrEqual(withAll.columns[0].p_value);
    const md = cairn(dir, ['monitor', 'drift', '-r', 'ref.csv', '-c', 'shifted.csv', '--md']);
    expect(md.code).toBe(4);
    expect(md.stdout).toContain('| bill | numeric | ks |');
    expect(md.stdout).toContain('### Drift: 🔴 DRIFT: 2 of 3 columns drifted');
    // a threshold and share that say otherwise
    const lax = cairn(dir, ['monitor', 'drift', '-r', 'ref.csv', '-c', 'shifted.csv', '--drift-share', '0.9', '--json']);
    expect(lax.code).toBe(0);
    const only = cairn(dir, ['monitor', 'drift', '-r', 'ref.csv', '-c', 'shifted.csv', '--columns', 'island', '--json']);
    expect(JSON.parse(only.stdout).columns.map((c: { column: string }) => c.column)).toEqual(['island']);
    expect(only.code).toBe(0);
  });

  it('--on-drift runs the command on drift, then waits out the cooldown', () => {
    const dir = project();
    const cmd = 'echo retraining >> retrain.log';
    const a = cairn(dir, ['monitor', 'drift', '-r', 'ref.csv', '-c', 'shifted.csv', '--on-drift', cmd, '--cooldown', '1h']);
    expect(a.code).toBe(4);
    expect(a.stdout).toContain(`on drift: ran \`${cmd}\` (exit 0)`);
    const b = cairn(dir, ['monitor', 'drift', '-r', 'ref.csv', '-c', 'shifted.csv', '--on-drift', cmd, '--cooldown', '1h', '--json']);
    expect(b.code).toBe(4);
    expect(JSON.parse(b.stdout).on_drift).toMatchObject({ ran: false, reason: 'cooldown' });
    const c = cairn(dir, ['monitor', 'drift', '-r', 'ref.csv', '-c', 'calm.csv', '--on-drift', cmd]);
    expect(c.code).toBe(0);
    expect(readFileSync(join(dir, 'retrain.log'), 'utf8')).toBe('retraining\n');
  });

  it.skipIf(!hasChromium())(`--html: one page, a bar chart per column, rendered (${CHROMIUM})`, () => {
    const dir = project();
    const r = cairn(dir, ['monitor', 'drift', '-r', 'ref.csv', '-c', 'shifted.csv', '--html', 'drift.html']);
    expect(r.code).toBe(4);
    expect(r.stdout).toContain('wrote drift.html');
    const page = renderPage(join(dir, 'drift.html'));
    expect(page.status.errors).toEqual([]);
    expect(page.status.rendered).toBe(3);
    for (const c of page.status.charts) expect(c.marks, c.id).toBeGreaterThan(0);
  });

  it('bad flags exit 2 and write nothing', () => {
    const dir = project();
    for (const args of [['--test', 'bill=ttest'], ['--threshold', 'ks=5'], ['--since', '1h'], ['--current-as', 'sometimes'], ['--test', 'island=ks'], ['--cooldown', 'soon', '--on-drift', 'true']]) {
      const r = cairn(dir, ['monitor', 'drift', '-r', 'ref.csv', '-c', 'shifted.csv', ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/^error: /);
    }
    expect(existsSync(join(dir, '.cairn', 'state', 'monitor-on-drift.json'))).toBe(false);
    const missing = cairn(dir, ['monitor', 'drift', '-r', 'nope.csv', '-c', 'shifted.csv']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.csv');
  });
});

describe('cairn monitor performance', () => {
  function logs(dir: string, badFrom: number): void {
    const t = Date.parse('2026-03-01T10:00:00Z');
    const lines: string[] = [];
    const fb: string[] = [];
    for (let i = 0; i < 120; i++) {
      const y = i % 3 === 0 ? 'Adelie' : 'Gentoo';
      const right = i < badFrom || i % 4 === 0;
      lines.push(JSON.stringify({ time: new Date(t + i * 60_000).toISOString(), id: `r${i}`, model: 'p', version: 'v1.0.0', variant: 'stable', inputs: { x: i }, outputs: [right ? y : y === 'Adelie' ? 'Gentoo' : 'Adelie'], latency_ms: 1, status: 'ok' }));
      fb.push(JSON.stringify({ time: new Date(t + i * 60_000 + 30_000).toISOString(), id: `r${i}`, label: y }));
    }
    writeFileSync(join(dir, 'requests.jsonl'), lines.join('\n') + '\n');
    writeFileSync(join(dir, 'feedback.jsonl'), fb.join('\n') + '\n');
  }
  it('exit 0 above the floor, 4 when a window falls below it, 2 on bad flags; inconclusive on too few labels', () => {
    const dir = tempDir('cairn-perf-cli-');
    logs(dir, 60);
    const r = cairn(dir, ['monitor', 'performance', '--log', 'requests.jsonl', '--feedback', 'feedback.jsonl', '--floor', '0.8', '--json']);
    expect(r.code, r.stderr).toBe(4);
    const j = JSON.parse(r.stdout);
    expect(j.windows.map((w: { status: string }) => w.status)).toEqual(['ok', 'alert']);
    expect(j.windows[0].value).toBe(1);
    const ok = cairn(dir, ['monitor', 'performance', '--log', 'requests.jsonl', '--feedback', 'feedback.jsonl', '--floor', '0.2']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^ok: no window past the floor 0\.2; accuracy/);
    const few = cairn(dir, ['monitor', 'performance', '--log', 'requests.jsonl', '--feedback', 'feedback.jsonl', '--floor', '0.8', '--min-labels', '1000']);
    expect(few.code).toBe(0);
    expect(few.stdout).toMatch(/^inconclusive: no window has 1000 labels/);
    expect(cairn(dir, ['monitor', 'performance', '--log', 'requests.jsonl', '--feedback', 'feedback.jsonl', '--min-labels', '1000', '--on-inconclusive', 'fail']).code).toBe(4);
    for (const bad of [['--floor', 'high'], ['--metric', 'f1'], ['--metric', 'mae', '--floor', '1'], ['--window', 'weekly']]) {
      const b = cairn(dir, ['monitor', 'performance', '--log', 'requests.jsonl', ...bad]);
      expect(b.code, bad.join(' ')).toBe(2);
    }
  });
});

describe('identical data in different formats', () => {
  it('the same table as CSV, JSON Lines and Parquet never drifts', () => {
    for (const [ref, cur] of [['seeded.csv', 'seeded.parquet'], ['seeded.jsonl', 'seeded.csv']]) {
      const r = cairn(join(ROOT, 'fixtures', 'validate'), ['monitor', 'drift', '-r', ref, '-c', cur, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.tested).toBe(12);
      for (const c of j.columns) {
        expect(c.drift, c.column).toBe(false);
        expect(c.psi, c.column).toBe(0);
        if (c.p_value !== null) expect(c.p_value, c.column).toBe(1);
      }
    }
  });
});
