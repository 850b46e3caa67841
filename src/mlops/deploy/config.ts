// Rollout settings: the steps, the interval, the traffic a step needs, the failure limit and the
// analysis thresholds. Defaults here, overridden by the `deploy:` section of .cairn/config.yaml
// (keys checked by repo/config-schema.ts), overridden by flags. Pure: values in, DeployConfig out;
// a bad value is a usage error naming the flag or key.
import { CairnError } from '../../core/errors.js';

export type TargetKind = 'local' | 'command';
export const TARGET_KINDS: readonly TargetKind[] = ['local', 'command'];

export interface Thresholds {
  /** the canary fails when its error rate is above this (absolute, 0..1) */
  max_error_rate: number;
  /** ... or above the stable's error rate by more than this (absolute, 0..1) */
  max_error_rate_increase: number;
  /** the canary fails when its P99 latency is above stable × this AND above stable + max_p99_increase_ms */
  max_p99_ratio: number;
  max_p99_increase_ms: number;
  /** PSI of the canary's predictions against the stable's above this fails */
  max_psi: number;
  /**
   * predictions each side needs before PSI is computed: PSI's sampling noise is about
   * (bins - 1)(1/n1 + 1/n2), so at 20 predictions a canary identical to the stable reaches the
   * 0.25 limit by chance alone (Evidently #50); at 100 the noise is a tenth of the limit
   */
  min_outputs: number;
  /** feedback labels each side needs before accuracy is compared */
  min_labels: number;
  /** significance level of the accuracy test (chi-square on the 2 × 2 table, as scipy's chi2_contingency) */
  alpha: number;
}

export interface CommandHooks {
  set_weight?: string;
  metrics?: string;
  promote?: string;
  rollback?: string;
}

export interface DeployConfig {
  target: TargetKind;
  /** canary weights in percent, ascending, ending at 100 */
  steps: number[];
  interval_ms: number;
  /** canary requests a window needs before it is analysed */
  min_requests: number;
  /** how long past the interval a step waits for min_requests before it is inconclusive */
  traffic_timeout_ms: number;
  /** consecutive failed analyses that roll back */
  failure_limit: number;
  thresholds: Thresholds;
  /** the local target's serve URL (default: from .cairn/serve/state.json) */
  url?: string;
  hooks: CommandHooks;
}

export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = {
  max_error_rate: 0.01,
  max_error_rate_increase: 0.01,
  max_p99_ratio: 1.5,
  max_p99_increase_ms: 50,
  max_psi: 0.25,
  min_outputs: 100,
  min_labels: 30,
  alpha: 0.05,
};

export function defaultDeployConfig(): DeployConfig {
  return {
    target: 'local',
    steps: [10, 50, 100],
    interval_ms: 60_000,
    min_requests: 50,
    traffic_timeout_ms: 120_000,
    failure_limit: 1,
    thresholds: { ...DEFAULT_THRESHOLDS },
    hooks: {},
  };
}

/** The keys of the `deploy:` config section (documented in docs/deploy.md#config). */
export const DEPLOY_KEYS = [
  'target',
  'steps',
  'interval',
  'min_requests',
  'traffic_timeout',
  'failure_limit',
  'url',
  'set_weight',
  'metrics',
  'promote',
  'rollback',
  ...(Object.keys(DEFAULT_THRESHOLDS) as (keyof Thresholds)[]),
] as const;

const usage = (msg: string, hint: string): CairnError => new CairnError('CAIRN_USAGE', msg, { hint });

/** `60s`, `1.5s`, `500ms`, `2m`, `1h`, or a bare number of seconds → milliseconds. */
export function parseInterval(what: string, v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v * 1000;
  const m = typeof v === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(v) : null;
  const ms = m ? Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'] : NaN;
  if (!(ms > 0)) throw usage(`${what} takes a duration like 60s, 500ms or 2m, got '${String(v)}'`, `${what} 60s`);
  return ms;
}

