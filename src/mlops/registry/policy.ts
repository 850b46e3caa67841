// Promotion policies from .cairn/config.yaml, checked by `model promote`:
//   registry:
//     policies:
//       production: {require_gate: pass, require_branch: main, require_clean: true}
// Only aliases named there have a policy; a new repository has none.
import { CairnError } from '../../core/errors.js';
import type { VersionRecord } from './record.js';

export interface Policy {
  /** the version's gate verdict must be one of these */
  require_gate?: string[];
  /** the version's commit must be reachable from this branch */
  require_branch?: string;
  /** the version must not have been registered from a dirty tree */
  require_clean?: boolean;
}

const KEYS = ['require_gate', 'require_branch', 'require_clean'];

export function parsePolicies(raw: unknown, file: string): Record<string, Policy> {
  if (raw === undefined || raw === null) return {};
  const bad = (msg: string) =>
    new CairnError('CAIRN_CONFIG', `${file}: registry.policies${msg}`, { hint: 'see docs/registry.md#promotion-policies for the shape', data: { file } });
  if (typeof raw !== 'object' || Array.isArray(raw)) throw bad(' must be a mapping of alias → policy');
  const out: Record<string, Policy> = {};
  for (const [alias, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw bad(`.${alias} must be a mapping`);
    const p: Policy = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (!KEYS.includes(k)) throw bad(`.${alias}: unknown key '${k}' (allowed: ${KEYS.join(', ')})`);
      if (k === 'require_gate') {
        const list = Array.isArray(x) ? x : [x];
        if (!list.length || !list.every((s) => typeof s === 'string' && ['pass', 'fail', 'inconclusive'].includes(s))) throw bad(`.${alias}.require_gate must be pass, fail, inconclusive or a list of them`);
        p.require_gate = list as string[];
      } else if (k === 'require_branch') {
        if (typeof x !== 'string' || !/^[A-Za-z0-9._/-]+$/.test(x) || x.includes('..')) throw bad(`.${alias}.require_branch must be a branch name`);
        p.require_branch = x;
      } else if (k === 'require_clean') {
        if (typeof x !== 'boolean') throw bad(`.${alias}.require_clean must be true or false`);
        p.require_clean = x;
      }
    }
    out[alias] = p;
  }
  return out;
}

/** What a version fails of a policy (empty: it may be promoted). `onBranch` answers reachability. */
export function checkPolicy(policy: Policy | undefined, rec: VersionRecord, onBranch: (commit: string, branch: string) => boolean | 'no-branch'): string[] {
  if (!policy) return [];
  const v: string[] = [];
  if (policy.require_gate) {
    const got = rec.gate?.verdict;
    if (!got) v.push(`require_gate: ${policy.require_gate.join('|')}: ${rec.name}@${rec.version} has no gate verdict (register it with --gate-report)`);
    else if (!policy.require_gate.includes(got)) v.push(`require_gate: ${policy.require_gate.join('|')}: the gate verdict of ${rec.name}@${rec.version} is '${got}'`);
  }
  if (policy.require_branch) {
    const r = onBranch(rec.commit, policy.require_branch);
    if (r === 'no-branch') v.push(`require_branch: ${policy.require_branch}: there is no branch '${policy.require_branch}' in this repository`);
    else if (!r) v.push(`require_branch: ${policy.require_branch}: commit ${rec.commit.slice(0, 7)} is not reachable from '${policy.require_branch}'`);
  }
  if (policy.require_clean && rec.dirty) v.push(`require_clean: ${rec.name}@${rec.version} was registered from a dirty tree`);
  return v;
}
