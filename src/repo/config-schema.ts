// What a repo config may hold: every known key, the values it accepts, and which keys are
// secrets. `cairn config KEY VALUE` parses through it (exit 2 on a bad value), and every
// command that opens a repo checks both config files through it (exit 2 naming the file and
// key), so `lock_timeout: soon`, `core: 5` or `jobs: lots` never reach the code that uses them.
// A new config key is a new row here (and in docs/formats.md#config-keys).
import { CairnError } from '../core/errors.js';
import { HASH_ALGORITHMS } from '../core/hash.js';
import { isSecretKey, MASK } from '../core/secrets.js';
import { LINK_TYPES } from '../cache/materialize.js';
import { REMOTE_KEYS } from '../remote/keys.js';

export interface KeySpec {
  desc: string;
  /** the typed string (`cairn config`) → the value stored; throws a message on a bad one */
  parse(raw: string): unknown;
  /** a value read from YAML → undefined when fine, or what is wrong with it */
  check(v: unknown): string | undefined;
}

const str: Pick<KeySpec, 'parse' | 'check'> = {
  parse: (s) => s,
  check: (v) => (typeof v === 'string' && v !== '' ? undefined : 'expected a non-empty string'),
};

function numberIn(lo: number, hi: number, int: boolean): Pick<KeySpec, 'parse' | 'check'> {
  const what = `${int ? 'a whole number' : 'a number'} from ${lo} to ${hi}`;
  const check = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi && (!int || Number.isInteger(v)) ? undefined : `expected ${what}`);
  return {
    parse: (s) => {
      const n = s.trim() === '' ? NaN : Number(s);
      if (check(n)) throw new CairnError('CAIRN_CONFIG', `expected ${what}, not '${s}'`);
      return n;
    },
    check,
  };
}

function oneOf(values: readonly string[]): Pick<KeySpec, 'parse' | 'check'> {
  const check = (v: unknown) => (typeof v === 'string' && values.includes(v) ? undefined : `expected one of ${values.join(', ')}`);
  return {
    parse: (s) => {
      if (check(s)) throw new CairnError('CAIRN_CONFIG', `expected one of ${values.join(', ')}, not '${s}'`);
      return s;
    },
    check,
  };
}

const linkTypes: Pick<KeySpec, 'parse' | 'check'> = {
  parse: (s) => {
    const list = s.split(',').map((x) => x.trim()).filter(Boolean);
    const bad = list.find((t) => !(LINK_TYPES as readonly string[]).includes(t));
    if (bad !== undefined || list.length === 0) throw new CairnError('CAIRN_CONFIG', `unknown link type '${bad ?? s}' (use a list of: ${LINK_TYPES.join(', ')})`);
    return list;
  },
  check: (v) => {
    const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',').map((x) => x.trim()) : undefined;
    if (!list || list.length === 0 || list.some((t) => !(LINK_TYPES as readonly string[]).includes(String(t)))) {
      return `expected a list of ${LINK_TYPES.join(', ')}`;
    }
    return undefined;
  },
};

