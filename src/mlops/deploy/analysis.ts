// One analysis of a rollout step: the canary against the stable over the same window (the
// requests each answered between `since` and `until`, as serve's /admin/window or a `metrics:`
// hook reports them). Checks error rate, P99 latency, PSI of the predictions, and accuracy from
// feedback labels when both sides have enough. Pure: window and thresholds in, verdict out.
// A window whose canary answered fewer than min_requests requests is inconclusive, never a pass.
import { chi2Contingency } from '../../stats/chi2-contingency.js';
import { categoryBins, numericBins, psi } from '../../stats/psi.js';
import { CairnError } from '../../core/errors.js';
import type { Verdict } from '../../core/verdict.js';
import type { Thresholds } from './config.js';

export interface VariantWindow {
  version: string | null;
  requests: number;
  errors: number;
  latency_ms?: number[];
  p99_ms?: number | null;
  outputs?: unknown[];
  labelled?: { output: unknown; label: unknown }[];
}

export interface Window {
  since: string;
  until: string;
  variants: { stable: VariantWindow | null; canary: VariantWindow | null };
}

export interface Check {
  check: 'traffic' | 'error_rate' | 'p99_latency' | 'prediction_psi' | 'accuracy';
  verdict: Verdict | 'skipped';
  canary: number | null;
  stable: number | null;
  /** the limit the canary was held to (null when skipped) */
  limit: number | null;
  p_value?: number;
  detail: string;
}

export interface Analysis {
  verdict: Verdict;
  since: string;
  until: string;
  canary_requests: number;
  stable_requests: number;
  checks: Check[];
  /** one line: why it failed or was inconclusive, or 'all checks passed' */
  reason: string;
}

/** scipy.stats percentile ('linear', numpy's default) of a sample. */
export function percentile(values: readonly number[], q: number): number | null {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!xs.length) return null;
  const h = (xs.length - 1) * (q / 100);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, xs.length - 1);
  return xs[lo]! + (h - lo) * (xs[hi]! - xs[lo]!);
}

function p99Of(v: VariantWindow): number | null {
  if (v.latency_ms && v.latency_ms.length) return percentile(v.latency_ms, 99);
  return typeof v.p99_ms === 'number' && Number.isFinite(v.p99_ms) ? v.p99_ms : null;
}

const rate = (v: VariantWindow) => (v.requests > 0 ? v.errors / v.requests : 0);
const fmt = (x: number | null, d = 4) => (x === null ? '–' : Number(x.toPrecision(d)).toString());

