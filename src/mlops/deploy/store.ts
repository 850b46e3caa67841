// The rollout's state file, `.cairn/deploy/<target>.json`: read as one of cairn's own files (no
// symlinks, size cap, checked shape: a hand-edited or hostile file is exit 2 naming it) and
// written atomically after every transition.
import { lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CairnError } from '../../core/errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { parseOwnJson, readOwnText, type OwnFileKind } from '../../io/own-file.js';
import type { TargetKind } from './config.js';
import type { DeployState, Phase, RolloutState } from './plan.js';
import type { StateStore } from './execute.js';

const KIND: OwnFileKind = { what: 'deploy state', code: 'CAIRN_CONFIG' };
const STATES: readonly RolloutState[] = ['running', 'paused', 'rolled_back', 'succeeded', 'aborted'];
const PHASES: readonly Phase[] = ['load', 'set_weight', 'observe', 'promote', 'rollback', 'done'];

export function deployStatePath(root: string, target: TargetKind): string {
  return join(root, '.cairn', 'deploy', `${target}.json`);
}

function check(v: unknown, file: string): DeployState {
  const bad = (why: string): never => {
    throw new CairnError('CAIRN_CONFIG', `${file}: ${why}`, { hint: `the rollout state is damaged: \`cairn deploy abort\` is not possible; delete ${file} and start again`, data: { file } });
  };
  if (!v || typeof v !== 'object' || Array.isArray(v)) bad('not a rollout state (expected a JSON object)');
  const s = v as DeployState;
  if (s.schema !== 1) bad(`unknown schema ${JSON.stringify(s.schema)} (this cairn reads 1)`);
  if (!STATES.includes(s.state)) bad(`state ${JSON.stringify(s.state)} is not one of ${STATES.join(', ')}`);
  if (!PHASES.includes(s.phase)) bad(`phase ${JSON.stringify(s.phase)} is not one of ${PHASES.join(', ')}`);
  for (const f of ['id', 'name', 'version', 'started', 'updated'] as const) if (typeof s[f] !== 'string') bad(`field '${f}' is missing or not a string`);
  if (!/^[a-z][a-z0-9-]*$/.test(s.name)) bad(`model name ${JSON.stringify(s.name)} is not a registry name`);
  if (!/^v\d+\.\d+\.\d+$/.test(s.version)) bad(`version ${JSON.stringify(s.version)} is not vX.Y.Z`);
  if (!(s.stable === null || typeof s.stable === 'string')) bad("field 'stable' is malformed");
  for (const f of ['step', 'weight', 'failures'] as const) if (typeof s[f] !== 'number' || !Number.isFinite(s[f]) || s[f] < 0) bad(`field '${f}' is not a number ≥ 0`);
  if (s.weight > 100) bad(`weight ${s.weight} is above 100`);
  const c = s.config;
  if (!c || !Array.isArray(c.steps) || !c.steps.length || !c.steps.every((w) => typeof w === 'number' && w > 0 && w <= 100)) bad('config.steps is malformed');
  if (s.step > c.steps.length) bad(`step ${s.step} is past the last of ${c.steps.length} steps`);
  for (const f of ['interval_ms', 'min_requests', 'traffic_timeout_ms', 'failure_limit'] as const) if (typeof c[f] !== 'number' || !(c[f] > 0)) bad(`config.${f} is malformed`);
  if (!c.thresholds || typeof c.thresholds !== 'object') bad('config.thresholds is malformed');
  if (s.window_start !== null && Number.isNaN(Date.parse(s.window_start))) bad('window_start is not a time');
  if (s.phase === 'observe' && s.window_start === null) bad('phase observe without a window_start');
  if (!Array.isArray(s.analyses)) bad('analyses is not a list');
  return s;
}

export function readDeployState(root: string, target: TargetKind): DeployState | undefined {
  const file = deployStatePath(root, target);
  const text = readOwnText(file, KIND, { root });
  if (text === undefined) return undefined;
  return check(parseOwnJson(text, file, KIND), file);
}

export function writeDeployState(root: string, s: DeployState): void {
  // .cairn/ and .cairn/deploy/ must be real folders: a symlink planted by a hostile clone would
  // send the write elsewhere
  const file = deployStatePath(root, s.target);
  for (const dir of [dirname(dirname(file)), dirname(file)]) {
    let link = false;
    try {
      link = lstatSync(dir).isSymbolicLink();
    } catch {
      // absent: created as a folder
    }
    if (link) throw new CairnError('CAIRN_BAD_PATH', `refusing to write ${file}: ${dir} is a symlink`, { hint: `replace the link by a folder (\`rm ${dir}\`)`, data: { file } });
  }
  writeFileAtomic(deployStatePath(root, s.target), `${JSON.stringify(s, null, 2)}\n`);
}

export function fileStore(root: string, target: TargetKind): StateStore {
  return { read: () => readDeployState(root, target), write: (s) => writeDeployState(root, s) };
}