/** core.* and cache.* */
export const CONFIG_KEYS: Record<string, KeySpec> = {
  'core.hash': { desc: 'algorithm for new objects', ...oneOf(HASH_ALGORITHMS) },
  'core.remote': { desc: 'the default remote', ...str },
  'core.lock_timeout': { desc: 'seconds to wait for another cairn process', ...numberIn(0, 86_400, false) },
  'cache.type': { desc: 'how the workspace is filled from the cache', ...linkTypes },
  'cache.dir': { desc: 'where objects live (relative to the repo root)', ...str },
  // cairn serve (docs/serving.md#config); the same keys may sit under `serve:` in cairn.yaml
  'serve.predictor': { desc: 'JavaScript predictor module (relative to the repo root)', ...str },
  'serve.predictor_cmd': { desc: 'long-running JSON Lines predictor command (sh -c, in the repo root)', ...str },
  'serve.port': { desc: 'port of cairn serve (0: any free port)', ...numberIn(0, 65_535, true) },
  'serve.host': { desc: 'address cairn serve binds', ...str },
  'serve.log': { desc: 'request log file (relative to the repo root)', ...str },
  'serve.rotate_bytes': { desc: 'rotate the request log when it would grow past this size', ...numberIn(4096, 1e12, true) },
  'serve.keep': { desc: 'rotated request logs kept (requests.jsonl.1 ... .N)', ...numberIn(1, 1000, true) },
  'serve.batch_lines': { desc: 'request-log lines buffered before one write', ...numberIn(1, 100_000, true) },
  'serve.batch_ms': { desc: 'longest a request-log line waits in the buffer (milliseconds)', ...numberIn(1, 60_000, true) },
  'serve.body_limit': { desc: 'largest request body accepted (bytes)', ...numberIn(1024, 1_073_741_824, true) },
  'serve.max_rows': { desc: 'most rows in one /predict request', ...numberIn(1, 10_000_000, true) },
  'serve.window': { desc: 'requests per variant kept in memory for /admin/window', ...numberIn(100, 10_000_000, true) },
  'serve.timeout': { desc: 'seconds a predictor command may take to answer one request', ...numberIn(0.001, 86_400, false) },
  // structured: its shape is checked by its reader (the model registry's promotion policies)
  'registry.policies': {
    desc: 'promotion policies of the model registry (a mapping; edit config.yaml, see docs/registry.md)',
    parse: () => {
      throw new CairnError('CAIRN_CONFIG', 'is a mapping: edit it in .cairn/config.yaml');
    },
    check: (v) => (v && typeof v === 'object' && !Array.isArray(v) ? undefined : 'expected a mapping'),
  },
  // cairn deploy (docs/deploy.md#config); flags override them
  'deploy.target': { desc: 'where a rollout runs: local (cairn serve) or command (hooks)', ...oneOf(['local', 'command']) },
  'deploy.steps': { desc: 'canary weights in percent, ascending, ending at 100 (default 10,50,100)', ...deploySteps() },
  'deploy.interval': { desc: 'time each step observes before its analysis (default 60s)', ...deployDuration() },
  'deploy.traffic_timeout': { desc: 'how long past the interval a step waits for min_requests before it pauses (default 120s)', ...deployDuration() },
  'deploy.min_requests': { desc: 'canary requests a window needs for a verdict (default 50)', ...numberIn(1, 1e9, true) },
  'deploy.failure_limit': { desc: 'consecutive failed analyses that roll back (default 1)', ...numberIn(1, 1000, true) },
  'deploy.max_error_rate': { desc: 'canary error rate above which an analysis fails (default 0.01)', ...numberIn(0, 1, false) },
  'deploy.max_error_rate_increase': { desc: 'allowed canary error rate above a stable that errs more than max_error_rate (default 0.01)', ...numberIn(0, 1, false) },
  'deploy.max_p99_ratio': { desc: 'canary P99 latency above stable x this (and above stable + max_p99_increase_ms) fails (default 1.5)', ...numberIn(1, 1000, false) },
  'deploy.max_p99_increase_ms': { desc: 'milliseconds of P99 latency the canary may add (default 50)', ...numberIn(0, 3_600_000, false) },
  'deploy.max_psi': { desc: 'PSI of the canary predictions against the stable above which an analysis fails (default 0.25)', ...numberIn(0, 100, false) },
  'deploy.min_outputs': { desc: 'predictions each side needs before PSI is computed (default 100)', ...numberIn(1, 1e9, true) },
  'deploy.min_labels': { desc: 'feedback labels each side needs before accuracy is compared (default 30)', ...numberIn(1, 1e9, true) },
  'deploy.alpha': { desc: 'significance level of the accuracy test (default 0.05)', ...numberIn(0, 1, false) },
  'deploy.url': { desc: 'URL of cairn serve for --target local (default: from .cairn/serve/state.json)', ...str },
  'deploy.set_weight': { desc: 'command target: shell command setting the canary weight (${weight})', ...str },
  'deploy.metrics': { desc: 'command target: shell command printing the window JSON (${since}, ${until})', ...str },
  'deploy.promote': { desc: 'command target: shell command run when the rollout succeeds', ...str },
  'deploy.rollback': { desc: 'command target: shell command run on rollback (default: set_weight with 0)', ...str },
};

function deploySteps(): Pick<KeySpec, 'parse' | 'check'> {
  const check = (v: unknown) => {
    const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',').map((x) => x.trim()) : [v];
    const ws = list.map((x) => (typeof x === 'number' ? x : /^\d+(\.\d+)?$/.test(String(x)) ? Number(x) : NaN));
    const ok = ws.length > 0 && ws.every((w, i) => w > 0 && w <= 100 && (i === 0 || w > ws[i - 1]!)) && ws[ws.length - 1] === 100;
    return ok ? undefined : 'expected ascending weights in (0, 100] ending at 100, e.g. 10,50,100';
  };
  return {
    parse: (s) => {
      if (check(s)) throw new CairnError('CAIRN_CONFIG', `expected ascending weights in (0, 100] ending at 100, not '${s}'`);
      return s.split(',').map((x) => Number(x.trim()));
    },
    check,
  };
}

