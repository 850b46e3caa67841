// Metrics and params files as flat key → value maps: nested keys joined with dots.
import { parse } from 'yaml';
import { CairnError } from '../core/errors.js';

export type Scalar = number | string | boolean | null;
export type Flat = Record<string, Scalar>;

/** Flatten nested mappings (and lists, by index) into dotted keys with scalar values. */
export function flatten(data: unknown, prefix = '', out: Flat = {}): Flat {
  if (data === null || data === undefined) {
    if (prefix) out[prefix] = null;
    return out;
  }
  if (Array.isArray(data)) {
    data.forEach((v, i) => flatten(v, prefix ? `${prefix}.${i}` : String(i), out));
    return out;
  }
  if (typeof data === 'object') {
    for (const [k, v] of Object.entries(data as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return out;
  }
  if (typeof data === 'number' || typeof data === 'string' || typeof data === 'boolean') out[prefix || 'value'] = data;
  else out[prefix || 'value'] = String(data);
  return out;
}

/** Parse a metrics file (JSON or YAML; JSON is YAML) and flatten it; throws with the file named. */
export function parseMetrics(text: string, file: string): Flat {
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parse(text);
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
