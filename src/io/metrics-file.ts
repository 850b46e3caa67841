// A metrics file (JSON or YAML; JSON is YAML) read as a flat key → value map: nested keys
// joined with dots, a list one value (core/flatten.ts).
import { CairnError } from '../core/errors.js';
import { flatten, type FlatMap } from '../core/flatten.js';
import { yaml } from './yaml.js';

/**
 * Parse a metrics file (JSON or YAML; JSON is YAML) and flatten it; throws with the file
 * named. A file holding a single number (`0.93`) is that number under the empty key.
 */
export function parseMetrics(text: string, file: string): FlatMap {
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
  // a file holding one number is one metric without a name (DVC shows it under an empty key)
  if (typeof data === 'number') return { '': data };
  if (typeof data !== 'object') {
    throw new CairnError('CAIRN_BAD_METRICS', `${file}: a metrics file must hold a mapping, not a ${typeof data}`, { data: { file } });
  }
  return flatten(data);
}
