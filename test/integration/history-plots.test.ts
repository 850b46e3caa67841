import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cleanup, gen, git, tempDir, tempRepo } from '../helpers.js';
import { plots } from '../../src/api/plots.js';

afterEach(cleanup);
const CHROMIUM = '/usr/bin/chromium';

function commit(dir: string, msg: string) {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', msg);
}

const YAML = `stages:
  train:
    cmd: node t.js
    plots:
      - loss.csv:
          cache: false
          x: step
          y: loss
          title: Training loss
      - cm.json:
          cache: false
          template: confusion
          x: actual
          y: predicted
`;

async function plotRepo() {
  const dir = await tempRepo({
    'cairn.yaml': YAML,
    'loss.csv': 'step,loss\n1,0.9\n2,0.6\n3,0.4\n',
    'cm.json': JSON.stringify([{ actual: 'a', predicted: 'a' }, { actual: 'b', predicted: 'a' }]),
  });
  commit(dir, 'one');
  gen(dir, { 'loss.csv': 'step,loss\n1,0.8\n2,0.5\n3,0.2\n' });
  commit(dir, 'two');
  gen(dir, { 'loss.csv': 'step,loss\n1,0.7\n2,0.3\n3,0.1\n' });
  return dir;
}

describe('plots', () => {
  it('overlays revisions in long-format data and reports a missing file in errors', async () => {
    const dir = await plotRepo();
    const r = await plots({ cwd: dir, revs: ['HEAD~1', 'HEAD', 'workspace'], html: false });
    const loss = r.plots.find((p) => p.path === 'loss.csv')!;
    expect(loss.title).toBe('Training loss');
    expect(loss.data.filter((d) => d.rev === 'HEAD~1').map((d) => d.y)).toEqual([0.9, 0.6, 0.4]);
    expect(new Set(loss.data.map((d) => d.series))).toEqual(new Set(['HEAD~1', 'HEAD', 'workspace']));
    const bad = await plots({ cwd: dir, revs: ['HEAD'], targets: ['nope.csv'], html: false });
    expect(bad.errors[0]).toMatchObject({ rev: 'HEAD', path: 'nope.csv' });
  });

  it('the HTML page renders in headless chromium with no errors and one line per revision', async (ctx) => {
    if (!existsSync(CHROMIUM)) {
      console.warn(`skipped: ${CHROMIUM} not installed (apt-get install chromium)`);
      ctx.skip();
    }
    const dir = await plotRepo();
    const r = await plots({ cwd: dir, revs: ['HEAD~1', 'HEAD', 'workspace'] });
    const html = readFileSync(r.html!, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=/);
    const profile = tempDir('cairn-chromium-');
    const c = spawnSync(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', `--user-data-dir=${profile}`, '--virtual-time-budget=15000', '--dump-dom', `file://${r.html}`],
      { encoding: 'utf8', timeout: 60_000 },
    );
    const m = /<pre id="cairn-status">([^<]*)<\/pre>/.exec(c.stdout);
    expect(m, c.stderr).toBeTruthy();
    const status = JSON.parse(m![1]!.replace(/&quot;/g, '"'));
    expect(status).toEqual({ rendered: 2, errors: [] });
    // one <path> per series inside the line mark group
    const lines = c.stdout.match(/<path[^>]*aria-roledescription="line mark"[^>]*>/g) ?? c.stdout.match(/class="mark-line role-mark[^"]*"[^>]*>\s*<path/g) ?? [];
    expect(lines.length).toBe(3);
  });
});
