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

class Ring<T> {
  private buf: (T | undefined)[];
  private next = 0;
  private count = 0;
  constructor(readonly capacity: number) {
    this.buf = new Array<T | undefined>(capacity);
  }
  push(x: T): void {
    this.buf[this.next] = x;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }
  /** oldest first */
  *items(): Generator<T> {
    const start = (this.next - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) yield this.buf[(start + i) % this.capacity]!;
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
  private rings: Record<Variant, Ring<WindowRecord>>;
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

  /** Summary of the requests of one variant and version that arrived in [since, until). */
  summary(variant: Variant, version: string, since: number, until: number): VariantSummary {
    let requests = 0;
    let errors = 0;
    const lat: number[] = [];
    const outputs: unknown[] = [];
    const labelled: { output: unknown; label: unknown }[] = [];
    for (const r of this.rings[variant].items()) {
      if (r.t < since || r.t >= until || r.version !== version) continue;
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
