// Heavy dependencies load lazily: `cairn --help` and `cairn status` (even with an S3 remote
// configured) must not load the AWS SDK, vega or isomorphic-git. A module resolve hook logs
// every module the spawned CLI resolves; a control run shows the hook sees such imports.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, ROOT, cairn, cleanup, gen, tempDir, tempRepo } from '../helpers.js';

afterEach(cleanup);

const HEAVY = /node_modules\/(@aws-sdk|@smithy|vega[^/]*|isomorphic-git)\//;

function withHook(): { reg: string; log: string } {
  const dir = tempDir();
  const hook = join(dir, 'hook.mjs');
  writeFileSync(
    hook,
    `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) {\n  const r = await next(s, c);\n  appendFileSync(process.env.CAIRN_LOAD_LOG, r.url + '\\n');\n  return r;\n}\n`,
  );
  const reg = join(dir, 'register.mjs');
  writeFileSync(reg, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`);
  return { reg, log: join(dir, 'loaded.txt') };
}

function loaded(cwd: string, args: string[]): { code: number | null; modules: string[] } {
  const { reg, log } = withHook();
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', reg, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CAIRN_LOAD_LOG: log, CAIRN_NO_PROGRESS: '1' } });
  return { code: r.status, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

describe('start-up loads no heavy dependency', () => {
  it('the hook sees a lazily imported SDK (control)', () => {
    const sdk = pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('@aws-sdk/client-s3')).href;
    const dir = tempDir();
    gen(dir, { 'probe.mjs': `await import(${JSON.stringify(sdk)});\n` });
    const r = loaded(dir, [join(dir, 'probe.mjs')]);
    expect(r.code).toBe(0);
    expect(r.modules.some((m) => HEAVY.test(m))).toBe(true);
  });

  it('cairn --help', () => {
    const r = loaded(ROOT, [CLI, '--help']);
    expect(r.code).toBe(0);
    expect(r.modules.some((m) => m.includes('/dist/cli/main.js'))).toBe(true);
    expect(r.modules.filter((m) => HEAVY.test(m))).toEqual([]);
  });

  it('cairn status with an S3 remote configured', async () => {
    const dir = await tempRepo({ 'a.txt': 'hi\n' });
    expect(cairn(dir, ['add', 'a.txt']).code).toBe(0);
    expect(cairn(dir, ['remote', 'add', '-d', 's3r', 's3://bucket/prefix']).code).toBe(0);
    const r = loaded(dir, [CLI, 'status']);
    expect(r.code).toBe(0);
    expect(r.modules.some((m) => m.includes('/dist/api/status.js'))).toBe(true);
    expect(r.modules.filter((m) => HEAVY.test(m))).toEqual([]);
  });

  // yaml is CommonJS loaded by require (src/io/yaml.ts), which the resolve hook does not see:
  // an exit hook lists the CommonJS modules in require's cache instead
  it('remote list and model list load no YAML parser once the config was parsed', async () => {
    const dir = await tempRepo({});
    const probe = join(tempDir(), 'probe.mjs');
    writeFileSync(
      probe,
      `import { createRequire } from 'node:module';\nconst req = createRequire(import.meta.url);\nprocess.on('exit', () => { if (Object.keys(req.cache).some((k) => k.includes('/node_modules/yaml/'))) process.stderr.write('YAML-LOADED\\n'); });\n`,
    );
    const runWith = (args: string[]) => spawnSync(process.execPath, ['--import', probe, CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CAIRN_NO_PROGRESS: '1' } });
    expect(cairn(dir, ['remote', 'add', 'store', join(dir, '..', 'store')]).code).toBe(0);
    const first = runWith(['remote', 'list']); // parses config.yaml once, keeps the tree
    expect(first.status).toBe(0);
    expect(first.stderr).toContain('YAML-LOADED');
    for (const args of [['remote', 'list'], ['model', 'list'], ['--help']]) {
      const r = runWith(args);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr, args.join(' ')).not.toContain('YAML-LOADED');
    }
    // an edited config is parsed again, and its new value is the one used
    writeFileSync(join(dir, '.cairn', 'config.yaml'), readFileSync(join(dir, '.cairn', 'config.yaml'), 'utf8').replace(/store/g, 'other'));
    const edited = runWith(['remote', 'list']);
    expect(edited.stdout).toContain('other');
    expect(edited.stdout).not.toMatch(/\bstore\b/);
    expect(edited.stderr).toContain('YAML-LOADED');
    // a malformed config is still an error naming the file, cached tree or not
    writeFileSync(join(dir, '.cairn', 'config.yaml'), 'core: [\n');
    const bad = cairn(dir, ['remote', 'list']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('config.yaml');
  });
});
