// `cairn deploy --emit argo-rollouts|flagger`: the same rollout (steps, interval, failure limit,
// thresholds) as Kubernetes manifests for teams that run Argo Rollouts or Flagger. Pure: config
// in, a list of manifest objects out (the api writes them as one multi-document YAML).
//
// Argo: a Rollout whose canary strategy is setWeight/pause steps with a background analysis from
// an AnalysisTemplate (one metric per check, `interval` = the step interval, `count` = the steps,
// `failureLimit` = failure_limit - 1, since Argo fails when failures exceed it; an inconclusive
// result pauses the rollout, as cairn's). Flagger: a Canary with `stepWeights` (the steps below
// 100, Flagger promotes after the last), `threshold` = failure_limit, and the request-success-rate
// and request-duration metrics. PromQL reads the Prometheus metrics `cairn serve` exports.
import type { DeployConfig } from './config.js';

export type EmitFormat = 'argo-rollouts' | 'flagger';
export const EMIT_FORMATS: readonly EmitFormat[] = ['argo-rollouts', 'flagger'];

export interface EmitInput {
  name: string;
  version: string | null;
  config: DeployConfig;
  /** container image (default `REGISTRY/NAME:VERSION`, to be replaced) */
  image?: string;
  port?: number;
  prometheus?: string;
  /** Flagger's request-duration is an absolute P99 in ms, not a comparison with the stable (default 500) */
  p99Ms?: number;
}

/** Go duration text for a number of milliseconds (60000 → 60s, 1500 → 1500ms, 3600000 → 60m). */
export function goDuration(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 600_000) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${Math.round(ms)}ms`;
}

const METRIC_REQUESTS = 'cairn_serve_requests_total';
const METRIC_LATENCY = 'cairn_serve_request_duration_seconds_bucket';

export function emitArgo(o: EmitInput): Record<string, unknown>[] {
  const { config: c, name } = o;
  const interval = goDuration(c.interval_ms);
  const port = o.port ?? 8080;
  const templateName = `${name}-analysis`;
  const steps: Record<string, unknown>[] = [];
  for (const w of c.steps) {
    steps.push({ setWeight: w });
    if (w < 100) steps.push({ pause: { duration: interval } });
  }
  const window = `[${interval}]`;
  const sel = (variant: string) => `app="${name}",variant="${variant}"`;
  const prometheus = { address: o.prometheus ?? 'http://prometheus.monitoring:9090' };
  const t = c.thresholds;
  const rollout = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name, labels: { app: name, 'app.kubernetes.io/managed-by': 'cairn' } },
    spec: {
      replicas: 4,
      revisionHistoryLimit: 3,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name,
              image: o.image ?? `REGISTRY/${name}:${o.version ?? 'VERSION'}`,
              args: ['serve', `${name}@${o.version ?? 'production'}`, '--port', String(port)],
              ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
              readinessProbe: { httpGet: { path: '/healthz', port } },
            },
          ],
        },
      },
      strategy: {
        canary: {
          analysis: { templates: [{ templateName }], startingStep: 1, args: [{ name: 'app', value: name }] },
          steps,
        },
      },
    },
  };
  const metric = (mname: string, successCondition: string, query: string) => ({
    name: mname,
    interval,
    count: c.steps.length,
    failureLimit: c.failure_limit - 1,
    inconclusiveLimit: 0,
    successCondition,
    provider: { prometheus: { ...prometheus, query } },
  });
  const template = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: templateName, labels: { app: name, 'app.kubernetes.io/managed-by': 'cairn' } },
    spec: {
      args: [{ name: 'app' }],
      metrics: [
        metric(
          'error-rate',
          `len(result) > 0 && !isNaN(result[0]) && result[0] <= ${t.max_error_rate}`,
          `sum(rate(${METRIC_REQUESTS}{${sel('canary')},status="error"}${window})) / sum(rate(${METRIC_REQUESTS}{${sel('canary')}}${window}))`,
        ),
        metric(
          'p99-latency-ms',
          `len(result) > 0 && !isNaN(result[0]) && result[0] <= ${t.max_p99_increase_ms}`,
          `1000 * (histogram_quantile(0.99, sum(rate(${METRIC_LATENCY}{${sel('canary')}}${window})) by (le)) - histogram_quantile(0.99, sum(rate(${METRIC_LATENCY}{${sel('stable')}}${window})) by (le)))`,
        ),
        {
          ...metric('canary-traffic', `len(result) > 0 && result[0] >= ${c.min_requests}`, `sum(increase(${METRIC_REQUESTS}{${sel('canary')}}${window}))`),
          // too little traffic is inconclusive (a pause), never a failure or a pass
          failureCondition: 'false',
        },
      ],
    },
  };
  return [rollout, template];
}

export function emitFlagger(o: EmitInput): Record<string, unknown>[] {
  const { config: c, name } = o;
  const interval = goDuration(c.interval_ms);
  const below = c.steps.filter((w) => w < 100);
  const stepWeights = below.length ? below : [50];
  const canary = {
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name, labels: { app: name, 'app.kubernetes.io/managed-by': 'cairn' } },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      service: { port: o.port ?? 8080 },
      analysis: {
        interval,
        threshold: c.failure_limit,
        maxWeight: stepWeights[stepWeights.length - 1],
        stepWeights,
        metrics: [
          { name: 'request-success-rate', thresholdRange: { min: Number((100 * (1 - c.thresholds.max_error_rate)).toFixed(6)) }, interval },
          { name: 'request-duration', thresholdRange: { max: o.p99Ms ?? 500 }, interval },
        ],
      },
    },
  };
  return [canary];
}

export function emitManifests(format: EmitFormat, o: EmitInput): Record<string, unknown>[] {
  return format === 'argo-rollouts' ? emitArgo(o) : emitFlagger(o);
}
