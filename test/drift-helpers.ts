// Seeded samples for the drift tests (xoshiro128** from src/stats/prng.ts; normals by Box–Muller).
import { xoshiro128, type Rng } from '../src/stats/prng.js';

export function rng(seed: number): Rng {
  return xoshiro128(seed);
}

export function normals(r: Rng, n: number, mean = 0, sd = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - r.uniform();
    const v = r.uniform();
    const m = Math.sqrt(-2 * Math.log(u));
    out[i] = mean + sd * m * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = mean + sd * m * Math.sin(2 * Math.PI * v);
  }
  return out;
}

export function categories(r: Rng, n: number, labels: readonly string[], p: readonly number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let u = r.uniform();
    let k = 0;
    while (k < p.length - 1 && u >= p[k]!) u -= p[k++]!;
    out.push(labels[k]!);
  }
  return out;
}

/** A CSV text from named columns of equal length. */
export function csv(cols: Record<string, ArrayLike<number | string>>): string {
  const names = Object.keys(cols);
  const n = cols[names[0]!]!.length;
  const lines = [names.join(',')];
  for (let i = 0; i < n; i++) lines.push(names.map((k) => String(cols[k]![i])).join(','));
  return lines.join('\n') + '\n';
}