/** `10,50,100` or [10, 50, 100] → ascending percentages ending at 100. */
export function parseSteps(what: string, v: unknown): number[] {
  const raw = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',').map((s) => s.trim()) : typeof v === 'number' ? [v] : null;
  const hint = `${what} 10,50,100`;
  if (!raw || raw.length === 0) throw usage(`${what} takes a comma list of weights, got '${String(v)}'`, hint);
  const steps = raw.map((s) => (typeof s === 'number' ? s : /^\d+(\.\d+)?$/.test(String(s)) ? Number(s) : NaN));
  for (const [i, w] of steps.entries()) {
    if (!(w > 0 && w <= 100)) throw usage(`${what}: weight '${String(raw[i])}' is not a percentage in (0, 100]`, hint);
    if (i > 0 && w <= steps[i - 1]!) throw usage(`${what}: weights must increase (${steps.join(',')})`, hint);
  }
  if (steps[steps.length - 1] !== 100) throw usage(`${what}: the last weight must be 100 (${steps.join(',')})`, hint);
  return steps;
}

function count(what: string, v: unknown, min: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min) throw usage(`${what} takes a whole number ≥ ${min}, got '${String(v)}'`, `${what} ${Math.max(min, 20)}`);
  return n;
}

function fraction(what: string, v: unknown, lo: number, hi: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!(n >= lo && n <= hi)) throw usage(`${what} takes a number from ${lo} to ${hi}, got '${String(v)}'`, `${what} ${lo}`);
  return n;
}

function hook(what: string, v: unknown): string {
  if (typeof v !== 'string' || !v.trim()) throw usage(`${what} takes a shell command, got '${String(v)}'`, `${what}: "kubectl ... \${weight}"`);
  return v;
}

export type DeploySettings = Partial<Record<(typeof DEPLOY_KEYS)[number], unknown>>;

/** Apply one layer of settings (the config section as `deploy.KEY`, or flags as `--flag`). */
export function applySettings(cfg: DeployConfig, s: DeploySettings, name: (key: string) => string): DeployConfig {
  const out: DeployConfig = { ...cfg, thresholds: { ...cfg.thresholds }, hooks: { ...cfg.hooks } };
  for (const [key, v] of Object.entries(s)) {
    if (v === undefined || v === null) continue;
    const what = name(key);
    switch (key) {
      case 'target':
        if (!TARGET_KINDS.includes(v as TargetKind)) throw usage(`${what} takes local or command, got '${String(v)}'`, `${what} local`);
        out.target = v as TargetKind;
        break;
      case 'steps':
        out.steps = parseSteps(what, v);
        break;
      case 'interval':
        out.interval_ms = parseInterval(what, v);
        break;
      case 'traffic_timeout':
        out.traffic_timeout_ms = parseInterval(what, v);
        break;
      case 'min_requests':
        out.min_requests = count(what, v, 1);
        break;
      case 'failure_limit':
        out.failure_limit = count(what, v, 1);
        break;
      case 'url':
        if (typeof v !== 'string' || !/^https?:\/\/[^\s]+$/.test(v)) throw usage(`${what} takes an http:// URL, got '${String(v)}'`, `${what} http://127.0.0.1:8080`);
        out.url = v.replace(/\/+$/, '');
        break;
      case 'set_weight':
      case 'metrics':
      case 'promote':
      case 'rollback':
        out.hooks[key] = hook(what, v);
        break;
      case 'min_outputs':
      case 'min_labels':
        out.thresholds[key] = count(what, v, 1);
        break;
      case 'max_p99_ratio':
        out.thresholds.max_p99_ratio = fraction(what, v, 1, 1000);
        break;
      case 'max_p99_increase_ms':
        out.thresholds.max_p99_increase_ms = fraction(what, v, 0, 3_600_000);
        break;
      case 'max_psi':
        out.thresholds.max_psi = fraction(what, v, 0, 100);
        break;
      case 'max_error_rate':
      case 'max_error_rate_increase':
        out.thresholds[key] = fraction(what, v, 0, 1);
        break;
      case 'alpha':
        out.thresholds.alpha = fraction(what, v, 0, 1);
        break;
      default:
        throw usage(`unknown deploy setting ${what}`, `known: ${DEPLOY_KEYS.join(', ')} (docs/deploy.md#config)`);
    }
  }
  return out;
}

/** Everything a `command` target needs, checked before the rollout starts. */
export function checkTargetConfig(cfg: DeployConfig): void {
  if (cfg.target !== 'command') return;
  for (const k of ['set_weight', 'metrics'] as const) {
    if (!cfg.hooks[k]) throw new CairnError('CAIRN_CONFIG', `--target command needs deploy.${k} in .cairn/config.yaml`, { hint: `e.g. \`cairn config deploy.${k} "${k === 'set_weight' ? 'kubectl ... ${weight}' : './window.sh ${since} ${until}'}"\`; see docs/deploy.md#targets` });
  }
}