function deployDuration(): Pick<KeySpec, 'parse' | 'check'> {
  const check = (v: unknown) => ((typeof v === 'number' && v > 0) || (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*(ms|s|m|h)?\s*$/.test(v) && parseFloat(v) > 0) ? undefined : 'expected a duration like 60s, 500ms or 2m');
  return {
    parse: (s) => {
      if (check(s)) throw new CairnError('CAIRN_CONFIG', `expected a duration like 60s, 500ms or 2m, not '${s}'`);
      return s;
    },
    check,
  };
}

/** remote.<name>.*: the settings of `remote modify`, plus S3 credentials (secrets: local config only). */
export const REMOTE_CONFIG_KEYS: Record<string, KeySpec> = {
  ...Object.fromEntries(
    Object.entries(REMOTE_KEYS).map(([k, s]) => {
      const spec: KeySpec = {
        desc: s.desc,
        parse: (raw) => {
          try {
            return s.parse(raw);
          } catch (e) {
            throw new CairnError('CAIRN_CONFIG', (e as Error).message.replace(new RegExp(`^${k} must be `), 'expected '));
          }
        },
        check: (v) => {
          try {
            s.parse(String(v));
            return typeof v === 'object' && v !== null ? 'expected a single value' : undefined;
          } catch (e) {
            return (e as Error).message.replace(/, not '.*'$/, '').replace(new RegExp(`^${k} must be `), 'expected ');
          }
        },
      };
      return [k, spec];
    }),
  ),
  access_key_id: { desc: 'S3 access key id (instead of the AWS SDK credential chain)', ...str },
  secret_access_key: { desc: 'S3 secret key (kept in config.local.yaml)', ...str },
  session_token: { desc: 'S3 session token (kept in config.local.yaml)', ...str },
};

const boolean: Pick<KeySpec, 'parse' | 'check'> = {
  parse: (s) => {
    if (s !== 'true' && s !== 'false') throw new CairnError('CAIRN_CONFIG', `expected true or false, not '${s}'`);
    return s === 'true';
  },
  check: (v) => (typeof v === 'boolean' ? undefined : 'expected true or false'),
};

/** registry.policies.<alias>.*: one promotion policy's settings (docs/registry.md#promotion-policies). */
export const POLICY_CONFIG_KEYS: Record<string, KeySpec> = {
  require_gate: {
    desc: 'gate verdicts a version needs to take the alias (pass, or a comma list)',
    parse: (s) => {
      const list = s.split(',').map((x) => x.trim()).filter(Boolean);
      if (!list.length || list.some((x) => !['pass', 'fail', 'inconclusive'].includes(x))) throw new CairnError('CAIRN_CONFIG', `expected pass, fail, inconclusive or a comma list of them, not '${s}'`);
      return list.length === 1 ? list[0] : list;
    },
    check: () => undefined,
  },
  require_branch: { desc: 'the branch whose history must contain the version commit', ...str },
  require_clean: { desc: 'refuse versions registered from a dirty tree', ...boolean },
};

/** The spec of a dotted key, or undefined when cairn knows no such key. */
export function keySpec(key: string): KeySpec | undefined {
  const segs = key.split('.');
  if (segs[0] === 'registry' && segs[1] === 'policies' && segs.length === 4) return /^[a-z0-9][a-z0-9_-]*$/.test(segs[2]!) ? POLICY_CONFIG_KEYS[segs[3]!] : undefined;
  if (segs[0] === 'remote') return segs.length === 3 && /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(segs[1]!) ? REMOTE_CONFIG_KEYS[segs[2]!] : undefined;
  return CONFIG_KEYS[key];
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

/** Every known key spelled out (remote keys under the given remote name). */
function knownKeys(remote = '<name>'): string[] {
  return [...Object.keys(CONFIG_KEYS), ...Object.keys(REMOTE_CONFIG_KEYS).map((k) => `remote.${remote}.${k}`)];
}

/** The known key closest to a misspelt one, when it is close enough to be meant. */
export function suggestKey(key: string): string | undefined {
  const segs = key.split('.');
  const cands = knownKeys(segs[0] === 'remote' && segs.length === 3 ? segs[1] : undefined);
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of cands) {
    const dd = distance(key.toLowerCase(), c.toLowerCase());
    if (dd < bestD) [best, bestD] = [c, dd];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 5)) ? best : undefined;
}

