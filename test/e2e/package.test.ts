// What `npm pack` ships and what a user's install pulls in: the package is cairn-ml (bin
// cairn), carries its licence and the vega browser builds, no source maps pointing at
// sources it does not ship, and its dependencies are only what src/ imports.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('the npm package', () => {
  it('is cairn-ml with the bin cairn', () => {
    expect(pkg.name).toBe('cairn-ml');
    expect(pkg.bin).toEqual({ cairn: 'bin/cairn.js' });
  });

  it('packs the build, the licence and the vega browser builds, and no source maps', () => {
    // --ignore-scripts: use the build the suite already made (no rebuild under running tests)
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const f of ['LICENSE', 'bin/cairn.js', 'dist/cli/main.js', 'dist/api/index.js', 'dist/api/index.d.ts', 'vendor/vega.min.js', 'vendor/vega-lite.min.js', 'vendor/vega-embed.min.js', 'vendor/vega.LICENSE']) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('fixtures/'))).toEqual([]);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toContain('Apache License');
  });

  it('depends only on what src/ imports; the demo and the plot builds are devDependencies', () => {
    const text = sources(join(ROOT, 'src')).map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const dep of Object.keys(pkg.dependencies)) expect(text.includes(`'${dep}'`) || text.includes(`'${dep}/`), `${dep} is not imported by src/`).toBe(true);
    for (const dev of ['ml-cart', 'ml-random-forest', 'vega-datasets', 'vega', 'vega-lite', 'vega-embed']) {
      expect(pkg.dependencies[dev], dev).toBeUndefined();
      expect(pkg.devDependencies[dev], dev).toBeDefined();
    }
    expect(pkg.dependencies['fast-glob']).toBeUndefined();
  });
});
