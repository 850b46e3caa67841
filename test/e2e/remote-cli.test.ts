// The remote commands as a user runs them: flags, text and --json output, exit codes.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, cleanup, gen, git, tempDir } from '../helpers.js';
import { bucketName, makeBucket, noS3, s3, s3Env, useS3Env } from '../s3-helpers.js';

afterEach(cleanup);

function repo(): string {
  const dir = tempDir();
  git(dir, 'init', '-q', '-b', 'main');
  expect(cairn(dir, ['init']).code).toBe(0);
  gen(dir, { 'data/a.txt': 'alpha', 'data/b.txt': 'beta' });
  expect(cairn(dir, ['add', 'data']).code).toBe(0);
  return dir;
}

describe('cairn remote', () => {
  it('add, list, modify, rename, default, remove', () => {
    const dir = repo();
    expect(cairn(dir, ['remote', 'add', '-d', 'store', '../store']).code).toBe(0);
    expect(cairn(dir, ['remote', 'add', 'cloud', 's3://my-bucket/proj']).code).toBe(0);
    let r = cairn(dir, ['remote', 'modify', 'cloud', 'endpoint', 'http://127.0.0.1:9000']);
    expect(r.code).toBe(0);
    r = cairn(dir, ['remote', 'modify', '--local', 'cloud', 'profile', 'ci']);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, '.cairn', 'config.local.yaml'), 'utf8')).toContain('profile: ci');
    const list = JSON.parse(cairn(dir, ['remote', 'list', '--json']).stdout);
    expect(list.remotes.map((x: { name: string }) => x.name)).toEqual(['cloud', 'store']);
    expect(list.remotes[1].default).toBe(true);
    expect(list.remotes[0].settings).toEqual({ endpoint: 'http://127.0.0.1:9000', profile: 'ci' });
    expect(cairn(dir, ['remote', 'rename', 'store', 'local']).code).toBe(0);
    expect(cairn(dir, ['remote', 'default']).stdout.trim()).toBe('local');
    expect(cairn(dir, ['remote', 'default', 'cloud']).code).toBe(0);
    expect(cairn(dir, ['remote', 'remove', 'cloud']).stdout).toContain('default');
    expect(cairn(dir, ['remote', 'list']).stdout).toBe('local\t../store\n');
  });

  it('bad input: unknown setting, bad value, bad URL, duplicate, unknown remote (exit 2)', () => {
    const dir = repo();
    cairn(dir, ['remote', 'add', 'store', '../store']);
    for (const [args, words] of [
      [['remote', 'modify', 'store', 'colour', 'red'], ["'colour'"]],
      [['remote', 'modify', 'store', 'jobs', 'many'], ['jobs', 'many']],
      [['remote', 'add', 'x', 's3://Bad_Bucket'], ['Bad_Bucket']],
      [['remote', 'add', 'x', 'gs://b/x'], ['gs://b/x']],
      [['remote', 'add', 'store', '../other'], ["'store' already exists"]],
      [['remote', 'remove', 'nope'], ["'nope'"]],
      [['push', '-r', 'nope'], ["'nope'"]],
    ] as const) {
      const r = cairn(dir, [...args]);
      expect(r.code, args.join(' ')).toBe(2);
      for (const w of words) expect(r.stderr).toContain(w);
    }
  });

  it('push without any remote says how to add one (exit 2)', () => {
    const dir = repo();
    const r = cairn(dir, ['push']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cairn remote add');
  });

  it('a malformed config names the file and line (exit 2)', () => {
    const dir = repo();
    writeFileSync(join(dir, '.cairn', 'config.yaml'), 'remote:\n  store: [unclosed\n');
    const r = cairn(dir, ['push']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('config.yaml');
  });
});

describe('cairn push / pull (folder remote)', () => {
  it('push, pull into an empty cache, summary line and --json', () => {
    const dir = repo();
    cairn(dir, ['remote', 'add', '--create', '-d', 'store', join(tempDir(), 'store')]);
    const p = cairn(dir, ['push']);
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/^3 objects pushed, 0 already on remote, \d+ B in [\d.]+ s$/m);
    const j = JSON.parse(cairn(dir, ['push', '--json']).stdout);
    expect(j).toMatchObject({ remote: 'store', transferred: 0, skipped: 3, failed: [], missing: [] });
    const clone = join(dir, '.cairn', 'cache');
    execChmod(clone);
    const rm = (p: string) => rmSync(p, { recursive: true, force: true });
    rm(clone);
    rm(join(dir, 'data'));
    const r = cairn(dir, ['pull', '-j', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 objects fetched');
    expect(readFileSync(join(dir, 'data', 'b.txt'), 'utf8')).toBe('beta');
  });

  it('an object corrupted on the remote: pull exits 5 naming it and leaves the workspace alone', () => {
    const dir = repo();
    const store = join(tempDir(), 'store');
    cairn(dir, ['remote', 'add', '--create', '-d', 'store', store]);
    expect(cairn(dir, ['push']).code).toBe(0);
    // overwrite every non-manifest object on the remote
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? walk : (f: string) => files.push(f))(join(d, e.name));
    };
    walk(store);
    for (const f of files.filter((x) => !x.endsWith('.dir'))) writeFileSync(f, 'tampered');
    const clear = (d: string) => rmSync(d, { recursive: true, force: true });
    execChmod(join(dir, '.cairn', 'cache'));
    clear(join(dir, '.cairn', 'cache'));
    writeFileSync(join(dir, 'data', 'a.txt'), 'local edit');
    const r = cairn(dir, ['pull']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/xxh64x2\/[0-9a-f]{2}\/[0-9a-f]+ \(data\/(a|b)\.txt\)/);
    expect(r.stderr).toContain('corrupt');
    expect(readFileSync(join(dir, 'data', 'a.txt'), 'utf8')).toBe('local edit');
    const j = cairn(dir, ['fetch', '--json']);
    expect(j.code).toBe(5);
    expect(JSON.parse(j.stdout).error.code).toBe('CAIRN_INTEGRITY');
  });
});

function execChmod(d: string) {
  if (!existsSync(d)) return;
  execFileSync('chmod', ['-R', 'u+w', d]);
}

describe.skipIf(!!noS3)(`cairn push / pull (S3)${noS3 ? ` (skipped: ${noS3})` : ''}`, () => {
  it('pushes to a bucket, never prints the secret, and wrong credentials exit 1 at once', async () => {
    useS3Env();
    const dir = repo();
    const b = bucketName('e2e');
    await makeBucket(b);
    cairn(dir, ['remote', 'add', '-d', 'cloud', `s3://${b}/x`]);
    cairn(dir, ['remote', 'modify', 'cloud', 'endpoint', s3!.endpoint]);
    const p = cairn(dir, ['push', '--json'], s3Env());
    expect(p.code).toBe(0);
    expect(JSON.parse(p.stdout).transferred).toBe(3);
    expect(p.stdout + p.stderr).not.toContain(s3!.secret);
    const bad = cairn(dir, ['push', '-v'], { ...s3Env(), AWS_SECRET_ACCESS_KEY: 'wrong-secret-value-123456' });
    if (s3!.kind !== 's3rver') {
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('403');
      expect(bad.stderr).toContain('hint:');
      expect(bad.stderr).not.toContain('wrong-secret-value-123456');
      expect(bad.stderr).not.toContain('NodeVersionSupportWarning');
    }
  });
});
