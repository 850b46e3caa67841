// bench/report: `cairn report` (one process: metrics, params, data, lineage, plots as Mermaid
// and SVG) vs the peer, the same parts assembled the way a CML-style script does it: `cairn
// metrics diff --md`, `params diff --md`, `lineage --md` and `plots diff` (the HTML page), one
// process each. A pipeline with a model, metrics and a 2,000-point plot, changed on a branch.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { best, cairn, freshRepo, report, sh } from './lib.mjs';

const base = process.env.BENCH_DIR ?? '/tmp/cairn-bench/report';
const repo = freshRepo(join(base, 'repo'));
const git = (...a) => sh(repo, 'git', ['-c', 'user.name=b', '-c', 'user.email=b@x', ...a]);
writeFileSync(join(repo, 'params.yaml'), 'lr: 0.1\n');
writeFileSync(join(repo, 'data.csv'), Array.from({ length: 5000 }, (_, i) => `${i},${(i * 7919) % 13}`).join('\n') + '\n');
writeFileSync(join(repo, 'train.mjs'), `import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
const lr = Number(/lr: ([\\d.]+)/.exec(readFileSync('params.yaml', 'utf8'))[1]);
mkdirSync('models', { recursive: true }); mkdirSync('eval', { recursive: true });
writeFileSync('models/model.bin', Buffer.alloc(1 << 20, lr * 10));
writeFileSync('metrics.json', JSON.stringify({ acc: 0.8 + lr / 10, loss: 1 - lr }));
writeFileSync('eval/loss.csv', 'step,loss\\n' + Array.from({ length: 2000 }, (_, i) => (i + 1) + ',' + (1 / (1 + i * lr)).toFixed(5)).join('\\n') + '\\n');
`);
writeFileSync(join(repo, 'cairn.yaml'), 'stages:\n  train:\n    cmd: node train.mjs\n    deps: [train.mjs, data.csv]\n    params: [lr]\n    outs: [models/model.bin]\n    metrics:\n      - metrics.json: {cache: false}\n    plots:\n      - eval/loss.csv: {x: step, y: loss}\n');
cairn(repo, 'add', 'data.csv');
cairn(repo, 'repro');
git('add', '-A');
git('commit', '-qm', 'base');
git('branch', '-M', 'main');
git('checkout', '-qb', 'change');
writeFileSync(join(repo, 'params.yaml'), 'lr: 0.2\n');
cairn(repo, 'repro');

const out = join(base, 'out');
const peer = best(3, () => cairn(repo, 'metrics', 'diff', 'main', 'workspace', '--md') + cairn(repo, 'params', 'diff', 'main', 'workspace', '--md') + cairn(repo, 'lineage', 'models/model.bin', '--md') + cairn(repo, 'plots', 'diff', 'main', '-o', out));
const noSvg = best(3, () => cairn(repo, 'report', '--base', 'main', '--md', '--no-svg', '--dir', out));
const withSvg = best(3, () => cairn(repo, 'report', '--base', 'main', '--md', '--dir', out));
report('report (Mermaid only)', 'metrics+params+lineage+plots, 4 processes', peer, noSvg);
report('report (Mermaid + SVG by vega in Node)', 'metrics+params+lineage+plots, 4 processes', peer, withSvg);
