// The yaml package, loaded on first use instead of at start-up. Its ~80 CommonJS files take
// ~50 ms to load here, which every command paid before it read a byte, even those that read
// no YAML (`cairn --help`, `model show` with a warm index: see docs/benchmarks.md, start-up).
// require() keeps the accessor synchronous; types come from `import type`, which costs nothing.
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let loaded: typeof Yaml | undefined;

export function yaml(): typeof Yaml {
  return (loaded ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}
