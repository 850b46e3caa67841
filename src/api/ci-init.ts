// cairn ci init --github | --jenkins | --gitlab: a ready CI workflow for the repository's
// pipeline. The pipeline's stages decide what it holds (src/ci/detect.ts); the workflow is
// built as data and rendered (src/ci/render.ts). Writes only with no file there, or --force.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CairnError } from '../core/errors.js';
import { repoPathProblem } from '../core/paths.js';
import { writeFileAtomic } from '../io/atomic.js';
import { readOwnText, type OwnFileKind } from '../io/own-file.js';
import { parseGateConfig } from '../mlops/gate/config.js';
import { loadPipelines } from '../pipeline/load.js';
import { Repo } from '../repo/repo.js';
import { planCi, type CiPlan } from '../ci/detect.js';
import { CI_FILES, renderWorkflow, type CiTarget } from '../ci/render.js';

export type { CiPlan, CiTarget };

export interface CiInitOptions {
  cwd: string;
  target: CiTarget;
  /** return the text; write nothing */
  dry?: boolean;
  /** replace an existing file */
  force?: boolean;
  /** the default branch (default: main) */
  branch?: string;
  /** schedule, 5-field cron (default: 17 4 * * 1, Mondays 04:17 UTC) */
  cron?: string;
  /** registry name to register (default: `model:` of the gate config, else the repo folder) */
  model?: string;
  /** the model file to register (default: an output under models/) */
  modelPath?: string;
  /** Node major version (default 20) */
  node?: string;
}

export interface CiInitResult {
  target: CiTarget;
  /** repo-relative path of the workflow */
  file: string;
  text: string;
  written: boolean;
  plan: CiPlan;
  warnings: string[];
}

const GATE_KIND: OwnFileKind = { what: 'gate config', code: 'CAIRN_CONFIG' };
const PACKAGE_KIND: OwnFileKind = { what: 'package.json', code: 'CAIRN_CONFIG' };

/**
 * The remote as a CI runner sees it: only the committed .cairn/config.yaml reaches the clone
 * (an endpoint kept in config.local.yaml must come from a CI secret instead).
 */
function remoteOf(repo: Repo, warnings: string[]): { name: string | null; url: string | null; endpoint: string | null; region: string | null } {
  const get = (tree: Record<string, unknown>, key: string): unknown => key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), tree);
  const shared = repo.config.shared;
  const name = (get(shared, 'core.remote') ?? repo.config.get('core.remote')) as string | undefined;
  const s = name ? (get(shared, `remote.${name}`) as Record<string, unknown> | undefined) : undefined;
  if (name && (!s || typeof s.url !== 'string') && repo.config.get(`remote.${name}`)) warnings.push(`the remote '${name}' is set in .cairn/config.local.yaml only: a CI clone will not see it (add it without --local)`);
  if (!name || !s || typeof s.url !== 'string') return { name: name ?? null, url: null, endpoint: null, region: null };
  return { name, url: s.url, endpoint: typeof s.endpoint === 'string' ? s.endpoint : null, region: typeof s.region === 'string' ? s.region : null };
}

function hasCairnPackage(root: string): boolean {
  const text = readOwnText(join(root, 'package.json'), PACKAGE_KIND, { root });
  if (!text) return false;
  try {
    const pkg = JSON.parse(text) as Record<string, Record<string, unknown> | undefined>;
    return ['dependencies', 'devDependencies', 'optionalDependencies'].some((k) => !!pkg[k]?.['cairn-ml']);
  } catch {
    return false;
  }
}

function checkCron(cron: string): void {
  if (cron.trim().split(/\s+/).length !== 5) throw new CairnError('CAIRN_USAGE', `--cron '${cron}': expected 5 fields (minute hour day month weekday), e.g. '17 4 * * 1'`);
}

export async function ciInit(opts: CiInitOptions): Promise<CiInitResult> {
  if (!(opts.target in CI_FILES)) throw new CairnError('CAIRN_USAGE', `unknown CI '${String(opts.target)}': expected github, jenkins or gitlab`);
  if (opts.cron) checkCron(opts.cron);
  if (opts.modelPath && repoPathProblem(opts.modelPath)) throw new CairnError('CAIRN_USAGE', `--model-path '${opts.modelPath}': ${repoPathProblem(opts.modelPath)}`);
  const repo = await Repo.open(opts.cwd);
  const stages = loadPipelines(repo.root).flatMap((p) => p.stages);
  const remoteWarnings: string[] = [];
  const plan = planCi({
    stages,
    remote: remoteOf(repo, remoteWarnings),
    gateModel: (config) => {
      const text = readOwnText(join(repo.root, config), GATE_KIND, { root: repo.root });
      return text === undefined ? undefined : parseGateConfig(text, config).model;
    },
    model: opts.model,
    modelPath: opts.modelPath,
    branch: opts.branch,
    cron: opts.cron,
    node: opts.node,
    hasPackage: hasCairnPackage(repo.root),
    repoName: basename(repo.root),
  });
  const file = CI_FILES[opts.target];
  const text = renderWorkflow(opts.target, plan);
  const res: CiInitResult = { target: opts.target, file, text, written: false, plan, warnings: [...remoteWarnings, ...plan.warnings] };
  if (opts.dry) return res;
  repo.guard.check(file, { action: 'write' });
  const abs = join(repo.root, file);
  if (existsSync(abs) && !opts.force) {
    throw new CairnError('CAIRN_USAGE', `${file} already exists: not overwritten`, { hint: `compare with \`cairn ci init --${opts.target} --dry\`, or replace it with --force`, data: { file } });
  }
  writeFileAtomic(abs, text);
  res.written = true;
  return res;
}
