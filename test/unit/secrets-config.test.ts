// #8.10, 8.11, 8.16: the one masking function, and the config schema's checks.
import { describe, expect, it } from 'vitest';
import { hasUrlCredentials, isSecretKey, MASK, maskSecrets, maskText, registerSecret } from '../../src/core/secrets.js';
import { keySpec, parseConfigValue, suggestKey, validateConfigEnv, validateConfigTree } from '../../src/repo/config-schema.js';

describe('masking', () => {
  it('knows secret-named keys and leaves look-alikes alone', () => {
    for (const k of ['secret_access_key', 'remote.s3.secret_access_key', 'session_token', 'password', 'db-passwd', 'api_key', 'gcp.private_key', 'credentials']) expect(isSecretKey(k), k).toBe(true);
    for (const k of ['access_key_id', 'tokens_per_sec', 'num_tokens', 'region', 'url', 'keyboard', 'author']) expect(isSecretKey(k), k).toBe(false);
  });

  it('masks the password of a URL, keeps user and host', () => {
    expect(maskText('endpoint http://user:PASS@host:9000/x failed')).toBe(`endpoint http://user:${MASK}@host:9000/x failed`);
    expect(maskText("'https://:tok3n@h/'")).toBe(`'https://:${MASK}@h/'`);
    expect(maskText('s3://bucket/prefix and http://host/a@b')).toBe('s3://bucket/prefix and http://host/a@b');
    expect(hasUrlCredentials('http://u:p@h')).toBe(true);
    expect(hasUrlCredentials('http://h')).toBe(false);
    expect(hasUrlCredentials('http://u:p@h')).toBe(true); // the regex keeps no state between calls
  });

  it('masks a registered secret value wherever it appears, and secret keys in data', () => {
    registerSecret('wJalrXUtnFEMI/K7MDENG');
    expect(maskText('SignatureDoesNotMatch for wJalrXUtnFEMI/K7MDENG!')).toBe(`SignatureDoesNotMatch for ${MASK}!`);
    registerSecret('abc'); // too short to mask safely
    expect(maskText('abc')).toBe('abc');
    const data = { remote: { s: { url: 'http://a:b@h', secret_access_key: 'x', jobs: 4 } }, values: { 'remote.s.session_token': 't' }, list: ['http://u:pw@h'] };
    expect(maskSecrets(data)).toEqual({ remote: { s: { url: `http://a:${MASK}@h`, secret_access_key: MASK, jobs: 4 } }, values: { 'remote.s.session_token': MASK }, list: [`http://u:${MASK}@h`] });
    expect(data.remote.s.secret_access_key).toBe('x'); // not mutated
  });
});

describe('config schema', () => {
  it('parses typed values and refuses nonsense', () => {
    expect(parseConfigValue('core.lock_timeout', '2.5')).toBe(2.5);
    expect(parseConfigValue('cache.type', 'hardlink, copy')).toEqual(['hardlink', 'copy']);
    expect(parseConfigValue('remote.s.jobs', '8')).toBe(8);
    expect(parseConfigValue('remote.s.path_style', 'yes')).toBe(true);
    for (const [k, v] of [['core.lock_timeout', 'soon'], ['core.lock_timeout', '-1'], ['core.lock_timeout', ''], ['remote.s.jobs', 'lots'], ['remote.s.jobs', '0'], ['core.hash', 'crc32'], ['cache.type', 'teleport']]) {
      expect(() => parseConfigValue(k!, v!), `${k}=${v}`).toThrow(expect.objectContaining({ code: 'CAIRN_CONFIG' }));
    }
  });

  it('refuses unknown keys, suggesting the one meant', () => {
    expect(suggestKey('core.lock_timout')).toBe('core.lock_timeout');
    expect(suggestKey('remote.prod.endpiont')).toBe('remote.prod.endpoint');
    expect(suggestKey('zzz.qqq')).toBeUndefined();
    expect(() => parseConfigValue('core.lock_timout', '5')).toThrow(/unknown config key 'core\.lock_timout' \(did you mean 'core\.lock_timeout'\?\)/);
    expect(keySpec('remote.a.b.c')).toBeUndefined();
  });

  it('checks a config tree read from a file, naming the file and key', () => {
    const f = '/r/.cairn/config.yaml';
    expect(() => validateConfigTree({ core: { hash: 'xxh64x2', lock_timeout: 30, remote: 's' }, cache: { type: ['reflink', 'copy'], dir: '/big' }, remote: { s: { url: 's3://b/p', jobs: 4, path_style: true } } }, f)).not.toThrow();
    expect(() => validateConfigTree({ cache: { type: 'hardlink,copy' } }, f)).not.toThrow();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ core: { lock_timeout: 'soon' } }, /config\.yaml: core\.lock_timeout: expected a number/],
      [{ core: 5 }, /config\.yaml: core: expected a mapping/],
      [{ remote: { s: { url: 's3://b', jobs: 'lots' } } }, /config\.yaml: remote\.s\.jobs: expected a whole number from 1 to 256, not "lots"/],
      [{ remote: { s: 'x' } }, /remote\.s: expected a mapping/],
      [{ remote: { s: { url: 'x', retires: 3 } } }, /unknown config key 'remote\.s\.retires' \(did you mean 'remote\.s\.retries'\?\)/],
      [{ caches: { type: 'copy' } }, /unknown config key 'caches'/],
      [{ core: { hash: ['md5'] } }, /core\.hash: expected one of/],
    ];
    for (const [tree, re] of cases) {
      let err: { code?: string; message?: string } = {};
      try {
        validateConfigTree(tree, f);
      } catch (e) {
        err = e as typeof err;
      }
      expect(err.code, JSON.stringify(tree)).toBe('CAIRN_CONFIG');
      expect(err.message).toMatch(re);
    }
  });

  it('checks CAIRN_LOCK_TIMEOUT like core.lock_timeout', () => {
    expect(() => validateConfigEnv({ CAIRN_LOCK_TIMEOUT: '5' })).not.toThrow();
    expect(() => validateConfigEnv({})).not.toThrow();
    expect(() => validateConfigEnv({ CAIRN_LOCK_TIMEOUT: 'soon' })).toThrow(/CAIRN_LOCK_TIMEOUT: expected a number of seconds/);
    expect(() => validateConfigEnv({ CAIRN_LOCK_TIMEOUT: '-3' })).toThrow(/CAIRN_LOCK_TIMEOUT/);
  });
});
