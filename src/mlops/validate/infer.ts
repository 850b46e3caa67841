// --infer: propose a schema the data passes. Per column: the narrowest type every non-null
// value fits (bool < int < float < date < datetime < string), nullability, a range widened by a
// margin, the allowed set when there are few distinct values, uniqueness. The YAML is built
// in a fixed order from the data alone, so the same data always gives the same bytes.
import type { RowBatch } from '../../io/tables/index.js';
import { coercer, FAIL } from './coerce.js';
import { DEFAULT_NULL_VALUES, type ColumnType } from './schema.js';
import type { Document, isMap, isSeq } from 'yaml';
import { yaml } from '../../io/yaml.js';

/** at most this many distinct values make an allowed set (`in:`) */
export const MAX_CATEGORIES = 20;
/** ranges widen by this fraction of their span on each side */
export const RANGE_MARGIN = 0.1;
/** distinct values tracked per column for `unique` (beyond it, unique is not proposed) */
export const MAX_TRACKED = 5_000_000;

const CANDIDATES: ColumnType[] = ['bool', 'int', 'float', 'date', 'datetime', 'string'];

interface ColStats {
  name: string;
  nulls: number;
  nonNull: number;
  /** candidate types still possible */
  types: Set<ColumnType>;
  min: number[];
  max: number[];
  distinct: Map<string, number> | undefined;
  seen: Set<unknown> | undefined;
  dupes: boolean;
  maxLen: number;
}

const coercers = Object.fromEntries(CANDIDATES.map((t) => [t, coercer(t)])) as Record<ColumnType, ReturnType<typeof coercer>>;

export class Inferrer {
  private readonly cols = new Map<string, ColStats>();
  private readonly order: string[] = [];
  private rows = 0;
  private readonly nullSet = new Set(DEFAULT_NULL_VALUES);

  push(b: RowBatch): void {
    const stats = b.columns.map((name) => {
      let s = this.cols.get(name);
      if (!s) {
        s = { name, nulls: this.rows, nonNull: 0, types: new Set(CANDIDATES), min: CANDIDATES.map(() => Infinity), max: CANDIDATES.map(() => -Infinity), distinct: new Map(), seen: new Set(), dupes: false, maxLen: 0 };
        this.cols.set(name, s);
        this.order.push(name);
      }
      return s;
    });
    for (const s of this.cols.values()) if (!b.columns.includes(s.name)) s.nulls += b.rows.length;
    for (const r of b.rows) {
      for (let j = 0; j < stats.length; j++) {
        const s = stats[j]!;
        const v = r[j];
        if (v === undefined || v === null || (typeof v === 'string' && this.nullSet.has(v)) || (typeof v === 'number' && v !== v)) {
          s.nulls++;
          continue;
        }
        s.nonNull++;
        for (const t of s.types) {
          const x = coercers[t](v);
          if (x === FAIL) {
            s.types.delete(t);
            continue;
          }
          if (t === 'int' || t === 'float' || t === 'date' || t === 'datetime') {
            const i = CANDIDATES.indexOf(t);
            const n = Number(x);
            if (n < s.min[i]!) s.min[i] = n;
            if (n > s.max[i]!) s.max[i] = n;
          }
        }
        const key = typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : String(v);
        if (key.length > s.maxLen) s.maxLen = key.length;
        if (s.distinct) {
          s.distinct.set(key, (s.distinct.get(key) ?? 0) + 1);
          if (s.distinct.size > MAX_CATEGORIES) s.distinct = undefined;
        }
        if (s.seen) {
          if (s.seen.has(key)) {
            s.dupes = true;
            s.seen = undefined;
          } else if (s.seen.size >= MAX_TRACKED) s.seen = undefined;
          else s.seen.add(key);
        }
      }
    }
    this.rows += b.rows.length;
  }

  /** The proposed schema as YAML text. */
  finish(): string {
    const columns: Record<string, Record<string, unknown>> = {};
    for (const name of this.order) {
      const s = this.cols.get(name)!;
      const spec: Record<string, unknown> = {};
      const type = s.nonNull ? CANDIDATES.find((t) => s.types.has(t)) : 'string';
      const categorical = type === 'string' && s.distinct && s.distinct.size > 0 && s.distinct.size <= MAX_CATEGORIES && s.nonNull >= 2 * s.distinct.size;
      if (type) spec.type = categorical ? 'category' : type;
      if (s.nulls) spec.nullable = true;
      const i = type ? CANDIDATES.indexOf(type) : -1;
      if ((type === 'int' || type === 'float') && s.nonNull) {
        const lo = s.min[i]!;
        const hi = s.max[i]!;
        const pad = (hi - lo) * RANGE_MARGIN || Math.abs(lo) * RANGE_MARGIN || 1;
        spec.min = type === 'int' ? Math.floor(lo - pad) : roundDown(lo - pad);
        spec.max = type === 'int' ? Math.ceil(hi + pad) : roundUp(hi + pad);
        if (lo >= 0 && (spec.min as number) < 0) spec.min = 0;
      }
      if (type === 'bool' && s.distinct) {
        // nothing more: true/false is the type
      } else if (s.distinct && s.distinct.size <= MAX_CATEGORIES && (categorical || (type === 'int' && s.distinct.size <= 10 && s.nonNull >= 2 * s.distinct.size))) {
        const vals = [...s.distinct.keys()];
        spec.in = type === 'int' ? vals.map(Number).sort((a, b) => a - b) : vals.sort();
      }
      if (!s.dupes && s.seen && !s.distinct && (type === 'int' || type === 'string')) spec.unique = true;
      if (type === 'string' && !categorical && s.nonNull) spec.length = { max: Math.ceil(s.maxLen * 1.5) + 1 };
      columns[name] = spec;
    }
    const d = new (yaml().Document)({ columns, rows: { min: this.rows ? 1 : 0 } });
    for (const name of this.order) {
      for (const k of ['in', 'length']) {
        const n = d.getIn(['columns', name, k], true);
        if (yaml().isSeq(n) || yaml().isMap(n)) n.flow = true;
      }
    }
    return `# proposed by cairn validate --infer from ${this.rows} rows: review before relying on it\n${d.toString({ lineWidth: 0, flowCollectionPadding: false })}`;
  }
}

function sig(x: number, f: (n: number) => number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const p = 10 ** (Math.floor(Math.log10(Math.abs(x))) - 3);
  return Number((f(x / p) * p).toPrecision(6));
}
const roundDown = (x: number): number => sig(x, Math.floor);
const roundUp = (x: number): number => sig(x, Math.ceil);
