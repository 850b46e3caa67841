// cairn checkout: make the workspace match the pointer files (the step after git checkout
// or git pull): pointer-tracked data, then the pipeline outputs recorded in cairn.lock (like
// DVC's checkout). The three phases (plan, refuse/verify, apply) are in repo/checkout.ts.
// A target may also name a stage (`name` or `dir/cairn.yaml:name`): its recorded outputs.
import { CairnError } from '../core/errors.js';
import { overlaps } from '../core/paths.js';
import { checkoutTracked, type CheckoutResult, type CheckoutTrackedOptions } from '../repo/checkout.js';
import { LOCK_FILE } from '../repo/lockfile.js';
import { Repo } from '../repo/repo.js';
import { lockSource } from '../repo/revisions.js';
import { resolveTarget, type Tracked } from '../repo/tracked.js';
import { loadPipelines } from '../pipeline/load.js';
import type { Stage } from '../pipeline/model.js';
import { checkoutCandidates } from '../pipeline/outs.js';

export type { CheckoutResult, CheckoutTargetResult, VanishedTarget } from '../repo/checkout.js';

export interface CheckoutOptions extends CheckoutTrackedOptions {
  cwd: string;
}

export async function checkout(opts: CheckoutOptions): Promise<CheckoutResult> {
  const repo = await Repo.open(opts.cwd);
  return repo.withLock('checkout', () => {
    const candidates = checkoutCandidates(repo);
    const targets = pipelineTargets(repo, candidates, opts);
    // stages named whose outputs git keeps (`cache: false`): nothing to do, and never "everything"
    if (targets && targets.length === 0) return { targets: [], written: 0, removed: 0, missing: [], vanished: [] };
    return checkoutTracked(repo, candidates, { ...opts, cwd: targets ? repo.root : opts.cwd, targets: targets ?? opts.targets });
  });
}

/**
 * Targets that name no tracked data but a stage, or a stage's output, are read through the
 * pipeline: a stage that ran becomes its recorded outputs; a stage that never ran (no
 * cairn.lock entry) fails naming the output it would have checked out. Undefined when
 * every target is plain tracked data (the common case: no pipeline is loaded).
 */
function pipelineTargets(repo: Repo, candidates: Tracked[], opts: CheckoutOptions): string[] | undefined {
  const typed = opts.targets ?? [];
  if (typed.length === 0) return undefined;
  const isTracked = (rel: string) => candidates.some((t) => overlaps(t.path, rel));
  // undefined: a stage name like `cairn.yaml:train`, or a bad path checkoutTracked reports
  const rels = typed.map((t) => tryResolve(repo, opts.cwd, t));
  if (rels.every((r) => r !== undefined && isTracked(r))) return undefined;
  let stages: Stage[];
  try {
    stages = loadPipelines(repo.root).flatMap((p) => p.stages);
  } catch {
    return undefined; // a broken cairn.yaml: the target is reported as untracked, the pipeline commands name the error
  }
  if (stages.length === 0) return undefined;
  const ran = (st: Stage) => {
    const lock = st.dir === '.' ? LOCK_FILE : `${st.dir}/${LOCK_FILE}`;
    const src = lockSource(lock, st.name);
    return candidates.filter((c) => c.from === 'lock' && c.pointerFile === src);
  };
  const neverRan = (st: Stage, what: string): CairnError => {
    const outs = st.outs.filter((o) => o.cache).map((o) => o.path);
    return new CairnError('CAIRN_NOT_FOUND', `cannot check out ${what}: stage '${st.name}' (${st.file}) has never run, so no ${LOCK_FILE} records its output${outs.length === 1 ? '' : 's'} ${outs.map((o) => `'${o}'`).join(', ')}`, {
      hint: `run \`cairn repro ${st.name}\` to produce ${outs.length === 1 ? 'it' : 'them'}`,
      data: { stage: st.name, file: st.file, outs },
    });
  };
  const out: string[] = [];
  typed.forEach((t, i) => {
    const rel = rels[i];
    if (rel !== undefined && isTracked(rel)) return void out.push(rel);
    const [file, name] = t.includes(':') ? [t.slice(0, t.lastIndexOf(':')), t.slice(t.lastIndexOf(':') + 1)] : [undefined, t];
    const fileRel = file === undefined ? undefined : tryResolve(repo, opts.cwd, file);
    const byName = stages.filter((st) => st.name === name && (file === undefined || st.file === file || st.file === fileRel));
    if (byName.length > 0 && (rel === undefined || !repo.exists(rel))) {
      for (const st of byName) {
        const recorded = ran(st);
        if (recorded.length === 0) {
          if (st.outs.some((o) => o.cache)) throw neverRan(st, `stage '${st.name}'`);
          continue; // no cached outputs: nothing to check out
        }
        out.push(...recorded.map((c) => c.path));
      }
      return;
    }
    if (rel !== undefined) {
      const owner = stages.find((st) => st.outs.some((o) => o.cache && overlaps(o.path, rel)));
      if (owner) throw neverRan(owner, `'${rel}'`);
      out.push(rel);
    } else out.push(t);
  });
  return out;
}

function tryResolve(repo: Repo, cwd: string, target: string): string | undefined {
  try {
    return resolveTarget(repo, cwd, target);
  } catch {
    return undefined;
  }
}
