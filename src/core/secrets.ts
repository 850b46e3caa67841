// Secrets never leave cairn in clear: one masking function, applied at every edge where
// text or data is rendered (src/cli/output.ts: stdout, stderr, --json, error messages).
// It masks (1) values of keys named like a secret, (2) the password in a URL
// (`http://user:PASS@host`), and (3) any secret value cairn has seen in a config file or
// the AWS environment, wherever it appears in a message (an SDK error echoing it, say).

export const MASK = '***';

const SECRET_WORDS = new Set(['secret', 'password', 'passwd', 'passphrase', 'token', 'credential', 'credentials']);

/**
 * A key (or the last segment of a dotted key) that holds a secret: one of its words (split
 * at '_' and '-') is secret, password, token, credential(s)..., or it ends in private_key /
 * api_key. `secret_access_key`, `session_token`, `password` are; `access_key_id` and a
 * metric named `tokens_per_sec` are not.
 */
export function isSecretKey(key: string): boolean {
  let r = secretKeys.get(key);
  if (r === undefined) {
    r = secretKeyUncached(key);
    // keys repeat (a --json listing of thousands of records has a few dozen distinct keys)
    if (secretKeys.size < 10_000) secretKeys.set(key, r);
  }
  return r;
}

const secretKeys = new Map<string, boolean>();

function secretKeyUncached(key: string): boolean {
  const last = (key.split('.').pop() ?? key).toLowerCase();
  const words = last.split(/[_-]+/);
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  return /(^|[_-])(private|api)[_-]?key$/.test(last);
}

/** scheme://user:password@host → scheme://user:***@host (a bare scheme://token@host keeps the user part). */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^/\s:@'"]*):([^/\s@'"]+)@/gi;

/** Whether a value holds a URL with a password in it. */
export function hasUrlCredentials(v: unknown): boolean {
  URL_CREDENTIALS.lastIndex = 0;
  const r = typeof v === 'string' && URL_CREDENTIALS.test(v);
  URL_CREDENTIALS.lastIndex = 0;
  return r;
}

const known = new Set<string>();

/** Remember a secret value so it is masked wherever it would be printed. Short values are not (they would mask ordinary words). */
export function registerSecret(value: unknown): void {
  if (typeof value === 'string' && value.length >= 6) known.add(value);
}

function registerEnvSecrets(): void {
  for (const k of ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) registerSecret(process.env[k]);
}

/** Mask secrets in a piece of text. */
export function maskText(s: string): string {
  registerEnvSecrets();
  return maskKnown(s);
}

/** maskText without re-reading the environment (maskSecrets reads it once per call). */
function maskKnown(s: string): string {
  // a URL with credentials has '://' in it: most strings have none and skip the regex
  let out = s.includes('://') ? s.replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:${MASK}@`) : s;
  for (const v of known) if (out.includes(v)) out = out.split(v).join(MASK);
  return out;
}

/** Mask secrets in data about to be rendered: secret-named keys (also as dotted keys) get MASK, strings are masked as text. */
export function maskSecrets<T>(data: T): T {
  registerEnvSecrets();
  const walk = (v: unknown, key: string | undefined): unknown => {
    if (key !== undefined && isSecretKey(key) && v !== undefined && v !== null && typeof v !== 'object') return MASK;
    if (typeof v === 'string') return maskKnown(v);
    if (Array.isArray(v)) return v.map((x) => walk(x, undefined));
    if (v && typeof v === 'object') {
      if (v instanceof Error) return v;
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) o[k] = walk(x, k);
      return o;
    }
    return v;
  };
  return walk(data, undefined) as T;
}
