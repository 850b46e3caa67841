// The latency histogram of /metrics: bucket counts in a typed array (an increment per request),
// exposed through prom-client's registry in the shape prom-client's own Histogram produces
// (`_bucket{le=...}` cumulative, `_sum`, `_count`).
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

export class LatencyBuckets {
  readonly counts = new Float64Array(LATENCY_BUCKETS.length + 1);
  sum = 0;
  count = 0;
  observe(seconds: number): void {
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]!) i++;
    this.counts[i]!++;
    this.sum += seconds;
    this.count++;
  }
}

interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  metricName: string;
}

/** A metric object for prom-client's Registry.registerMetric: one histogram labelled by variant. */
export function latencyMetric(name: string, help: string, byLabel: Record<string, LatencyBuckets>) {
  const get = async () => {
    const values: MetricValue[] = [];
    for (const [variant, h] of Object.entries(byLabel)) {
      let acc = 0;
      LATENCY_BUCKETS.forEach((le, i) => {
        acc += h.counts[i]!;
        values.push({ value: acc, labels: { le, variant }, metricName: `${name}_bucket` });
      });
      values.push({ value: h.count, labels: { le: '+Inf', variant }, metricName: `${name}_bucket` });
      values.push({ value: h.sum, labels: { variant }, metricName: `${name}_sum` });
      values.push({ value: h.count, labels: { variant }, metricName: `${name}_count` });
    }
    return { name, help, type: 'histogram', values, aggregator: 'sum' };
  };
  return { name, help, type: 'histogram', aggregator: 'sum', get, reset: () => undefined, labelNames: ['variant', 'le'] };
}
