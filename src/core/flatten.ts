// The one flatten: nested mappings become dotted keys; everything else, a list included,
// is one value (DVC's rule). Metrics, params (status and params diff alike) and config
// listings all use it, so a list-valued param is reported the same way everywhere.

/** A value as read from JSON or YAML. */
export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

/** dotted key → value (never a mapping). */
export type FlatMap = Record<string, Value>;

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Flatten mappings into dotted keys under `prefix`; lists and scalars are leaves. An empty
 * mapping contributes no key. A non-JSON leaf (a bigint, a Date) is kept as its string.
 */
export function flatten(data: unknown, prefix = '', out: FlatMap = {}): FlatMap {
  if (isMapping(data)) {
    for (const [k, v] of Object.entries(data)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return out;
  }
  if (!prefix) return out; // a bare scalar or list has no key to live under
  out[prefix] = leaf(data);
  return out;
}

function leaf(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(leaf);
  if (isMapping(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, leaf(x)]));
  return String(v);
}

/** Two values are the same when their JSON is (key order as read). */
export function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
