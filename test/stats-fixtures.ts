// Reads the SciPy/statsmodels/sklearn expected values in fixtures/stats/ (scripts/gen-stats-fixtures.py).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fixture(name: string): any[] {
  return JSON.parse(readFileSync(join(ROOT, 'fixtures', 'stats', `${name}.json`), 'utf8')).cases;
}
