// The production baseline, behind the small interface the gate needs from the model registry
// (src/mlops/registry/, issue 13). The registry supplies a ResolveProduction; the gate only
// decides which predictions to use: the ones recorded on the same eval set (same id), else
// fresh ones from `rescore` run on the materialised model, else an exit-2 error.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CairnError } from '../../core/errors.js';
import type { FileRef } from './report.js';

export interface ProductionModel {
  /** NAME@vX.Y.Z */
  ref: string;
  /** the eval set its recorded predictions were made on */
  evalSet?: FileRef | null;
  /** recorded predictions (path as recorded, id of the object in the cache) */
  predictions?: FileRef | null;
  /** the recorded predictions' bytes, from the cache (pulling them if needed) */
  readPredictions(): Promise<Buffer>;
  /** write the model's files into dir (from the cache, pulling if needed) */
  materialize(dir: string): Promise<void>;
}

/** The production model of a registry name, or null when the name has no production alias yet. */
export type ResolveProduction = (model: string) => Promise<ProductionModel | null>;

export const registryUnavailable: ResolveProduction = async (model) => {
  throw new CairnError('CAIRN_CONFIG', `--baseline production: the registry is not available in this build, so the production model of '${model}' cannot be found`, {
    hint: 'pass the baseline predictions file with --baseline PATH, or --baseline none to check the minimums only',
  });
};

/** Runs a shell command; resolves with its exit code and the tail of its output. */
export type RunCommand = (cmd: string, opts: { cwd: string }) => Promise<{ code: number; output: string }>;

/** POSIX shell single-quoting. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Substitute ${name} placeholders with shell-quoted values; an unknown placeholder is an error. */
export function substitute(template: string, values: Record<string, string>, where: string): string {
  return template.replace(/\$\{\s*([A-Za-z_]\w*)\s*\}/g, (_m, k: string) => {
    if (!Object.prototype.hasOwnProperty.call(values, k)) {
      throw new CairnError('CAIRN_CONFIG', `${where}: unknown placeholder \${${k}} (known: ${Object.keys(values).map((v) => `\${${v}}`).join(', ')})`, { hint: 'fix the command in gate.yaml' });
    }
    return shellQuote(values[k]!);
  });
}

export interface BaselinePredictions {
  /** a file holding them (a temp file when read from the cache or rescored) */
  file: string;
  /** what the report names */
  ref: FileRef;
  rescored: boolean;
  cleanup(): void;
}

/**
 * Predictions of the production model on the eval set `evalSet`: recorded ones when they were
 * made on the same eval set, else `rescore` on the materialised model, else exit 2.
 */
export async function productionPredictions(opts: {
  model: ProductionModel;
  evalSet: FileRef;
  evalSetAbs: string;
  rescore?: string;
  configFile: string;
  cwd: string;
  run: RunCommand;
  hashFile: (abs: string) => string;
}): Promise<BaselinePredictions> {
  const { model } = opts;
  const tmp = mkdtempSync(join(tmpdir(), 'cairn-gate-'));
  const cleanup = () => rmSync(tmp, { recursive: true, force: true });
  try {
    if (model.predictions && model.evalSet && model.evalSet.id === opts.evalSet.id) {
      const file = join(tmp, model.predictions.path.toLowerCase().endsWith('.jsonl') ? 'predictions.jsonl' : 'predictions.csv');
      writeFileSync(file, await model.readPredictions());
      return { file, ref: model.predictions, rescored: false, cleanup };
    }
    if (!opts.rescore) {
      const recorded = model.evalSet ? `on eval set ${model.evalSet.path} (id ${model.evalSet.id})` : 'on no recorded eval set';
      throw new CairnError('CAIRN_CONFIG', `${model.ref}: its predictions were recorded ${recorded}, but the gate's eval set is ${opts.evalSet.path} (id ${opts.evalSet.id}); predictions made on a different eval set are never compared`, {
        hint: `add \`rescore:\` to ${opts.configFile} so the gate can score ${model.ref} on this eval set`,
        data: { model: model.ref, recorded: model.evalSet?.id ?? null, evalSet: opts.evalSet.id },
      });
    }
    const modelDir = join(tmp, 'model');
    await model.materialize(modelDir);
    const out = join(tmp, 'predictions.csv');
    const cmd = substitute(opts.rescore, { model: modelDir, eval_set: opts.evalSetAbs, out }, `${opts.configFile}: rescore`);
    const r = await opts.run(cmd, { cwd: opts.cwd });
    if (r.code !== 0) {
      throw new CairnError('CAIRN_STAGE_FAILED', `rescore of ${model.ref} failed with exit code ${r.code}: ${r.output.trim().split('\n').slice(-5).join(' | ')}`, {
        hint: `run the rescore command from ${opts.configFile} by hand to see why`,
        data: { model: model.ref, code: r.code },
      });
    }
    let id: string;
    try {
      id = opts.hashFile(out);
    } catch {
      throw new CairnError('CAIRN_STAGE_FAILED', `rescore of ${model.ref} exited 0 but wrote no predictions to \${out}`, { hint: `the rescore command in ${opts.configFile} must write its predictions to \${out}` });
    }
    return { file: out, ref: { path: `${model.ref}:rescored`, id }, rescored: true, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}
