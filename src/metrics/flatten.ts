// Metrics and params files as flat key → value maps: nested keys joined with dots, a list
// one value (core/flatten.ts). The metrics-file parser lives in io/metrics-file.ts.
import { flatten, type FlatMap, type Value } from '../core/flatten.js';

/** A metrics or params value: a number, string, boolean, null, or a list (one value). */
export type Scalar = Value;
export type Flat = FlatMap;
export { flatten };
export { parseMetrics } from '../io/metrics-file.js';
