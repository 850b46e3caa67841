// #8.10, #8.11: secrets set through `cairn config` or `remote modify` never land in the
// committed config, and no output (text, --json, error messages) shows them in clear.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, cleanup, git, tempRepo } from '../helpers.js';

afterEach(cleanup);

const SECRET = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCY';
const PASS = 'Hunter2Pass99';

function everything(r: { stdout: string; stderr: string }): string {
  return r.stdout + r.stderr;
}

describe('secrets in config', () => {
  it('`cairn config remote.X.secret_access_key V` writes to the git-ignored local config, never config.yaml', async () => {
    const dir = await tempRepo();
    expect(cairn(dir, ['remote', 'add', 's', 's3://bucket/p']).code).toBe(0);
    const r = cairn(dir, ['config', 'remote.s.secret_access_key', SECRET]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('config.local.yaml');
    expect(readFileSync(join(dir, '.cairn/config.yaml'), 'utf8')).not.toContain(SECRET);
    expect(readFileSync(join(dir, '.cairn/config.local.yaml'), 'utf8')).toContain(SECRET);
    // git would not commit it: .cairn/.gitignore lists the local file
    git(dir, 'add', '-A');
    expect(git(dir, 'ls-files', '.cairn')).not.toContain('config.local.yaml');
    // any key named like a secret, and a URL with a password in it, goes the same way
    expect(cairn(dir, ['config', 'remote.s.session_token', 'tok-123456']).code).toBe(0);
    expect(cairn(dir, ['remote', 'modify', 's', 'endpoint', `http://admin:${PASS}@127.0.0.1:1`]).code).toBe(0);
    const shared = readFileSync(join(dir, '.cairn/config.yaml'), 'utf8');
    expect(shared).not.toContain('tok-123456');
    expect(shared).not.toContain(PASS);
  });

  it('a secret committed earlier moves to the local file when set again', async () => {
    const dir = await tempRepo();
    cairn(dir, ['remote', 'add', 's', 's3://bucket/p']);
    const cfgFile = join(dir, '.cairn/config.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(cfgFile, readFileSync(cfgFile, 'utf8').replace('url: s3://bucket/p', `url: s3://bucket/p\n    secret_access_key: old-secret-value`));
    expect(cairn(dir, ['remote', 'modify', 's', 'secret_access_key', SECRET]).code).toBe(0);
    expect(readFileSync(cfgFile, 'utf8')).not.toContain('old-secret-value');
    expect(readFileSync(join(dir, '.cairn/config.local.yaml'), 'utf8')).toContain(SECRET);
  });

  it('config --list, --json, get, remote list (text and JSON) mask secrets and URL passwords', async () => {
    const dir = await tempRepo();
    cairn(dir, ['remote', 'add', 's', 's3://bucket/p']);
    cairn(dir, ['config', 'remote.s.secret_access_key', SECRET]);
    cairn(dir, ['remote', 'modify', 's', 'endpoint', `http://admin:${PASS}@127.0.0.1:1`]);
    for (const args of [['config', '--list'], ['config', '--list', '--json'], ['config', '--list', '--local'], ['config', 'remote.s.secret_access_key'], ['config', 'remote.s.endpoint'], ['remote', 'list'], ['remote', 'list', '--json']]) {
      const r = cairn(dir, args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(everything(r), args.join(' ')).not.toContain(SECRET);
      expect(everything(r), args.join(' ')).not.toContain(PASS);
      expect(everything(r), args.join(' ')).toContain('***');
    }
    expect(cairn(dir, ['config', '--list']).stdout).toContain('remote.s.endpoint=http://admin:***@127.0.0.1:1');
  });

  it('an S3 error message does not show the endpoint password or the secret key', async () => {
    const dir = await tempRepo({ 'f.txt': 'data' });
    cairn(dir, ['remote', 'add', '-d', 's', 's3://bucket/p']);
    cairn(dir, ['remote', 'modify', 's', 'endpoint', `http://admin:${PASS}@127.0.0.1:1`]);
    cairn(dir, ['remote', 'modify', 's', 'access_key_id', 'AKIDEXAMPLE']);
    cairn(dir, ['remote', 'modify', 's', 'secret_access_key', SECRET]);
    cairn(dir, ['remote', 'modify', 's', 'retries', '1']);
    expect(cairn(dir, ['add', 'f.txt']).code).toBe(0);
    for (const args of [['push'], ['push', '--json'], ['status', '--cloud'], ['push', '-v']]) {
      const r = cairn(dir, args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(everything(r), args.join(' ')).toContain('127.0.0.1');
      expect(everything(r), args.join(' ')).not.toContain(PASS);
      expect(everything(r), args.join(' ')).not.toContain(SECRET);
    }
  });
});
