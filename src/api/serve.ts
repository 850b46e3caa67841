// cairn serve NAME@ALIAS|NAME@VERSION: serve a registered model over HTTP, with an optional canary
// that deploy steers through the admin API. Returns a handle; the CLI keeps it until a signal.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CairnError } from '../core/errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { newToken } from '../mlops/serve/admin-guard.js';
import { loadModel, type LoadedModel } from '../mlops/serve/models.js';
import { PredictorLoadError } from '../mlops/serve/predictor.js';
import { AdminError, loadServeModules, startServer, type ServeState } from '../mlops/serve/server.js';
import { resolveServeSettings, type ServeFlags, type ServeSettings } from '../mlops/serve/settings.js';
import { Repo } from '../repo/repo.js';

export type { ServeState } from '../mlops/serve/server.js';
export type { ServeSettings } from '../mlops/serve/settings.js';

export interface ServeOptions extends ServeFlags {
  cwd: string;
  /** NAME@vX.Y.Z or NAME@ALIAS */
  target: string;
  /** cairn remote to pull model files from when the cache lacks them */
  remote?: string;
  /** a predictor command's stderr lines and other warnings (the CLI prints them) */
  onWarn?: (msg: string) => void;
}

export interface ServeHandle {
  url: string;
  port: number;
  host: string;
  settings: ServeSettings;
  /** the files of .cairn/serve/ this server owns */
  files: { state: string; token: string; log: string };
  state(): ServeState;
  /** request-log lines written so far */
  logged(): number;
  /** stop: finish requests in flight, flush the log, close the predictors, remove state.json and the token */
  stop(): Promise<void>;
}

/** Whether a process with this pid is alive (another cairn serve of this repo). */
function alive(pid: unknown): boolean {
  if (typeof pid !== 'number' || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function serve(opts: ServeOptions): Promise<ServeHandle> {
  const repo = await Repo.open(opts.cwd);
  // before any model is resolved or downloaded: are the optional peers installed?
  await loadServeModules();
  const root = repo.root;
  const serveCfg = repo.config.get('serve');
  const settings = resolveServeSettings({
    root,
    cwd: opts.cwd,
    flags: opts,
    config: serveCfg && typeof serveCfg === 'object' ? (serveCfg as Record<string, unknown>) : {},
    configFile: repo.paths.configFile,
  });
  const dir = join(root, '.cairn', 'serve');
  const files = { state: join(dir, 'state.json'), token: join(dir, 'token'), log: settings.log };
  if (existsSync(files.state)) {
    let pid: unknown;
    try {
      pid = (JSON.parse(readFileSync(files.state, 'utf8')) as { pid?: unknown }).pid;
    } catch {
      pid = undefined; // a broken state file belongs to nobody
    }
    if (alive(pid)) {
      throw new CairnError('CAIRN_LOCKED', `cairn serve is already running for this repository (pid ${String(pid)}, ${files.state})`, {
        hint: `stop it first (kill ${String(pid)}), or serve from another clone`,
        data: { pid },
      });
    }
  }
  const predictor = { module: settings.predictor, cmd: settings.predictorCmd, timeoutMs: settings.timeoutMs, onStderr: (l: string) => opts.onWarn?.(`predictor: ${l}`) };
  const load = async (target: string, inUse: ReadonlySet<string>): Promise<LoadedModel> => loadModel({ root, target, predictor, inUse, remote: opts.remote });

  let stable: LoadedModel;
  try {
    stable = await load(opts.target, new Set());
  } catch (e) {
    if (e instanceof PredictorLoadError) throw new CairnError('CAIRN_FAILED', e.message, { hint: 'check the predictor (docs/serving.md#predictors)', data: { target: opts.target } });
    throw e;
  }
  const token = newToken();
  writeFileAtomic(files.token, token + '\n', { mode: 0o600 });
  let server;
  try {
    server = await startServer({
      settings,
      token,
      stable,
      onWarn: opts.onWarn,
      onState: (s) => writeFileAtomic(files.state, JSON.stringify(s, null, 2) + '\n', { fsync: false }),
      load: async (name, version, inUse) => {
        try {
          return await load(`${name}@${version}`, inUse);
        } catch (e) {
          if (e instanceof PredictorLoadError) throw new AdminError(500, e.message);
          if (e instanceof CairnError && e.code === 'CAIRN_NOT_FOUND') throw new AdminError(404, e.message);
          if (e instanceof CairnError && (e.code === 'CAIRN_BAD_TARGET' || e.code === 'CAIRN_USAGE')) throw new AdminError(400, e.message);
          throw new AdminError(500, (e as Error).message);
        }
      },
    });
  } catch (e) {
    await stable.predictor.close();
    rmSync(files.token, { force: true });
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CairnError('CAIRN_USAGE', `port ${settings.port} on ${settings.host} is in use`, { hint: 'pick another with --port N (0: any free port)', data: { port: settings.port } });
    }
    throw e;
  }
  const srv = server;
  return {
    url: srv.url,
    port: srv.port,
    host: srv.host,
    settings,
    files,
    state: srv.state,
    logged: srv.logged,
    async stop() {
      await srv.close();
      // leave no stale pointer for deploy, unless another server took the files over meanwhile
      try {
        if ((JSON.parse(readFileSync(files.state, 'utf8')) as { pid?: unknown; port?: unknown }).port === srv.port) {
          rmSync(files.state, { force: true });
          rmSync(files.token, { force: true });
        }
      } catch {
        // already gone
      }
    },
  };
}
