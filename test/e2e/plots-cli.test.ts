import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cairn, cleanup, gen, git, tempRepo } from '../helpers.js';

afterEach(cleanup);

const YAML = `stages:
  eval:
    cmd: node e.js
    metrics:
      - metrics.json:
          cache: false
    plots:
      - eval/predictions.csv:
          cache: false
      - eval/words.csv:
          cache: false
          template: linear
`;

function commit(dir: string, msg: string) {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', msg);
}

async function repo() {
  const dir = await tempRepo({
    'cairn.yaml': YAML,
    'eval/predictions.csv': 'actual,predicted\ncat,cat\ndog,cat\n',
    'eval/words.csv': 'word,tag\nhi,greeting\n',
    'metrics.json': '{"acc": 0.5, "model": "rf"}',
  });
  commit(dir, 'one');
  git(dir, 'tag', 'v1');
  gen(dir, { 'metrics.json': '{"acc": 0.75, "model": "rf"}' });
  commit(dir, 'two');
  return dir;
}

describe('cairn plots (spawned)', () => {
  it('show --json reports each chosen template and why; an empty chart warns on stderr naming the file and fields', async () => {
    const dir = await repo();
    const r = cairn(dir, ['plots', 'show', '--json']);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    const by = Object.fromEntries(res.plots.map((p: { path: string }) => [p.path, p]));
    expect(by['eval/predictions.csv']).toMatchObject({ template: 'confusion', templateReason: "columns 'actual' and 'predicted'", x: 'actual', y: ['predicted'], points: 2 });
    expect(by['eval/words.csv']).toMatchObject({ template: 'linear', templateReason: 'declared in cairn.yaml', points: 0 });
    expect(res.warnings).toHaveLength(1);
    expect(r.stderr).toBe(`warning: eval/words.csv: nothing to draw with template 'linear' (no numeric field for y); fields found: word (text), tag (text). Set template, x and y under plots: in cairn.yaml\n`);
    expect(existsSync(join(dir, 'cairn_plots'))).toBe(false);
  });

  it('diff writes the page and lists the templates; --strict exits 2 and still writes the page', async () => {
    const dir = await repo();
    const r = cairn(dir, ['plots', 'diff', 'HEAD~1', '-o', 'out']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`2 plot(s) of HEAD~1, workspace written to ${join(dir, 'out', 'index.html')}`);
    expect(r.stdout).toContain("  eval/predictions.csv: confusion (columns 'actual' and 'predicted'), 4 point(s)");
    expect(r.stdout).toContain('  eval/words.csv: linear (declared in cairn.yaml), nothing to draw');
    expect(r.stderr).toContain('warning: eval/words.csv: nothing to draw');
    const s = cairn(dir, ['plots', 'diff', '--strict', '-o', 'strict']);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/^error: 1 plot\(s\) with nothing to draw \(--strict\): eval\/words\.csv: nothing to draw with template 'linear'.*fields found: word \(text\), tag \(text\)/);
    expect(s.stderr).toContain(`hint: declare template, x and y for eval/words.csv under plots: in cairn.yaml; the page is ${join(dir, 'strict', 'index.html')}`);
    expect(readFileSync(join(dir, 'strict', 'index.html'), 'utf8')).toContain('class="empty"');
    // strict on a plot that draws is fine
    expect(cairn(dir, ['plots', 'show', '--strict', '--targets', 'eval/predictions.csv', '--json']).code).toBe(0);
  });

  it('plots metrics: a table on stdout and the page; --json gives the same data; bad --revs is exit 2', async () => {
    const dir = await repo();
    const sha = (rev: string) => git(dir, 'rev-parse', '--short=7', rev).trim();
    const r = cairn(dir, ['plots', 'metrics']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^metric\\s+${sha('HEAD~1')} \\(v1\\)\\s+${sha('HEAD')}$`));
    expect(r.stdout).toMatch(/\nacc\s+0\.5\s+0\.75\n/);
    expect(r.stdout).toContain(`1 metric(s) over 2 revision(s) written to ${join(dir, 'cairn_plots', 'metrics.html')}`);
    expect(existsSync(join(dir, 'cairn_plots', 'metrics.html'))).toBe(true);
    const j = JSON.parse(cairn(dir, ['plots', 'metrics', '--revs', '1', '--json']).stdout);
    expect(j.revisions).toEqual([{ rev: sha('HEAD'), oid: git(dir, 'rev-parse', 'HEAD').trim(), short: sha('HEAD'), tags: [], label: sha('HEAD') }]);
    expect(j.metrics).toEqual([{ path: 'metrics.json', key: 'acc', metric: 'acc', values: [0.75] }]);
    expect(j.skipped).toEqual([{ path: 'metrics.json', key: 'model' }]);
    expect(j.data).toEqual([{ label: sha('HEAD'), rev: sha('HEAD'), metric: 'acc', value: 0.75 }]);
    expect(j.spec.concat).toHaveLength(1);
    const revs = JSON.parse(cairn(dir, ['plots', 'metrics', 'v1', 'workspace', '--json']).stdout);
    expect(revs.revisions.map((v: { label: string }) => v.label)).toEqual([`${sha('v1')} (v1)`, 'workspace']);
    for (const bad of [['--revs', '0'], ['--revs', 'x'], ['--revs', '2', 'HEAD'], ['nope']]) {
      const b = cairn(dir, ['plots', 'metrics', ...bad]);
      expect(b.code, bad.join(' ')).toBe(2);
      expect(b.stderr).toMatch(bad[0] === 'nope' ? /^error: unknown revision 'nope'/ : bad[1] === 'x' ? /^error: --revs must be a positive whole number, got 'x'/ : /^error: /);
    }
  });
});
