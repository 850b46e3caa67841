// cairn gate: is the candidate model good enough, and better than production by a
// statistically significant margin? Reads gate.yaml, the candidate's and the baseline's
// per-example predictions, evaluates every rule (src/mlops/gate/), writes the report (--out),
// runs `notify:` when the verdict is not pass. Returns data; never prints.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CairnError, ioError } from '../core/errors.js';
import { DEFAULT_ALGORITHM, hasherFactory, hashFileSync, type HasherFactory } from '../core/hash.js';
import type { VerdictResult } from '../core/verdict.js';
import { writeFileAtomic } from '../io/atomic.js';
import { hashTarget } from '../cache/build.js';
import { alignPredictions, buildSides } from '../mlops/gate/align.js';
import { productionPredictions, registryUnavailable, substitute, type BaselinePredictions, type ResolveProduction, type RunCommand } from '../mlops/gate/baseline.js';
import { GATE_FILE, parseGateConfig, type GateConfig } from '../mlops/gate/config.js';
import { evaluateRules } from '../mlops/gate/evaluate.js';
import { readPredictions } from '../mlops/gate/predictions.js';
import type { FileRef, GateReport } from '../mlops/gate/report.js';
import { findRepoRoot, Repo } from '../repo/repo.js';
import { materializeModel, readModelObject, resolveModel } from '../mlops/registry/index.js';

export type { GateReport, GateRule } from '../mlops/gate/report.js';
export type { ProductionModel, ResolveProduction, RunCommand } from '../mlops/gate/baseline.js';

export interface GateOptions {
  cwd: string;
  /** gate.yaml (relative to cwd); default gate.yaml */
  config?: string;
  /** candidate predictions (relative to cwd); default `predictions:` of the config */
  candidate?: string;
  /** `production` (the registry's production alias of `model:`), `none`, or a predictions file; default production when `model:` is set, else none */
  baseline?: string;
  /** write the JSON report here (relative to cwd) */
  out?: string;
  /** the registry's lookup; default: the repository's registry (`NAME@production`) */
  resolveProduction?: ResolveProduction;
  /** runs `rescore:` and `notify:` (default: sh -c in cwd) */
  run?: RunCommand;
}

export interface GateResult extends VerdictResult {
  report: GateReport;
  /** where the JSON report was written (--out, or a temp file when notify ran), else null */
  reportFile: string | null;
  notify: { command: string; code: number; output: string } | null;
}

/** The registry's `production` alias of a model, as the gate needs it (src/mlops/registry/). */
export function registryProduction(root: string): ResolveProduction {
  return async (model) => {
    // a model never registered has no production model yet, like an unassigned alias
    const record = await resolveModel({ root, target: `${model}@production` }).catch((e: unknown) => {
      if (e instanceof CairnError && e.code === 'CAIRN_NOT_FOUND' && e.data.name === model) return null;
      throw e;
    });
    if (!record) return null;
    const predictions = record.predictions;
    return {
      ref: `${record.name}@${record.version}`,
      evalSet: record.eval_set,
      predictions,
      readPredictions: async () => {
        if (!predictions) throw new CairnError('CAIRN_NOT_FOUND', `${record.name}@${record.version} has no recorded predictions`);
        return readModelObject({ root, id: predictions.id, path: predictions.path });
      },
      materialize: async (dir) => {
        await materializeModel({ root, record, dir });
      },
    };
  };
}

