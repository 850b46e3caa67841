// Pair a candidate's and a baseline's predictions example by example. Different example ids
// are never compared: that is exit 2, with the count missing from each side and a few of them.
import { CairnError } from '../../core/errors.js';
import type { Task } from './config.js';
import { numericColumn, type Predictions } from './predictions.js';
import type { Side } from './metrics.js';

const SHOWN = 5;

/** The baseline reordered to the candidate's example order; throws when the id sets differ. */
export function alignPredictions(cand: Predictions, base: Predictions): Predictions {
  const at = new Map<string, number>();
  base.ids.forEach((id, i) => at.set(id, i));
  const candIds = new Set(cand.ids);
  const missingFromBase = cand.ids.filter((id) => !at.has(id));
  const missingFromCand = base.ids.filter((id) => !candIds.has(id));
  if (missingFromBase.length || missingFromCand.length) {
    const ex = (ids: string[]) => ids.slice(0, SHOWN).map((s) => JSON.stringify(s.slice(0, 60))).join(', ') + (ids.length > SHOWN ? ', ...' : '');
    const parts = [];
    if (missingFromBase.length) parts.push(`${missingFromBase.length} of the candidate's ids are missing from the baseline (${ex(missingFromBase)})`);
    if (missingFromCand.length) parts.push(`${missingFromCand.length} of the baseline's ids are missing from the candidate (${ex(missingFromCand)})`);
    throw new CairnError('CAIRN_CONFIG', `${cand.path} and ${base.path} have different example ids: ${parts.join('; ')}`, {
      hint: 'both predictions must be made on the same eval set: rescore the baseline on it (gate.yaml `rescore:`) or pass the matching file with --baseline',
      data: { candidate: cand.path, baseline: base.path, missingFromBaseline: missingFromBase.length, missingFromCandidate: missingFromCand.length, examplesMissingFromBaseline: missingFromBase.slice(0, SHOWN), examplesMissingFromCandidate: missingFromCand.slice(0, SHOWN) },
    });
  }
  const order = cand.ids.map((id) => at.get(id)!);
  const columns = new Map<string, string[]>();
  for (const [k, v] of base.columns) columns.set(k, order.map((i) => v[i]!));
  const candLabels = cand.columns.get('label')!;
  const baseLabels = columns.get('label')!;
  for (let i = 0; i < cand.ids.length; i++) {
    if (candLabels[i]!.trim() !== baseLabels[i]!.trim()) {
      throw new CairnError('CAIRN_CONFIG', `${cand.path}:${cand.lines[i]} and ${base.path}:${base.lines[order[i]!]}: example '${cand.ids[i]!.slice(0, 60)}' has label '${candLabels[i]!.slice(0, 40)}' in one and '${baseLabels[i]!.slice(0, 40)}' in the other`, {
        hint: 'the two predictions files must come from the same eval set',
        data: { id: cand.ids[i] },
      });
    }
  }
  return { path: base.path, ids: cand.ids, columns, lines: order.map((i) => base.lines[i]!) };
}

function classOrder(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Build the scored sides (one class list for both, sorted; numbers numerically). */
export function buildSides(task: Task, files: Predictions[], positiveClass?: string): Side[] {
  if (task === 'regression') {
    return files.map((p) => ({ n: p.ids.length, task, pred: p, classes: [], y: new Int32Array(0), yhat: new Int32Array(0), proba: null, positive: -1, yNum: numericColumn(p, 'label'), pNum: numericColumn(p, 'prediction'), cache: new Map() }));
  }
  const set = new Set<string>();
  for (const p of files) for (const c of ['label', 'prediction']) for (const v of p.columns.get(c)!) set.add(v.trim());
  const classes = [...set].sort(classOrder);
  if (positiveClass !== undefined && !set.has(positiveClass)) {
    throw new CairnError('CAIRN_CONFIG', `positive_class '${positiveClass}' is not a label or prediction in ${files.map((f) => f.path).join(', ')} (classes: ${classes.slice(0, 20).join(', ')})`, { hint: 'fix positive_class in gate.yaml' });
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const k = classes.length;
  const positive = positiveClass !== undefined ? index.get(positiveClass)! : k - 1;
  return files.map((p) => {
    const n = p.ids.length;
    const y = Int32Array.from(p.columns.get('label')!, (v) => index.get(v.trim())!);
    const yhat = Int32Array.from(p.columns.get('prediction')!, (v) => index.get(v.trim())!);
    let proba: Float64Array | null = null;
    const perClass = classes.every((c) => p.columns.has(`score_${c}`));
    if (perClass) {
      proba = new Float64Array(n * k);
      classes.forEach((c, j) => numericColumn(p, `score_${c}`).forEach((v, i) => (proba![i * k + j] = v)));
    } else if (k === 2 && p.columns.has('score')) {
      proba = new Float64Array(n * 2);
      const s = numericColumn(p, 'score');
      for (let i = 0; i < n; i++) {
        proba[i * 2 + positive] = s[i]!;
        proba[i * 2 + (1 - positive)] = 1 - s[i]!;
      }
    }
    return { n, task, pred: p, classes, y, yhat, proba, positive, yNum: null, pNum: null, cache: new Map() };
  });
}
