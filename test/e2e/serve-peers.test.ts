// fastify and prom-client are optional peer dependencies: a user's `npm install cairn-ml`
// does not pull them in. This runs the real CLI from a copy of the package whose node_modules
// holds every installed package but those two (as such an install would): every other command
// works, and `cairn serve` exits 2 with the install command instead of a resolution stack.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServePeers, SERVE_PEERS } from '../../src/mlops/serve/peers.js';
import { CairnError } from '../../src/core/errors.js';
import { git, ROOT, tempDir } from '../helpers.js';

function packageWithoutPeers(): string {
  const pkg = join(tempDir('cairn-nopeers-'), 'cairn-ml');
  mkdirSync(pkg, { recursive: true });
  for (const f of ['bin', 'dist', 'schema', 'vendor', 'package.json']) cpSync(join(ROOT, f), join(pkg, f), { recursive: true });
  mkdirSync(join(pkg, 'node_modules'));
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name === 'fastify' || name === 'prom-client' || name.startsWith('.')) continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(pkg, 'node_modules', name));
  }
  return pkg;
}

describe('serve without its optional peers', () => {
  it('other commands run; serve exits 2 naming what to install', () => {
    const pkg = packageWithoutPeers();
    const cli = join(pkg, 'bin', 'cairn.js');
    const run = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CAIRN_NO_PROGRESS: '1' } });
    const repo = tempDir();
    git(repo, 'init', '-q', '-b', 'main');
    expect(run(repo, 'init').status).toBe(0);
    expect(run(repo, 'status').status).toBe(0);
    const r = run(repo, 'serve', 'clf@production', '--predictor', 'p.mjs');
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain('needs fastify and prom-client');
    expect(r.stderr).toContain(`npm i ${SERVE_PEERS.join(' ')}`);
    expect(r.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|at .*\.js:\d+/);
  });

  it('the ranges it prints are the ones package.json declares as optional peers', () => {
    const p = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    for (const spec of SERVE_PEERS) {
      const at = spec.lastIndexOf('@');
      const [name, range] = [spec.slice(0, at), spec.slice(at + 1)];
      expect(p.peerDependencies![name], name).toBe(range);
      expect(p.peerDependenciesMeta![name], name).toEqual({ optional: true });
      expect(p.dependencies![name], `${name} is not a hard dependency`).toBeUndefined();
      expect(p.devDependencies![name], `${name} is installed for the tests and the demo`).toBeDefined();
    }
  });

  it('only a missing fastify or prom-client is turned into the usage error', async () => {
    const missing = (name: string) => Object.assign(new Error(`Cannot find package '${name}' imported from /x/server.js`), { code: 'ERR_MODULE_NOT_FOUND' });
    await expect(loadServePeers(() => Promise.reject(missing('prom-client')))).rejects.toMatchObject({ code: 'CAIRN_USAGE', data: { missing: 'prom-client' } });
    const other = missing('light-my-request');
    await expect(loadServePeers(() => Promise.reject(other))).rejects.toBe(other);
    const boom = new TypeError('boom');
    await expect(loadServePeers(() => Promise.reject(boom))).rejects.toBe(boom);
    await expect(loadServePeers(async () => 42)).resolves.toBe(42);
    await loadServePeers(() => Promise.reject(missing('fastify'))).catch((e) => expect(e).toBeInstanceOf(CairnError));
  });
});
