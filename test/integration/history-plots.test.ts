import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, gen, git, tempDir, tempRepo } from '../helpers.js';
import { hasChromium, CHROMIUM, renderPage } from '../plots-browser.js';
import { plots } from '../../src/api/plots.js';
import { plotsMetrics } from '../../src/api/plots-metrics.js';
import { CairnError } from '../../src/core/errors.js';

afterEach(cleanup);

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

/** Plots that declare nothing but their paths; one that cannot draw under its declared template. */
const UNDECLARED = `stages:
  eval:
    cmd: node e.js
    plots:
      - preds.csv:
          cache: false
      - curve.csv:
          cache: false
      - roc.csv:
          cache: false
      - words.csv:
          cache: false
          template: linear
`;

async function defaultsRepo() {
  const dir = await tempRepo({
    'cairn.yaml': UNDECLARED,
    'preds.csv': 'actual,predicted\ncat,cat\ncat,dog\ndog,dog\n',
    'curve.csv': 'epoch,loss\n1,0.9\n2,0.5\n',
    'roc.csv': 'fpr,tpr\n0,0\n0.2,0.7\n1,1\n',
    'words.csv': 'word,tag\nhello,greeting\n',
  });
  commit(dir, 'one');
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
    expect(r.warnings).toEqual([]);
    const bad = await plots({ cwd: dir, revs: ['HEAD'], targets: ['nope.csv'], html: false });
    expect(bad.errors[0]).toMatchObject({ rev: 'HEAD', path: 'nope.csv' });
    // nothing read, so nothing to draw: said, not silent
    expect(bad.warnings).toEqual(['nope.csv: no rows to plot at HEAD; fields found: none']);
  });

  it('chooses each undeclared template from the columns and says why; warns about the one with nothing to draw', async () => {
    const dir = await defaultsRepo();
    const r = await plots({ cwd: dir, html: false });
    const by = Object.fromEntries(r.plots.map((p) => [p.path, p]));
    expect(by['preds.csv']).toMatchObject({ template: 'confusion', templateReason: "columns 'actual' and 'predicted'", points: 3 });
    expect(by['curve.csv']).toMatchObject({ template: 'linear', x: 'epoch', y: ['loss'], points: 2 });
    expect(by['roc.csv']).toMatchObject({ template: 'scatter', x: 'fpr', y: ['tpr'], points: 3 });
    expect(by['words.csv']).toMatchObject({ template: 'linear', templateReason: 'declared in cairn.yaml', points: 0 });
    expect(r.warnings).toEqual([by['words.csv']!.warning]);
    expect(r.warnings[0]).toContain("words.csv: nothing to draw with template 'linear'");
    expect(r.warnings[0]).toContain('fields found: word (text), tag (text)');
  });

  it('strict: the page is written, then CAIRN_BAD_PLOT (exit 2) names the empty plot', async () => {
    const dir = await defaultsRepo();
    const e = await plots({ cwd: dir, strict: true }).catch((x) => x);
    expect(e).toBeInstanceOf(CairnError);
    expect(e.code).toBe('CAIRN_BAD_PLOT');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('words.csv: nothing to draw');
    expect(e.data.plots).toEqual(['words.csv']);
    const html = readFileSync(e.data.html, 'utf8');
    expect(html).toContain('<p class="empty" role="alert">words.csv: nothing to draw with template &#39;linear&#39;');
    // strict with nothing empty is quiet
    const ok = await plots({ cwd: dir, targets: ['preds.csv'], strict: true, html: false });
    expect(ok.warnings).toEqual([]);
  });

  it('no plots declared: a warning and the message on the page, not a blank page', async () => {
    const dir = await tempRepo({ 'cairn.yaml': 'stages:\n  a:\n    cmd: echo\n' });
    const r = await plots({ cwd: dir });
    expect(r.plots).toEqual([]);
    expect(r.warnings).toEqual(['no plots: no `plots:` out in any cairn.yaml at workspace, and no --targets given']);
    expect(readFileSync(r.html!, 'utf8')).toContain('<p class="empty" role="alert">no plots: no `plots:` out');
    await expect(plots({ cwd: dir, strict: true, html: false })).rejects.toMatchObject({ code: 'CAIRN_BAD_PLOT' });
  });

  it('the HTML page renders in headless chromium: no errors, marks in every chart, the empty one shows its message', async (ctx) => {
    if (!hasChromium()) {
      console.warn(`skipped: ${CHROMIUM} not installed (apt-get install chromium)`);
      ctx.skip();
    }
    const dir = await plotRepo();
    const r = await plots({ cwd: dir, revs: ['HEAD~1', 'HEAD', 'workspace'] });
    const html = readFileSync(r.html!, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=/);
    const page = renderPage(r.html!);
    expect(page.status).toMatchObject({ rendered: 2, errors: [], empty: 0 });
    // cm.json is plot-0 (paths sorted), loss.csv plot-1
    expect(page.status.charts.map((c) => c.id)).toEqual(['plot-0', 'plot-1']);
    for (const c of page.status.charts) expect(c.marks, c.id).toBeGreaterThan(0);
    // the DOM agrees: one line per revision; confusion cells with their counts as text (2 cells per revision: a→a, b→a)
    expect(page.svgMarks.get('plot-1')).toEqual({ line: 3 });
    expect(page.svgMarks.get('plot-0')).toEqual({ rect: 6, text: 6 });
    expect(page.dom).toMatch(/<text[^>]*>1<\/text>/);

    const d = await defaultsRepo();
    const e = await plots({ cwd: d });
    const p2 = renderPage(e.html!);
    expect(p2.status).toMatchObject({ rendered: 3, errors: [], empty: 1 });
    for (const c of p2.status.charts) expect(c.marks, c.id).toBeGreaterThan(0);
    expect(p2.dom).toContain('words.csv: nothing to draw with template');
    expect(p2.svgMarks.get('plot-3')).toEqual({});
  });
});

