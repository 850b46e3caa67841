// What `GET /admin/window` answers from memory: a ring buffer of recent requests per variant and
// the feedback labels by request id, so deploy's analysis never re-reads the request log.
// Pure: times are passed in.

export type Variant = 'stable' | 'canary';

export interface WindowRecord {
  /** epoch ms when the request arrived */
  t: number;
  id: string;
  version: string;
  ok: boolean;
  latency: number;
  /** one scalar (or undefined) per row */
  outputs: unknown[];
}

export interface VariantSummary {
  version: string;
  requests: number;
  errors: number;
  latency_ms: number[];
  p99_ms: number | null;
  outputs: unknown[];
  labelled: { output: unknown; label: unknown }[];
}

export interface WindowSummary {
  since: string;
  until: string;
  variants: { stable: VariantSummary; canary: VariantSummary | null };
}

/** The scalar a prediction contributes: itself, or an object's `prediction` / `label` / `value`. */
export function scalarOf(p: unknown): unknown {
  if (p === null || typeof p !== 'object') return p;
  if (Array.isArray(p)) return undefined;
  const o = p as Record<string, unknown>;
  for (const k of ['prediction', 'label', 'value']) {
    const v = o[k];
    if (v !== undefined && (v === null || typeof v !== 'object')) return v;
  }
  return undefined;
}

/**
 * A ring of request records, column by column (typed arrays for the numbers), so holding a few
 * hundred thousand requests adds no objects for the garbage collector to trace.
 */
class Ring {
  private t: Float64Array;
  private lat: Float64Array;
  private ok: Uint8Array;
  private ver: Uint16Array;
  private ids: (string | undefined)[];
  private outs: (unknown[] | undefined)[];
  private versions: string[] = [];
  private next = 0;
  private count = 0;
  constructor(readonly capacity: number) {
    this.t = new Float64Array(capacity);
    this.lat = new Float64Array(capacity);
    this.ok = new Uint8Array(capacity);
    this.ver = new Uint16Array(capacity);
    this.ids = new Array<string | undefined>(capacity);
    this.outs = new Array<unknown[] | undefined>(capacity);
  }
  private versionIndex(v: string): number {
    let i = this.versions.indexOf(v);
    if (i < 0) {
      if (this.versions.length >= 0xffff) this.versions = [];
      i = this.versions.push(v) - 1;
    }
    return i;
  }
  push(r: WindowRecord): void {
    const k = this.next;
    this.t[k] = r.t;
    this.lat[k] = r.latency;
    this.ok[k] = r.ok ? 1 : 0;
    this.ver[k] = this.versionIndex(r.version);
    this.ids[k] = r.id;
    this.outs[k] = r.outputs;
    this.next = (k + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }
  /** oldest first, the records of one version in [since, until) */
  *items(version: string, since: number, until: number): Generator<WindowRecord> {
    const vi = this.versions.indexOf(version);
    if (vi < 0) return;
    const start = (this.next - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) {
      const k = (start + i) % this.capacity;
      const t = this.t[k]!;
      if (t < since || t >= until || this.ver[k] !== vi) continue;
      yield { t, id: this.ids[k]!, version, ok: this.ok[k] === 1, latency: this.lat[k]!, outputs: this.outs[k]! };
    }
  }
}

/** nearest-rank percentile of an unsorted list (null when empty) */
export function percentile(xs: readonly number[], q: number): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

const LIST_CAP = 10_000;

export class WindowStore {
  private rings: Record<Variant, Ring>;
  private labels = new Map<string, unknown>();

  constructor(
    capacity = 200_000,
    private readonly labelCapacity = 200_000,
  ) {
    this.rings = { stable: new Ring(capacity), canary: new Ring(capacity) };
  }

  record(variant: Variant, r: WindowRecord): void {
    this.rings[variant].push(r);
  }

  feedback(id: string, label: unknown): void {
    this.labels.delete(id);
    this.labels.set(id, label);
    if (this.labels.size > this.labelCapacity) this.labels.delete(this.labels.keys().next().value as string);
  }

  /**
   * Summary of the requests of one variant and version that arrived in [since, until), among the
   * last `capacity` requests of that variant (serve.window).
   */
  summary(variant: Variant, version: string, since: number, until: number): VariantSummary {
    let requests = 0;
    let errors = 0;
    const lat: number[] = [];
    const outputs: unknown[] = [];
    const labelled: { output: unknown; label: unknown }[] = [];
    for (const r of this.rings[variant].items(version, since, until)) {
      requests++;
      if (!r.ok) errors++;
      lat.push(r.latency);
      if (!r.ok) continue;
      for (const o of r.outputs) if (o !== undefined) outputs.push(o);
      if (!this.labels.has(r.id)) continue;
      const label = this.labels.get(r.id);
      if (r.outputs.length === 1 && !Array.isArray(label)) labelled.push({ output: r.outputs[0], label });
      else if (Array.isArray(label) && label.length === r.outputs.length) label.forEach((l, j) => labelled.push({ output: r.outputs[j], label: l }));
    }
    return {
      version,
      requests,
      errors,
      latency_ms: lat.slice(-LIST_CAP),
      p99_ms: percentile(lat, 0.99),
      outputs: outputs.slice(-LIST_CAP),
      labelled: labelled.slice(-LIST_CAP),
    };
  }
}

/** 32-bit FNV-1a of a string: the sticky key's place in [0, 100). */
export function stickyPoint(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // finalise (murmur3 fmix32) so that ids differing only in the last characters spread out
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return ((h >>> 0) / 0x100000000) * 100;
}

/** canary when the key's point lies below the weight: the same key stays on one side, and a key on the canary stays there as the weight grows. */
export function routeOf(key: string, weight: number): Variant {
  return weight > 0 && stickyPoint(key) < weight ? 'canary' : 'stable';
}
