// cairn serve's settings: flags over `serve.*` in .cairn/config(.local).yaml over the `serve:`
// section of the root cairn.yaml, over the defaults. Every value from a file is checked by the
// config key table (repo/config-schema.ts), so `port: soon` is exit 2 naming the file and key.
import { isAbsolute, join, resolve } from 'node:path';
import { CairnError } from '../../core/errors.js';
import { joinRepoPath } from '../../core/paths.js';
import { PIPELINE_KIND, readOwnYaml } from '../../io/own-file.js';
import { CONFIG_KEYS, validateConfigTree } from '../../repo/config-schema.js';

export interface ServeSettings {
  /** absolute path of a JavaScript predictor module */
  predictor?: string;
  /** a JSON Lines predictor command (sh -c) */
  predictorCmd?: string;
  port: number;
  host: string;
  /** absolute path of the request log */
  log: string;
  rotateBytes: number;
  keep: number;
  batchLines: number;
  batchMs: number;
  bodyLimit: number;
  maxRows: number;
  /** a predictor command's answer deadline per request (ms) */
  timeoutMs: number;
  /** requests per variant kept in memory for /admin/window */
  window: number;
}

export const SERVE_DEFAULTS = {
  port: 8080,
  host: '127.0.0.1',
  log: '.cairn/serve/requests.jsonl',
  rotateBytes: 64 * 1024 * 1024,
  keep: 10,
  batchLines: 256,
  batchMs: 50,
  bodyLimit: 1024 * 1024,
  maxRows: 10_000,
  timeoutMs: 30_000,
  window: 200_000,
} as const;

export interface ServeFlags {
  predictor?: string;
  predictorCmd?: string;
  port?: number | string;
  host?: string;
  log?: string;
}

/** The `serve:` section of the root cairn.yaml, checked like config keys; {} when absent. */
export function pipelineServeSection(root: string): Record<string, unknown> {
  const file = join(root, 'cairn.yaml');
  const y = readOwnYaml(file, PIPELINE_KIND);
  const tree = y?.value;
  if (!tree || typeof tree !== 'object' || Array.isArray(tree)) return {};
  const section = (tree as Record<string, unknown>).serve;
  if (section === undefined || section === null) return {};
  validateConfigTree({ serve: section }, file);
  return section as Record<string, unknown>;
}

/** A path from a config file: relative to the repo root and inside it (a hostile repo cannot aim the log at ~/.bashrc). */
function repoFilePath(root: string, v: string, key: string, file: string): string {
  const rel = joinRepoPath('.', v.replace(/\\/g, '/'));
  if (rel === undefined || rel === '.' || rel.split('/')[0] === '.git') {
    throw new CairnError('CAIRN_CONFIG', `${file}: ${key}: '${v}' must be a path inside the repository`, { hint: `fix ${key} in ${file}; see docs/serving.md#config`, data: { file, key } });
  }
  return join(root, ...rel.split('/'));
}

/**
 * Merge flags (relative to `cwd`), repo config `serve.*` (relative to `root`) and cairn.yaml's
 * `serve:` into settings. `config` is the merged repo config tree's `serve` mapping.
 */
export function resolveServeSettings(o: { root: string; cwd: string; flags: ServeFlags; config: Record<string, unknown>; configFile: string }): ServeSettings {
  const pipe = pipelineServeSection(o.root);
  const pick = (k: string): { v: unknown; file: string } | undefined =>
    o.config[k] !== undefined ? { v: o.config[k], file: o.configFile } : pipe[k] !== undefined ? { v: pipe[k], file: join(o.root, 'cairn.yaml') } : undefined;
  const num = (k: string, dflt: number): number => (pick(k)?.v as number | undefined) ?? dflt;
  const flagPort = o.flags.port;
  let port: number = num('port', SERVE_DEFAULTS.port);
  if (flagPort !== undefined) {
    const why = CONFIG_KEYS['serve.port']!.check(typeof flagPort === 'number' ? flagPort : /^\d+$/.test(flagPort) ? Number(flagPort) : NaN);
    if (why) throw new CairnError('CAIRN_USAGE', `--port: ${why}, not '${flagPort}'`, { hint: 'for example --port 8080 (0 picks a free port)' });
    port = Number(flagPort);
  }
  let predictor = o.flags.predictor !== undefined ? resolve(o.cwd, o.flags.predictor) : undefined;
  let predictorCmd = o.flags.predictorCmd;
  if (predictor !== undefined && predictorCmd !== undefined) throw new CairnError('CAIRN_USAGE', '--predictor and --predictor-cmd exclude each other', { hint: 'a JavaScript module, or a JSON Lines command: one of them' });
  if (predictor === undefined && predictorCmd === undefined) {
    const p = pick('predictor');
    const c = pick('predictor_cmd');
    if (p && c && p.file === c.file) throw new CairnError('CAIRN_CONFIG', `${p.file}: serve.predictor and serve.predictor_cmd exclude each other`, { hint: 'keep one of them', data: { file: p.file } });
    // the module is only read (and run, as a stage's cmd would be): an absolute path may point anywhere
    if (p && (!c || p.file === o.configFile)) predictor = isAbsolute(String(p.v)) ? String(p.v) : repoFilePath(o.root, String(p.v), 'serve.predictor', p.file);
    else if (c) predictorCmd = String(c.v);
  }
  if (predictor === undefined && predictorCmd === undefined) {
    throw new CairnError('CAIRN_USAGE', 'no predictor: cairn serve needs --predictor MODULE or --predictor-cmd "CMD"', { hint: 'or set serve.predictor / serve.predictor_cmd in .cairn/config.yaml (docs/serving.md#predictors)' });
  }
  const logCfg = pick('log');
  const log = o.flags.log !== undefined ? resolve(o.cwd, o.flags.log) : logCfg ? repoFilePath(o.root, String(logCfg.v), 'serve.log', logCfg.file) : join(o.root, ...SERVE_DEFAULTS.log.split('/'));
  return {
    ...(predictor !== undefined ? { predictor } : {}),
    ...(predictorCmd !== undefined ? { predictorCmd } : {}),
    port,
    host: o.flags.host ?? (pick('host')?.v as string | undefined) ?? SERVE_DEFAULTS.host,
    log,
    rotateBytes: num('rotate_bytes', SERVE_DEFAULTS.rotateBytes),
    keep: num('keep', SERVE_DEFAULTS.keep),
    batchLines: num('batch_lines', SERVE_DEFAULTS.batchLines),
    batchMs: num('batch_ms', SERVE_DEFAULTS.batchMs),
    bodyLimit: num('body_limit', SERVE_DEFAULTS.bodyLimit),
    maxRows: num('max_rows', SERVE_DEFAULTS.maxRows),
    timeoutMs: Math.round(num('timeout', SERVE_DEFAULTS.timeoutMs / 1000) * 1000),
    window: num('window', SERVE_DEFAULTS.window),
  };
}