const METRICS_YAML = `stages:
  train:
    cmd: node t.js
    metrics:
      - m.json:
          cache: false
`;

async function metricsRepo() {
  const dir = await tempRepo({ 'cairn.yaml': METRICS_YAML });
  commit(dir, 'pipeline, no metrics yet');
  const values = [0.5, 0.6, 0.55, 0.7];
  for (const [i, acc] of values.entries()) {
    gen(dir, { 'm.json': JSON.stringify({ acc, loss: 1 - acc, model: `m${i}`, eval: { n: 100 + i } }) });
    commit(dir, `run ${i}`);
    if (i === 1) git(dir, 'tag', 'v1');
    if (i === 2) git(dir, 'tag', '-a', 'v2', '-m', 'annotated');
  }
  return dir;
}

describe('plots metrics', () => {
  it('each numeric metric across the last N commits of the branch, oldest first, labelled by short sha and tag', async () => {
    const dir = await metricsRepo();
    const r = await plotsMetrics({ cwd: dir, last: 3, html: false });
    const shas = git(dir, 'log', '--format=%H', '-3').trim().split('\n').reverse();
    expect(r.revisions.map((v) => v.oid)).toEqual(shas);
    expect(r.revisions.map((v) => v.label)).toEqual([`${shas[0]!.slice(0, 7)} (v1)`, `${shas[1]!.slice(0, 7)} (v2)`, shas[2]!.slice(0, 7)]);
    expect(r.revisions[0]!.tags).toEqual(['v1']);
    expect(r.metrics.map((m) => [m.metric, m.values])).toEqual([
      ['acc', [0.6, 0.55, 0.7]],
      ['loss', [0.4, 0.44999999999999996, 0.30000000000000004]],
      ['eval.n', [101, 102, 103]],
    ]);
    expect(r.skipped).toEqual([{ path: 'm.json', key: 'model' }]);
    expect(r.data.filter((d) => d.metric === 'acc').map((d) => [d.label, d.value])).toEqual(r.revisions.map((v, i) => [v.label, [0.6, 0.55, 0.7][i]]));
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it('the default reaches back to the root: the commit without metrics is a gap plus an error', async () => {
    const dir = await metricsRepo();
    const r = await plotsMetrics({ cwd: dir, html: false });
    expect(r.revisions).toHaveLength(5);
    expect(r.metrics.find((m) => m.metric === 'acc')!.values).toEqual([null, 0.5, 0.6, 0.55, 0.7]);
    expect(r.errors).toEqual([{ rev: r.revisions[0]!.rev, path: 'm.json', message: `m.json at ${r.revisions[0]!.rev}: no such file` }]);
  });

  it('in a shallow clone the walk stops at the boundary instead of failing', async () => {
    const dir = await metricsRepo();
    const clone = tempDir('cairn-shallow-');
    git(clone, 'clone', '-q', '--depth', '2', `file://${dir}`, 'c');
    const c = join(clone, 'c');
    gen(c, { '.cairn/config.yaml': readFileSync(join(dir, '.cairn', 'config.yaml'), 'utf8') });
    const r = await plotsMetrics({ cwd: c, html: false });
    expect(r.revisions.map((v) => v.oid)).toEqual(git(dir, 'log', '--format=%H', '-2').trim().split('\n').reverse());
    expect(r.metrics.find((m) => m.metric === 'acc')!.values).toEqual([0.55, 0.7]);
  });

  it('explicit revisions in the order given (workspace allowed, duplicates dropped); --revs with revisions or 0 is a usage error', async () => {
    const dir = await metricsRepo();
    gen(dir, { 'm.json': JSON.stringify({ acc: 0.9 }) });
    const r = await plotsMetrics({ cwd: dir, revs: ['v1', 'v2', git(dir, 'rev-parse', 'v2^{commit}').trim(), 'workspace'], html: false });
    expect(r.revisions.map((v) => v.rev)).toEqual(['v1', 'v2', 'workspace']);
    expect(r.revisions[2]).toMatchObject({ short: 'workspace', label: 'workspace', tags: [] });
    expect(r.metrics.find((m) => m.metric === 'acc')!.values).toEqual([0.6, 0.55, 0.9]);
    await expect(plotsMetrics({ cwd: dir, revs: ['v1'], last: 2 })).rejects.toMatchObject({ code: 'CAIRN_USAGE' });
    await expect(plotsMetrics({ cwd: dir, last: 0 })).rejects.toMatchObject({ code: 'CAIRN_USAGE' });
    await expect(plotsMetrics({ cwd: dir, revs: ['nope'] })).rejects.toMatchObject({ code: 'CAIRN_BAD_REVISION' });
  });

  it('no numeric metric: a warning, the message in the page, strict throws', async () => {
    const dir = await tempRepo({ 'cairn.yaml': METRICS_YAML, 'm.json': '{"model": "rf"}' });
    commit(dir, 'one');
    const r = await plotsMetrics({ cwd: dir });
    expect(r.warnings).toEqual([`metrics: nothing to draw: no numeric metric in m.json at ${r.revisions[0]!.label} (not numbers: model)`]);
    expect(readFileSync(r.html!, 'utf8')).toContain('<p class="empty" role="alert">metrics: nothing to draw');
    await expect(plotsMetrics({ cwd: dir, strict: true })).rejects.toMatchObject({ code: 'CAIRN_BAD_PLOT' });
  });

  it('the trend page renders one line per metric in headless chromium', async (ctx) => {
    if (!hasChromium()) {
      console.warn(`skipped: ${CHROMIUM} not installed (apt-get install chromium)`);
      ctx.skip();
    }
    const dir = await metricsRepo();
    const r = await plotsMetrics({ cwd: dir, last: 4 });
    const page = renderPage(r.html!);
    expect(page.status).toMatchObject({ rendered: 1, errors: [], empty: 0 });
    // scenegraph items: a line mark has one item per vertex, so 3 metrics x (4 vertices + 4 points)
    expect(page.status.charts[0]!.marks).toBe(24);
    expect(page.svgMarks.get('plot-0')).toEqual({ line: 3, symbol: 12 });
    expect(page.dom).toContain('(v1)');
  });
});
