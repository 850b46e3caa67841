// #8.10/#8.11 against the real S3 test server: static keys kept in the git-ignored local
// config are used, and a wrong one fails with an error that shows no secret.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, cleanup, tempRepo } from '../helpers.js';
import { bucketName, makeBucket, notRealS3, s3 } from '../s3-helpers.js';

afterEach(cleanup);

/** The environment without any AWS credential, so only the config's keys can work. */
function noAwsEnv(): Record<string, string> {
  const env: Record<string, string> = { AWS_EC2_METADATA_DISABLED: 'true', AWS_REGION: 'us-east-1', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent' };
  for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) env[k] = '';
  return env;
}

describe.skipIf(!!notRealS3)(`S3 keys in the local config${notRealS3 ? ` (skipped: ${notRealS3})` : ''}`, () => {
  it('push uses access_key_id + secret_access_key from config.local.yaml; a wrong secret fails without printing it', async () => {
    const dir = await tempRepo({ 'data/a.txt': 'a', 'data/b.txt': 'b' });
    const bucket = bucketName('sec');
    await makeBucket(bucket);
    const env = noAwsEnv();
    expect(cairn(dir, ['add', 'data'], env).code).toBe(0);
    expect(cairn(dir, ['remote', 'add', '-d', 'store', `s3://${bucket}/p`], env).code).toBe(0);
    expect(cairn(dir, ['remote', 'modify', 'store', 'endpoint', s3!.endpoint], env).code).toBe(0);
    expect(cairn(dir, ['remote', 'modify', 'store', 'access_key_id', s3!.key], env).code).toBe(0);
    const wrong = 'wrong-secret-value-1234567890abcdef';
    expect(cairn(dir, ['config', 'remote.store.secret_access_key', wrong], env).code).toBe(0);
    expect(readFileSync(join(dir, '.cairn/config.yaml'), 'utf8')).not.toContain(wrong);

    for (const args of [['push'], ['push', '--json', '-v']]) {
      const bad = cairn(dir, args, env);
      expect(bad.code, args.join(' ')).toBe(1);
      expect(bad.stdout + bad.stderr).toMatch(/secret key is wrong|access denied/);
      expect(bad.stdout + bad.stderr).not.toContain(wrong);
    }

    expect(cairn(dir, ['remote', 'modify', 'store', 'secret_access_key', s3!.secret], env).code).toBe(0);
    const ok = cairn(dir, ['push', '--json'], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).transferred).toBe(3);
    expect(readFileSync(join(dir, '.cairn/config.yaml'), 'utf8')).not.toContain(s3!.secret);
    expect(cairn(dir, ['remote', 'list'], env).stdout).not.toContain(s3!.secret);
  });
});
