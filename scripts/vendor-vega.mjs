#!/usr/bin/env node
// Copies the browser builds of vega, vega-lite and vega-embed (and their licences) into
// vendor/, which the package ships: the HTML plot page inlines them, so users need these
// three files (about 1 MB), not the 24 MB of the vega packages and their dependencies
// (those are devDependencies). Run by `npm run build`.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const out = join(root, 'vendor');
mkdirSync(out, { recursive: true });

for (const [pkg, file] of [['vega', 'vega.min.js'], ['vega-lite', 'vega-lite.min.js'], ['vega-embed', 'vega-embed.min.js']]) {
  // packages' "exports" hide package.json: walk up from the main entry to the package folder
  let dir = dirname(require.resolve(pkg));
  while (!dir.endsWith(`/node_modules/${pkg}`) && dirname(dir) !== dir) dir = dirname(dir);
  copyFileSync(join(dir, 'build', file), join(out, file));
  const licence = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
  if (licence) copyFileSync(join(dir, licence), join(out, `${pkg}.LICENSE`));
}
