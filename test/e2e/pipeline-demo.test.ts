import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, ROOT, tempDir } from '../helpers.js';
import { CHROMIUM, hasChromium, renderPage } from '../plots-browser.js';

afterEach(() => cleanup());

describe('npm run demo', () => {
  it('runs the penguins project end to end: 5 stages, then 0, then only train and evaluate; a corrupted batch is stopped by validate', () => {
    const base = tempDir('cairn-demo-test-');
    const r = spawnSync(process.execPath, [join(ROOT, 'fixtures', 'demo', 'run-demo.mjs')], {
      encoding: 'utf8',
      env: { ...process.env, CAIRN_DEMO_DIR: base, NO_COLOR: '1' },
      timeout: 300_000, // the deploy section (serve, a rollout in 1 s steps) adds about 30 s
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(out).toContain(`cairn demo in ${join(base, 'penguins')}`);
    expect(out).toContain('$ cairn add data/penguins.json');
    const runs = out.split('\n### the gate')[0]!.split('$ cairn repro\n').slice(1).map((s) => s.split('\n$ ')[0]!);
    expect(runs).toHaveLength(7);
    // the param set back, then forward again: both restored from the run-cache, nothing runs
    const restored = runs.splice(3, 2);
    for (const r of restored) {
      expect(r).toContain("Stage 'train' restored from run-cache");
      expect(r).toContain('0 ran, 2 restored from run-cache, 3 unchanged');
    }
    expect(runs[0]).toContain("Running stage 'validate'");
    expect(runs[0]).toContain('5 ran, 0 restored from run-cache, 0 unchanged');
    expect(runs[1]).toContain('0 ran, 0 restored from run-cache, 5 unchanged');
    expect(runs[2]).toContain('2 ran, 0 restored from run-cache, 3 unchanged');
    // steps/validate.mjs: the corrupted batch fails validation (exit 4) and stops repro before prepare
    const v = out.split('### validate: a corrupted batch')[1]!.split('### validate: the good data')[0]!;
    expect(v).toContain('validate exit code: 4');
    expect(v).toMatch(/FAIL {2}Flipper Length \(mm\): min: 1 row .*\n +row 11: -181/);
    expect(v).toMatch(/FAIL {2}Species: nullable: 1 row .*\n +row 21: null/);
    expect(v).toMatch(/FAIL {2}Island: in: 1 row .*\n +row 31: "Atlantis"/);
    expect(runs[3]).toContain('0 ran, 0 restored from run-cache, 0 unchanged, 1 failed, 4 not run');
    expect(runs[3]).toContain('exited with code 4 (reports/validation.json: verdict fail, failed: Species: nullable (1), Island: in (1), Flipper Length (mm): min (1))');
    expect(runs[3]).not.toContain("Running stage 'prepare'");
    expect(v).toContain('repro exit code: 1; cairn.lock and models/model.json unchanged: yes');
    expect(runs[4]).toContain('0 ran, 1 restored from run-cache, 4 unchanged');
    expect(runs[2]).toMatch(/Running stage 'train' \(param 'train.n_estimators' \(params.yaml\) modified\)/);
    expect(runs[2]).toContain("Stage 'featurize' didn't change, skipping");
    const metrics = JSON.parse(readFileSync(join(base, 'penguins', 'metrics.json'), 'utf8'));
    expect(metrics.accuracy).toBeGreaterThan(0);
    expect(metrics.accuracy).toBeLessThanOrEqual(1);
    expect(readFileSync(join(base, 'penguins', 'cairn.lock'), 'utf8')).toContain('train.n_estimators: 40');
    // the stages `cairn stage add` wrote satisfy the editor schema
    const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'cairn.schema.json'), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(parse(readFileSync(join(base, 'penguins', 'cairn.yaml'), 'utf8')))).toBe(true);
    // status names the changed param before the third repro; metrics diff compares with HEAD
    expect(out).toContain('modified: params.yaml: train.n_estimators (20 -> 40)');
    expect(out).toMatch(/params\.yaml\s+train\.n_estimators\s+20\s+40/);
    expect(out).toMatch(/metrics\.json\s+accuracy\s+0\.\d+\s+0\.\d+/);
    expect(out).toContain('$ cairn push');
    expect(existsSync(join(base, 'remote'))).toBe(true);
    expect(out).toContain("Everything is in sync with remote 'local'");

    // the gate (fixtures/demo/steps/gate.mjs): three changes to the weather model, 1,170 held-out days
    const section = (title: string) => out.split(`### ${title}`)[1]!.split(/\n### (?!Model gate)/)[0]!;
    const worse = section('case 1, a clearly worse change');
    expect(worse).toMatch(/gate: FAIL {2}\(n = 1170, eval set data\/split\/test\.csv/);
    expect(worse).toMatch(/accuracy +beat +0\.5\d+ +0\.7\d+ +-0\.\d+ +95% \[-0\.\d+, -0\.\d+\] .* mcnemar-chi2 +fail/);
    expect(worse).toContain("stage 'gate' failed");
    expect(worse).toContain('(exit code 4)');
    expect(worse).toMatch(/nothing promoted: baseline\/predictions\.csv is still [0-9a-f]{32}/);
    const noise = section('case 2, a change within noise');
    expect(noise).toContain('gate: INCONCLUSIVE');
    expect(noise).toMatch(/accuracy: inconclusive at n = 1170; the smallest difference this eval set can detect is about ±0\.0\d+/);
    expect(noise).toContain('### Model gate: ⚠️ inconclusive');
    expect(noise).toContain('(exit code 4)');
    expect(noise).not.toMatch(/ fail\n/);
    const better = section('case 3, a real improvement');
    expect(better).toContain('gate: PASS');
    expect(better).not.toContain('(exit code');
    const report = JSON.parse(readFileSync(join(base, 'weather', 'eval', 'gate.json'), 'utf8'));
    expect(report.verdict).toBe('pass');
    expect(report.n).toBe(1170);
    expect(report.rules.filter((r: { kind: string }) => r.kind === 'beat').map((r: { test: string; verdict: string }) => [r.test, r.verdict])).toEqual([
      ['mcnemar-chi2', 'pass'],
      ['delong', 'pass'],
      ['bootstrap', 'pass'],
    ]);
    expect(readFileSync(join(base, 'weather', 'baseline', 'predictions.csv'), 'utf8')).toBe(readFileSync(join(base, 'weather', 'eval', 'predictions.csv'), 'utf8'));

    // registry step: v1 (gate pass) promoted under the policy, lineage down to the raw file, v2 (gate fail) refused
    const proj = join(base, 'penguins');
    const rawId = /id: ([0-9a-f]{32})/.exec(readFileSync(join(proj, 'data', 'penguins.json.cairn'), 'utf8'))![1]!;
    expect(out).toMatch(/Registered penguins@v1\.0\.0 \(models\/model\.json [0-9a-f]{32}\) at [0-9a-f]{7}, gate pass/);
    expect(out).toContain('penguins@production is now v1.0.0 [penguins#production#1]');
    const lineageOut = out.split('$ cairn lineage penguins@production\n')[1]!.split('\n$ ')[0]!;
    expect(lineageOut).toContain(`data/penguins.json  ${rawId}  [raw data (data/penguins.json.cairn)]`);
    expect(out).toMatch(/Registered penguins@v1\.0\.1 .*gate fail/);
    expect(out).toContain("refused: penguins@v1.0.1 may not become 'production':\n  require_gate: pass: the gate verdict of penguins@v1.0.1 is 'fail'");
    expect(out).toMatch(/production\s+v1\.0\.0\s+\S+\s+\(now\)\s+first release: gate passed/);
    const tags = spawnSync('git', ['tag', '-l', 'penguins*'], { cwd: proj, encoding: 'utf8' }).stdout.trim().split('\n');
    // ... and steps/deploy.mjs registered v1.1.0 and rolled it out to production
    expect(tags).toEqual(['penguins#production#1', 'penguins#production#2', 'penguins@v1.0.0', 'penguins@v1.0.1', 'penguins@v1.1.0']);

    // steps/deploy.mjs: cairn serve in the background, traffic, a rollout 10 -> 50 -> 100 in
    // one-second steps that takes production, then a shifted batch on the real request log drifts
    const rollout = out.split('### deploy: roll out penguins@v1.1.0')[1]!.split('\n### ')[0]!;
    expect(rollout.split('\n').filter((l) => l.startsWith('step '))).toEqual(['step 1/3: canary weight 10%', 'step 2/3: canary weight 50%', 'step 3/3: canary weight 100%']);
    expect(rollout.match(/^ {2}analysis at \d+%: pass/gm)).toHaveLength(3);
    expect(rollout).toContain('promoted v1.1.0: production (penguins#production#2)');
    expect(rollout).toContain('deploy exit code: 0');
    expect(rollout).toMatch(/production\s+v1\.1\.0\s+\S+\s+\(now\)\s+by rollout [0-9a-f]{8}: 10→50→100% on local/);
    const served = out.split('### deploy: a batch with a shifted feature')[1]!.split('\n### ')[0]!;
    expect(served).toContain("sent 86 held-out rows with 'Flipper Length (mm)' shifted by 1");
    expect(served).toMatch(/^DRIFT: 1 of 4 columns drifted/m);
    expect(served).toMatch(/\(request log: 86 of \d+ lines, /);
    expect(served).toContain('on drift: ran `cairn repro --force --single-item train` (exit 0)');
    expect(served).toContain("Running stage 'train' (forced)");
    expect(served).toContain('monitor exit code: 4');

    // steps/monitor.mjs: the held-out penguins as a request log do not drift (exit 0); with the
    // flipper length shifted by one sd they do (exit 4), and --on-drift starts retraining once
    const calm = out.split('### monitor: the training features are the reference')[1]!.split('### monitor: a batch with a shifted feature')[0]!;
    expect(calm).toMatch(/reference: \d+ training rows x 4 features; current: \d+ requests/);
    expect(calm).toMatch(/^no drift: 0 of 4 columns drifted \(0%, threshold 25%\)$/m);
    expect(calm).toMatch(/\(request log: (\d+) of \1 lines, /);
    expect(calm).toContain('monitor exit code: 0');
    const shifted = out.split('### monitor: a batch with a shifted feature')[1]!.split('\n### ')[0]!;
    expect(shifted).toMatch(/^DRIFT: 1 of 4 columns drifted \(25%, threshold 25%\)$/m);
    expect(shifted).toMatch(/^Flipper Length \(mm\) +numeric +ks +0\.\d+ +[\d.e-]+ +[\d.]+ +DRIFT \(p [\d.e-]+ < 0\.05\)$/m);
    for (const f of ['Beak Length', 'Beak Depth', 'Body Mass']) expect(shifted).toMatch(new RegExp(`^${f} \\(\\w+\\) +numeric +ks .* ok \\(p [\\d.]+ >= 0\\.05\\)$`, 'm'));
    expect(shifted).toContain('on drift: ran `cairn repro --force --downstream train` (exit 0)');
    expect(shifted).toContain("Running stage 'train' (forced)");
    expect(shifted).toContain('monitor exit code: 4');
    expect(shifted.match(/Running stage 'train'/g)).toHaveLength(1);
    expect(shifted).toMatch(/on drift: `cairn repro --force --downstream train` not run: cooldown until \d{4}-/);
    const driftPage = readFileSync(join(base, 'monitor', 'drift.html'), 'utf8');
    expect(driftPage.match(/<section class="plot">/g)).toHaveLength(4);

    // plots: the evaluate stage declares two plots and no templates; cairn picks them and says why
    const pages = join(base, 'penguins', 'cairn_plots');
    expect(out).toContain('$ cairn plots diff first-run\n');
    expect(out).toContain(`2 plot(s) of first-run, workspace written to ${join(pages, 'index.html')}`);
    expect(out).toMatch(/ {2}eval\/accuracy_by_trees\.csv: linear \(a 'step' column with numeric fields \('accuracy'\)\), \d+ point\(s\)/);
    expect(out).toMatch(/ {2}eval\/predictions\.csv: confusion \(columns 'actual' and 'predicted'\), \d+ point\(s\)/);
    expect(out).not.toContain('nothing to draw');
    expect(out).toContain('$ cairn plots metrics\n');
    // one column per commit (short sha, tags); later demo steps may add commits and tags
    expect(out).toMatch(/\nmetric\s+.*[0-9a-f]{7} \(first-run\b/);
    expect(out).toMatch(/\naccuracy\s+(-\s+)*0\.\d+\s+0\.\d+/);
    expect(out).toContain(`written to ${join(pages, 'metrics.html')}`);
    const curve = readFileSync(join(base, 'penguins', 'eval', 'accuracy_by_trees.csv'), 'utf8').trim().split('\n');
    expect(curve[0]).toBe('step,accuracy');
    const trees = Number(readFileSync(join(base, 'penguins', 'params.yaml'), 'utf8').match(/n_estimators: (\d+)/)![1]);
    expect(curve.map((l) => l.split(',')[0])).toEqual(['step', ...Array.from({ length: trees }, (_, i) => String(i + 1))]);
    // the forest's vote over all its trees is the accuracy in metrics.json
    expect(Number(curve[trees]!.split(',')[1])).toBe(metrics.accuracy);

    // steps/ci.mjs: the workflow written, then the report of the last change against main
    expect(out).toContain('$ cairn ci init --github\nwrote .github/workflows/cairn.yml');
    expect(existsSync(join(base, 'penguins', '.github', 'workflows', 'cairn.yml'))).toBe(true);
    const prReport = out.split('$ cairn report --base main --md\n')[1]!;
    expect(prReport).toMatch(/### Metrics\n\n\| Path \| Metric .*\n.*\n\| metrics\.json \| accuracy \| 0\.\d+ \| 0\.\d+ \|/);
    expect(prReport).toContain('| params.yaml | train.max_depth | 5 | 4 |');
    expect(prReport).toMatch(/\| `models\/model\.json` \| output of `train` \| modified \|/);
    expect(prReport).toContain('```mermaid\nxychart-beta');

    // the pages the demo wrote, as a browser draws them: every chart has marks
    if (!hasChromium()) {
      console.warn(`skipped the browser check: ${CHROMIUM} not installed (apt-get install chromium)`);
      return;
    }
    const page = renderPage(join(pages, 'index.html'));
    expect(page.status).toMatchObject({ rendered: 2, errors: [], empty: 0 });
    expect(page.status.charts).toHaveLength(2);
    for (const c of page.status.charts) expect(c.marks, `${c.id} has marks in its vega scenegraph`).toBeGreaterThan(0);
    // plot-0 is eval/accuracy_by_trees.csv: one line per revision
    expect(page.svgMarks.get('plot-0')).toEqual({ line: 2 });
    // plot-1 is eval/predictions.csv: a confusion matrix per revision, each cell with its count as text
    const cm = page.svgMarks.get('plot-1')!;
    expect(cm.rect).toBeGreaterThanOrEqual(6);
    expect(cm.text).toBe(cm.rect);
    const trend = renderPage(join(pages, 'metrics.html'));
    expect(trend.status).toMatchObject({ rendered: 1, errors: [], empty: 0 });
    expect(trend.status.charts[0]!.marks).toBeGreaterThan(0);
    const t = trend.svgMarks.get('plot-0')!;
    expect(t.line).toBeGreaterThanOrEqual(5); // accuracy, n_test, recall x 3
    expect(t.symbol).toBeGreaterThanOrEqual(2 * t.line!);
  }, 300_000);
});