function unknownKey(key: string, file?: string): CairnError {
  const s = suggestKey(key);
  return new CairnError('CAIRN_CONFIG', `${file ? `${file}: ` : ''}unknown config key '${key}'${s ? ` (did you mean '${s}'?)` : ''}`, {
    hint: s ? `use ${s}` : `known keys: ${knownKeys().join(', ')} (see docs/formats.md#config-keys)`,
    data: { key, file, suggestion: s },
  });
}

/** The typed value of `cairn config KEY VALUE`, checked; CAIRN_CONFIG (exit 2) when bad. */
export function parseConfigValue(key: string, raw: string): unknown {
  const spec = keySpec(key);
  if (!spec) throw unknownKey(key);
  try {
    return spec.parse(raw);
  } catch (e) {
    throw new CairnError('CAIRN_CONFIG', `${key}: ${(e as Error).message}`, {
      hint: `${key}: ${spec.desc}; see docs/formats.md#config-keys`,
      data: { key, value: raw },
    });
  }
}

/** Whether a key's value belongs in the git-ignored local config: any key named like a secret. */
export function isLocalOnlyKey(key: string): boolean {
  return isSecretKey(key);
}

/**
 * Check a config file's tree: known sections and keys, values of the right type and range.
 * Throws CAIRN_CONFIG (exit 2) naming the file and the dotted key.
 */
export function validateConfigTree(tree: Record<string, unknown>, file: string): void {
  const bad = (key: string, why: string, v: unknown) =>
    new CairnError('CAIRN_CONFIG', `${file}: ${key}: ${why}, not ${isSecretKey(key) ? MASK : JSON.stringify(v)}`, {
      hint: key.split('.').length === 3 || (key.includes('.') && !key.startsWith('remote.'))
        ? `fix ${key} in ${file} (\`cairn config${file.endsWith('config.local.yaml') ? ' --local' : ''} ${key} VALUE\`); see docs/formats.md#config-keys`
        : `fix the '${key}' section in ${file}; see docs/formats.md#config-keys`,
      data: { file, key },
    });
  const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  for (const [section, body] of Object.entries(tree)) {
    if (section === 'remote') {
      if (body === null) continue;
      if (!isMap(body)) throw bad('remote', 'expected a mapping of remote names', body);
      for (const [name, settings] of Object.entries(body)) {
        if (settings === null) continue;
        if (!isMap(settings)) throw bad(`remote.${name}`, 'expected a mapping of settings (url, endpoint, ...)', settings);
        for (const [k, v] of Object.entries(settings)) {
          const key = `remote.${name}.${k}`;
          const spec = REMOTE_CONFIG_KEYS[k];
          if (!spec) throw unknownKey(key, file);
          const why = spec.check(v);
          if (why) throw bad(key, why, v);
        }
      }
      continue;
    }
    if (!Object.keys(CONFIG_KEYS).some((k) => k.startsWith(`${section}.`))) throw unknownKey(section, file);
    if (body === null) continue;
    if (!isMap(body)) throw bad(section, `expected a mapping of ${section}.* keys`, body);
    for (const [k, v] of Object.entries(body)) {
      const key = `${section}.${k}`;
      const spec = CONFIG_KEYS[key];
      if (!spec) throw unknownKey(key, file);
      const why = spec.check(v);
      if (why) throw bad(key, why, v);
    }
  }
}

/** Environment settings that stand in for config keys, checked like them (exit 2 naming the variable). */
export function validateConfigEnv(env: NodeJS.ProcessEnv = process.env): void {
  const t = env.CAIRN_LOCK_TIMEOUT;
  if (t !== undefined && t !== '' && CONFIG_KEYS['core.lock_timeout']!.check(t.trim() === '' ? NaN : Number(t))) {
    throw new CairnError('CAIRN_CONFIG', `environment variable CAIRN_LOCK_TIMEOUT: expected a number of seconds from 0 to 86400, not '${t}'`, {
      hint: 'e.g. CAIRN_LOCK_TIMEOUT=60, or unset it to use core.lock_timeout',
      data: { env: 'CAIRN_LOCK_TIMEOUT' },
    });
  }
}