/** PSI of the canary's predictions against the stable's (numeric: Evidently's binning; else one bin per value). */
export function predictionPsi(stable: readonly unknown[], canary: readonly unknown[]): number | null {
  const s = stable.filter((v) => v !== null && v !== undefined);
  const c = canary.filter((v) => v !== null && v !== undefined);
  if (!s.length || !c.length) return null;
  if (s.every((v) => typeof v === 'number' && Number.isFinite(v)) && c.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    const a = Float64Array.from(s as number[]).sort();
    const b = Float64Array.from(c as number[]).sort();
    const bins = numericBins(a, b);
    return psi(bins.ref, bins.cur);
  }
  const counts = (xs: readonly unknown[]) => {
    const m = new Map<string, number>();
    for (const x of xs) {
      const k = typeof x === 'string' ? x : JSON.stringify(x);
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    return m;
  };
  const bins = categoryBins(counts(s), counts(c));
  return psi(bins.ref, bins.cur);
}

function sameLabel(output: unknown, label: unknown): boolean {
  if (typeof output === 'number' && typeof label === 'number') return output === label;
  return String(output) === String(label);
}

/** Analyse one window against the thresholds; `minRequests` canary requests are needed for a verdict. */
export function analyseWindow(w: Window, t: Thresholds, minRequests: number): Analysis {
  const canary = w.variants.canary ?? { version: null, requests: 0, errors: 0 };
  const stable = w.variants.stable;
  const checks: Check[] = [];
  const base = { since: w.since, until: w.until, canary_requests: canary.requests, stable_requests: stable?.requests ?? 0 };
  if (canary.requests < minRequests) {
    checks.push({ check: 'traffic', verdict: 'inconclusive', canary: canary.requests, stable: stable?.requests ?? null, limit: minRequests, detail: `the canary answered ${canary.requests} requests, the analysis needs ${minRequests}` });
    return { ...base, verdict: 'inconclusive', checks, reason: `too little traffic: ${canary.requests} canary requests of the ${minRequests} needed` };
  }
  checks.push({ check: 'traffic', verdict: 'pass', canary: canary.requests, stable: stable?.requests ?? null, limit: minRequests, detail: `${canary.requests} canary requests` });
  const stableLive = !!stable && stable.requests > 0;

  // error rate: an absolute ceiling, and no more than the stable's plus the allowed increase
  const cr = rate(canary);
  const sr = stableLive ? rate(stable) : null;
  // the ceiling is max_error_rate, unless the stable itself errs more (then stable + the increase)
  const errLimit = sr === null ? t.max_error_rate : Math.max(t.max_error_rate, sr + t.max_error_rate_increase);
  checks.push({
    check: 'error_rate',
    verdict: cr > errLimit ? 'fail' : 'pass',
    canary: cr,
    stable: sr,
    limit: errLimit,
    detail: `canary ${canary.errors}/${canary.requests} errors (${fmt(cr * 100, 3)}%), stable ${sr === null ? '–' : `${stable!.errors}/${stable!.requests} (${fmt(sr * 100, 3)}%)`}, limit ${fmt(errLimit * 100, 3)}%`,
  });

  // P99 latency: worse than stable × ratio and stable + slack (both, so loopback noise does not fail)
  const cp = p99Of(canary);
  const sp = stableLive ? p99Of(stable) : null;
  if (cp === null || sp === null) {
    checks.push({ check: 'p99_latency', verdict: 'skipped', canary: cp, stable: sp, limit: null, detail: sp === null ? 'no stable requests in the window to compare with' : 'no canary latencies in the window' });
  } else {
    const limit = Math.max(sp * t.max_p99_ratio, sp + t.max_p99_increase_ms);
    checks.push({ check: 'p99_latency', verdict: cp > limit ? 'fail' : 'pass', canary: cp, stable: sp, limit, detail: `canary P99 ${fmt(cp)} ms, stable ${fmt(sp)} ms, limit ${fmt(limit)} ms` });
  }

  // PSI of the predictions
  const co = canary.outputs ?? [];
  const so = stableLive ? (stable.outputs ?? []) : [];
  if (co.length < t.min_outputs || so.length < t.min_outputs) {
    checks.push({ check: 'prediction_psi', verdict: 'skipped', canary: null, stable: null, limit: t.max_psi, detail: `needs ${t.min_outputs} predictions on each side (canary ${co.length}, stable ${so.length})` });
  } else {
    const v = predictionPsi(so, co);
    checks.push({ check: 'prediction_psi', verdict: v !== null && v > t.max_psi ? 'fail' : 'pass', canary: v, stable: null, limit: t.max_psi, detail: `PSI ${fmt(v)} (limit ${t.max_psi})` });
  }

  // accuracy from feedback labels: chi-square on [correct, wrong] × [stable, canary] (scipy's chi2_contingency, Yates)
  const cl = canary.labelled ?? [];
  const sl = stableLive ? (stable.labelled ?? []) : [];
  if (cl.length < t.min_labels || sl.length < t.min_labels) {
    checks.push({ check: 'accuracy', verdict: 'skipped', canary: null, stable: null, limit: null, detail: `needs ${t.min_labels} labels on each side (canary ${cl.length}, stable ${sl.length})` });
  } else {
    const ok = (xs: typeof cl) => xs.filter((x) => sameLabel(x.output, x.label)).length;
    const cOk = ok(cl);
    const sOk = ok(sl);
    const ca = cOk / cl.length;
    const sa = sOk / sl.length;
    let p = 1;
    if ((cOk + sOk) > 0 && (cOk + sOk) < cl.length + sl.length) p = chi2Contingency([sOk, sl.length - sOk], [cOk, cl.length - cOk]).p_value;
    const worse = ca < sa && p < t.alpha;
    checks.push({ check: 'accuracy', verdict: worse ? 'fail' : 'pass', canary: ca, stable: sa, limit: null, p_value: p, detail: `canary ${cOk}/${cl.length} correct, stable ${sOk}/${sl.length}, chi-square p = ${fmt(p, 3)} (alpha ${t.alpha})` });
  }

  const failed = checks.filter((c) => c.verdict === 'fail');
  return {
    ...base,
    verdict: failed.length ? 'fail' : 'pass',
    checks,
    reason: failed.length ? failed.map((c) => `${c.check}: ${c.detail}`).join('; ') : 'all checks passed',
  };
}

/** Check a window document (from serve or a hook) is shaped as docs/deploy.md#window says. */
export function parseWindow(v: unknown, source: string): Window {
  const bad = (why: string): never => {
    throw new CairnError('CAIRN_BAD_DATA', `${source}: ${why}`);
  };
  if (!v || typeof v !== 'object' || Array.isArray(v)) bad('expected a JSON object with since, until and variants');
  const o = v as Record<string, unknown>;
  const vs = o.variants as Record<string, unknown> | undefined;
  if (!vs || typeof vs !== 'object' || Array.isArray(vs)) bad('`variants` is missing or not an object');
  const variant = (name: 'stable' | 'canary'): VariantWindow | null => {
    const x = vs![name];
    if (x === null || x === undefined) return null;
    if (typeof x !== 'object' || Array.isArray(x)) bad(`variants.${name} is not an object`);
    const r = x as Record<string, unknown>;
    const n = (k: string) => {
      const val = r[k];
      if (typeof val !== 'number' || !Number.isInteger(val) || val < 0) bad(`variants.${name}.${k} must be a whole number ≥ 0`);
      return val as number;
    };
    const requests = n('requests');
    const errors = n('errors');
    if (errors > requests) bad(`variants.${name}.errors (${errors}) exceeds requests (${requests})`);
    const lat = r.latency_ms;
    if (lat !== undefined && !(Array.isArray(lat) && lat.every((l) => typeof l === 'number'))) bad(`variants.${name}.latency_ms must be a list of numbers`);
    if (r.outputs !== undefined && !Array.isArray(r.outputs)) bad(`variants.${name}.outputs must be a list`);
    const labelled = r.labelled;
    if (labelled !== undefined && !(Array.isArray(labelled) && labelled.every((e) => e && typeof e === 'object' && 'output' in e && 'label' in e))) bad(`variants.${name}.labelled must be a list of {output, label}`);
    return {
      version: typeof r.version === 'string' ? r.version : null,
      requests,
      errors,
      latency_ms: lat as number[] | undefined,
      p99_ms: typeof r.p99_ms === 'number' ? r.p99_ms : null,
      outputs: r.outputs as unknown[] | undefined,
      labelled: labelled as VariantWindow['labelled'],
    };
  };
  return { since: String(o.since ?? ''), until: String(o.until ?? ''), variants: { stable: variant('stable'), canary: variant('canary') } };
}
