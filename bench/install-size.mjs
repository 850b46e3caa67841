#!/usr/bin/env node
// What a user's `npm install cairn-ml` costs: pack this checkout (which builds it), install
// the tarball with --omit=dev into a temp folder, and print the package count and the size
// of node_modules (goal: under 40 MB). Needs the npm registry.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'cairn-install-size-'));
try {
  execFileSync('npm', ['pack', '--pack-destination', dir], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  writeFileSync(join(dir, 'package.json'), '{"name":"size-probe","version":"1.0.0","private":true}\n');
  const log = execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', `./${tgz}`], { cwd: dir, encoding: 'utf8' });
  const added = /added (\d+) packages/.exec(log)?.[1];
  const du = execFileSync('du', ['-sk', 'node_modules'], { cwd: dir, encoding: 'utf8' });
  const mb = Number(du.split('\t')[0]) / 1024;
  console.log(`${tgz}: ${added} packages, node_modules ${mb.toFixed(1)} MB (goal < 40 MB)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
