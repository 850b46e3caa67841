// A registered version made ready to serve: resolved through the registry, its files
// materialised under .cairn/serve/models/<name>@<version>/ (a file keeps its name, a tracked
// folder keeps its layout), and its predictor loaded on that folder.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CairnError } from '../../core/errors.js';
import { tempBeside } from '../../io/tempname.js';
import { materializeModel, resolveModel } from '../registry/index.js';
import { loadModulePredictor, startCommandPredictor, type Predictor } from './predictor.js';

export interface LoadedModel {
  name: string;
  version: string;
  dir: string;
  predictor: Predictor;
}

export interface PredictorSpec {
  module?: string;
  cmd?: string;
  timeoutMs: number;
  onStderr?: (line: string) => void;
}

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** `.cairn/serve/models` of a repo */
export const modelsDir = (root: string): string => join(root, '.cairn', 'serve', 'models');

/**
 * Resolve `target` (NAME@vX.Y.Z or NAME@ALIAS), materialise it and load its predictor.
 * `inUse` lists folders a loaded model is serving from: those are reused, never rewritten.
 * Throws CAIRN_NOT_FOUND for an unknown model or version; PredictorLoadError when the predictor fails.
 */
export async function loadModel(o: { root: string; target: string; predictor: PredictorSpec; inUse: ReadonlySet<string>; remote?: string }): Promise<LoadedModel> {
  const rec = await resolveModel({ root: o.root, target: o.target });
  if (!rec) throw new CairnError('CAIRN_NOT_FOUND', `${o.target}: no such version or alias`, { hint: 'run `cairn model list`', data: { target: o.target } });
  if (!SAFE.test(rec.name) || !SAFE.test(rec.version)) throw new CairnError('CAIRN_BAD_TARGET', `${rec.name}@${rec.version}: not a name cairn serve can use as a folder`, { data: { target: o.target } });
  const dir = join(modelsDir(o.root), `${rec.name}@${rec.version}`);
  if (!o.inUse.has(dir)) {
    // materialise beside, then swap in: a crash never leaves a half-filled model folder in place
    const tmp = tempBeside(dir);
    try {
      await materializeModel({ root: o.root, record: rec, dir: tmp, remote: o.remote });
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    } finally {
      if (existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
    }
  }
  const predictor = o.predictor.module
    ? await loadModulePredictor(o.predictor.module, dir)
    : await startCommandPredictor({ cmd: o.predictor.cmd!, modelDir: dir, cwd: o.root, timeoutMs: o.predictor.timeoutMs, onStderr: o.predictor.onStderr });
  return { name: rec.name, version: rec.version, dir, predictor };
}
