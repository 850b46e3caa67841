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
  /** the predictions, one per row ([] for a failed request); their scalars are kept */
  outputs: readonly unknown[];
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
 * 53 bits of a request id (two 32-bit string hashes): the ring and the feedback map key on this
 * number instead of holding every id string, which would keep an object per request alive.
 */
export function idKey(id: string): number {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

// how a record's outputs are held: none, one number, one boolean, or a list
const NONE = 0;
const NUM = 1;
const BOOL = 2;
const LIST = 3;
const STR = 4;
const MAX_STRINGS = 4096;

/**
 * A ring of request records, column by column: typed arrays for the numbers, the id as a number
 * (idKey), a single numeric or boolean output inline. Holding a few hundred thousand requests
 * then keeps (almost) no objects alive for the garbage collector to copy and trace: retaining
 * an id string and an outputs array per request cost more than all the rest of the routing.
 */
class Ring {
  private t: Float64Array;
  private lat: Float64Array;
  private ok: Uint8Array;
  private ver: Uint16Array;
  private idk: Float64Array;
  private kind: Uint8Array;
  private one: Float64Array;
  private lists: (unknown[] | undefined)[];
  private versions: string[] = [];
  // distinct string outputs (class labels), so a string prediction is held as a number too
  private strings: string[] = [];
  private stringIndex = new Map<string, number>();
  private next = 0;
  private count = 0;
  constructor(readonly capacity: number) {
    this.t = new Float64Array(capacity);
    this.lat = new Float64Array(capacity);
    this.ok = new Uint8Array(capacity);
    this.ver = new Uint16Array(capacity);
    this.idk = new Float64Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.one = new Float64Array(capacity);
    this.lists = [];
  }
  private versionIndex(v: string): number {
    let i = this.versions.indexOf(v);
    if (i < 0) {
      if (this.versions.length >= 0xffff) this.versions = [];
      i = this.versions.push(v) - 1;
    }
    return i;
  }
  push(t: number, id: string, version: string, ok: boolean, latency: number, outputs: readonly unknown[]): void {
    const k = this.next;
    this.t[k] = t;
    this.lat[k] = latency;
    this.ok[k] = ok ? 1 : 0;
    this.ver[k] = this.versionIndex(version);
    this.idk[k] = idKey(id);
    const o = outputs.length === 1 ? scalarOf(outputs[0]) : undefined;
    if (outputs.length === 0) this.kind[k] = NONE;
    else if (typeof o === 'number') {
      this.kind[k] = NUM;
      this.one[k] = o;
    } else if (typeof o === 'boolean') {
      this.kind[k] = BOOL;
      this.one[k] = o ? 1 : 0;
    } else if (typeof o === 'string' && (this.stringIndex.has(o) || this.strings.length < MAX_STRINGS)) {
      let si = this.stringIndex.get(o);
      if (si === undefined) this.stringIndex.set(o, (si = this.strings.push(o) - 1));
      this.kind[k] = STR;
      this.one[k] = si;
    } else {
      this.kind[k] = LIST;
      this.lists[k] = outputs.map(scalarOf);
    }
    if (this.kind[k] !== LIST && this.lists[k] !== undefined) this.lists[k] = undefined;
    this.next = (k + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }
  private outputsAt(k: number): unknown[] {
    switch (this.kind[k]) {
      case NUM:
        return [this.one[k]];
      case BOOL:
        return [this.one[k] === 1];
      case STR:
        return [this.strings[this.one[k]!]];
      case LIST:
        return this.lists[k] ?? [];
      default:
        return [];
    }
  }
  /** oldest first, the records of one version in [since, until) */
  *items(version: string, since: number, until: number): Generator<{ t: number; key: number; ok: boolean; latency: number; outputs: unknown[] }> {
    const vi = this.versions.indexOf(version);
    if (vi < 0) return;
    const start = (this.next - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) {
      const k = (start + i) % this.capacity;
      const t = this.t[k]!;
      if (t < since || t >= until || this.ver[k] !== vi) continue;
      yield { t, key: this.idk[k]!, ok: this.ok[k] === 1, latency: this.lat[k]!, outputs: this.outputsAt(k) };
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
  private labels = new Map<number, unknown>();

  constructor(
    capacity = 200_000,
    private readonly labelCapacity = 200_000,
  ) {
    this.rings = { stable: new Ring(capacity), canary: new Ring(capacity) };
  }

  /** Record one answered request (`outputs`: the predictions, [] for a failed request). */
  record(variant: Variant, r: WindowRecord): void {
    this.rings[variant].push(r.t, r.id, r.version, r.ok, r.latency, r.outputs);
  }

  /** record() without a record object (the /predict hot path) */
  add(variant: Variant, t: number, id: string, version: string, ok: boolean, latency: number, outputs: readonly unknown[]): void {
    this.rings[variant].push(t, id, version, ok, latency, outputs);
  }

  feedback(id: string, label: unknown): void {
    const key = idKey(id);
    this.labels.delete(key);
    this.labels.set(key, label);
    if (this.labels.size > this.labelCapacity) this.labels.delete(this.labels.keys().next().value as number);
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
      if (!this.labels.has(r.key)) continue;
      const label = this.labels.get(r.key);
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