/** sh -c, output captured (last 64 KiB). */
export const runShell: RunCommand = (cmd, { cwd }) =>
  new Promise((res) => {
    const child = spawn('sh', ['-c', cmd], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (b: Buffer) => {
      output = (output + b.toString('utf8')).slice(-65536);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => res({ code: 127, output: String(e.message) }));
    child.on('close', (code, signal) => res({ code: code ?? (signal ? 128 : 1), output }));
  });

interface Hashing {
  root: string | undefined;
  repo: Repo | undefined;
  factory: HasherFactory;
}

function refOf(h: Hashing, abs: string, shown: string): FileRef {
  let st;
  try {
    st = statSync(abs);
  } catch (e) {
    throw ioError(e, 'cannot read', shown);
  }
  if (st.isDirectory()) {
    if (!h.repo || !isInside(h.repo.root, abs)) throw new CairnError('CAIRN_CONFIG', `${shown}: a directory eval set must be inside the cairn repository`, { hint: 'point eval_set at a file, or run the gate inside the repo' });
    return { path: shown, id: hashTarget(h.repo.workspace(), relative(h.repo.root, abs).split(sep).join('/')).id };
  }
  return { path: shown, id: hashFileSync(abs, h.factory).id };
}

function isInside(root: string, abs: string): boolean {
  const r = relative(root, abs);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

/** A path from gate.yaml: relative to its folder, and (in a repo) never outside the repo. */
function configPath(cfg: GateConfig, cfgAbs: string, key: 'eval_set' | 'predictions', p: string, root: string | undefined): string {
  const abs = resolve(dirname(cfgAbs), p);
  if (root && !isInside(root, abs)) {
    const l = cfg.lines[key];
    throw new CairnError('CAIRN_CONFIG', `${cfg.file}${l ? `:${l}` : ''}: ${key}: '${p}' is outside the repository`, { hint: 'paths in gate.yaml are relative to its folder and stay inside the repo', data: { file: cfg.file, line: l } });
  }
  return abs;
}

export async function gate(opts: GateOptions): Promise<GateResult> {
  const cwd = resolve(opts.cwd);
  const root = findRepoRoot(cwd);
  const repo = root ? await Repo.at(root) : undefined;
  const h: Hashing = { root, repo, factory: repo ? repo.factory : await hasherFactory(DEFAULT_ALGORITHM) };
  const shown = (abs: string) => {
    const base = root ?? cwd;
    return isInside(base, abs) ? relative(base, abs).split(sep).join('/') || '.' : abs;
  };
  const cfgAbs = resolve(cwd, opts.config ?? GATE_FILE);
  let text: string;
  try {
    text = readFileSync(cfgAbs, 'utf8');
  } catch (e) {
    const err = ioError(e, 'cannot read gate config', shown(cfgAbs));
    throw err.code === 'CAIRN_NOT_FOUND' ? new CairnError('CAIRN_CONFIG', err.message, { hint: 'write a gate.yaml (see docs/gate.md) or pass --config PATH' }) : err;
  }
  const cfg = parseGateConfig(text, shown(cfgAbs));
  const run = opts.run ?? runShell;

  const evalAbs = configPath(cfg, cfgAbs, 'eval_set', cfg.evalSet, root);
  const evalSet = refOf(h, evalAbs, shown(evalAbs));
  const candAbs = opts.candidate ? resolve(cwd, opts.candidate) : cfg.predictions ? configPath(cfg, cfgAbs, 'predictions', cfg.predictions, root) : undefined;
  if (!candAbs) throw new CairnError('CAIRN_USAGE', `${cfg.file}: no candidate predictions: set \`predictions:\` or pass --candidate PATH`, { hint: 'the predictions file has the columns id, label, prediction (see docs/gate.md)' });
  const candRef = refOf(h, candAbs, shown(candAbs));
  const candidate = readPredictions(candAbs, candRef.path);

  const which = opts.baseline ?? (cfg.model ? 'production' : 'none');
  let baseline: GateReport['baseline'] = { source: 'none', model: null, predictions: null, rescored: false };
  let basePred: BaselinePredictions | undefined;
  const notes: string[] = [];
  try {
    if (which === 'production') {
      if (!cfg.model) throw new CairnError('CAIRN_CONFIG', `${cfg.file}: --baseline production needs \`model:\` (the registry name)`, { hint: 'add `model: NAME` to gate.yaml, or pass --baseline PATH / none' });
      const prod = await (opts.resolveProduction ?? (root ? registryProduction(root) : registryUnavailable))(cfg.model);
      if (!prod) notes.push(`no production model of '${cfg.model}' yet: only the minimums apply`);
      else {
        basePred = await productionPredictions({ model: prod, evalSet, evalSetAbs: evalAbs, rescore: cfg.rescore, configFile: cfg.file, cwd: dirname(cfgAbs), run, hashFile: (abs) => hashFileSync(abs, h.factory).id });
        baseline = { source: 'production', model: prod.ref, predictions: basePred.ref, rescored: basePred.rescored };
      }
    } else if (which !== 'none') {
      const abs = resolve(cwd, which);
      const ref = refOf(h, abs, shown(abs));
      basePred = { file: abs, ref, rescored: false, cleanup: () => {} };
      baseline = { source: 'file', model: null, predictions: ref, rescored: false };
    }
    const base = basePred ? alignPredictions(candidate, readPredictions(basePred.file, basePred.ref.path)) : null;
    const [candSide, baseSide] = buildSides(cfg.task, base ? [candidate, base] : [candidate], cfg.positiveClass);
    const ev = evaluateRules(cfg, candSide!, baseSide ?? null);
    const report: GateReport = {
      verdict: ev.verdict,
      n: ev.n,
      task: cfg.task,
      eval_set: evalSet,
      candidate: { predictions: candRef },
      baseline,
      seed: cfg.seed,
      resamples: cfg.resamples,
      alpha: cfg.alpha,
      correction: cfg.correction,
      on_inconclusive: cfg.onInconclusive,
      rules: ev.rules,
      notes: [...notes, ...ev.notes],
    };
    let reportFile: string | null = null;
    if (opts.out) {
      reportFile = resolve(cwd, opts.out);
      writeFileAtomic(reportFile, JSON.stringify(report, null, 2) + '\n');
    }
    let notify: GateResult['notify'] = null;
    if (cfg.notify && report.verdict !== 'pass') {
      if (!reportFile) {
        reportFile = join(mkdtempSync(join(tmpdir(), 'cairn-gate-report-')), 'gate-report.json');
        writeFileAtomic(reportFile, JSON.stringify(report, null, 2) + '\n');
      }
      const cmd = /\$\{\s*report\s*\}/.test(cfg.notify) ? substitute(cfg.notify, { report: reportFile, verdict: report.verdict }, `${cfg.file}: notify`) : `${cfg.notify} '${reportFile.replace(/'/g, `'\\''`)}'`;
      const r = await run(cmd, { cwd: dirname(cfgAbs) });
      notify = { command: cmd, code: r.code, output: r.output };
    }
    return { verdict: report.verdict, report, reportFile, notify };
  } finally {
    basePred?.cleanup();
  }
}
