// Metrics and params files as flat key → value maps: nested keys joined with dots, a list
// one value (core/flatten.ts).
import { CairnError } from '../core/errors.js';
import { flatten, type FlatMap, type Value } from '../core/flatten.js';
import type { parse } from 'yaml';
import { yaml } from '../io/yaml.js';

/** A metrics or params value: a number, string, boolean, null, or a list (one value). */
export type Scalar = Value;
export type Flat = FlatMap;
export { flatten };

/** Parse a metrics file (JSON or YAML; JSON is YAML) and flatten it; throws with the file named. */
export function parseMetrics(text: string, file: string): Flat {
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : yaml().parse(text);
  } catch (e) {
    throw new CairnError('CAIRN_BAD_METRICS', `${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`, {
      hint: `fix ${file} (metrics are a JSON or YAML mapping of names to numbers)`,
      data: { file },
    });
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object') {
    throw new CairnError('CAIRN_BAD_METRICS', `${file}: a metrics file must hold a mapping, not a ${typeof data}`, { data: { file } });
  }
  return flatten(data);
}
