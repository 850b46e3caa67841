// Predictors: what turns rows into predictions for one loaded model version.
// - a JavaScript module: `export async function load(modelDir)` resolving to `{ predict(rows) }`
//   (optionally `close()`); a thrown error is that request's failure;
// - a long-running command speaking JSON Lines over stdin/stdout: one line `{"rows": [...]}` in,
//   one line `{"predictions": [...]}` (or `{"error": "..."}`) out, answered in order. It is
//   restarted when it dies; requests in flight at that moment fail. Python models work this way.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

export type Row = Record<string, unknown>;

export interface Predictor {
  predict(rows: Row[]): Promise<unknown[]>;
  close(): Promise<void>;
}

/** A predictor failed to load: the module is missing or malformed, or the command died before answering. */
export class PredictorLoadError extends Error {}

function checkOutputs(out: unknown, n: number): unknown[] {
  if (!Array.isArray(out)) throw new Error(`the predictor returned ${out === null ? 'null' : typeof out}, not a list of predictions`);
  if (out.length !== n) throw new Error(`the predictor returned ${out.length} prediction(s) for ${n} row(s)`);
  return out;
}

export async function loadModulePredictor(modulePath: string, modelDir: string): Promise<Predictor> {
  let mod: { load?: unknown; default?: { load?: unknown } };
  try {
    mod = (await import(pathToFileURL(modulePath).href)) as typeof mod;
  } catch (e) {
    throw new PredictorLoadError(`cannot import predictor ${modulePath}: ${(e as Error).message}`);
  }
  const load = typeof mod.load === 'function' ? mod.load : typeof mod.default?.load === 'function' ? mod.default.load : undefined;
  if (!load) throw new PredictorLoadError(`${modulePath} exports no load(modelDir) function`);
  let p: { predict?: unknown; close?: unknown };
  try {
    p = (await (load as (d: string) => unknown)(modelDir)) as typeof p;
  } catch (e) {
    throw new PredictorLoadError(`${modulePath}: load(${modelDir}) failed: ${(e as Error)?.message ?? String(e)}`);
  }
  if (!p || typeof p.predict !== 'function') throw new PredictorLoadError(`${modulePath}: load() must resolve to an object with predict(rows)`);
  const predict = p.predict.bind(p) as (rows: Row[]) => unknown;
  const close = typeof p.close === 'function' ? (p.close.bind(p) as () => unknown) : undefined;
  return {
    // no async wrapper around the module's own promise: one promise per request, not three
    predict(rows) {
      try {
        const out = predict(rows);
        if (out !== null && typeof out === 'object' && typeof (out as { then?: unknown }).then === 'function') {
          return Promise.resolve(out).then((o) => checkOutputs(o, rows.length));
        }
        return Promise.resolve(checkOutputs(out, rows.length));
      } catch (e) {
        return Promise.reject(e as Error);
      }
    },
    async close() {
      await close?.();
    },
  };
}

interface Pending {
  resolve(v: unknown[]): void;
  reject(e: Error): void;
  n: number;
  timer: NodeJS.Timeout;
}

export interface CommandPredictorOptions {
  cmd: string;
  modelDir: string;
  /** the command's working directory (the repo root) */
  cwd: string;
  /** per-request answer deadline; past it the command is restarted */
  timeoutMs: number;
  /** how long the first (empty) request may take to be answered at load */
  startTimeoutMs?: number;
  /** called with each line the command writes to stderr (the server log) */
  onStderr?: (line: string) => void;
}

/**
 * Start the command and wait until it answers a first `{"rows": []}` line (any answer, even an
 * error, shows it is up). The command sees the model folder in CAIRN_MODEL_DIR.
 */
export async function startCommandPredictor(o: CommandPredictorOptions): Promise<Predictor> {
  let child: ChildProcessWithoutNullStreams | undefined;
  let queue: Pending[] = [];
  let closing = false;
  let restarts = 0;
  let lastStart = 0;

  const failAll = (why: string) => {
    const q = queue;
    queue = [];
    for (const p of q) {
      clearTimeout(p.timer);
      p.reject(new Error(why));
    }
  };

  const spawnChild = () => {
    lastStart = Date.now();
    const c = spawn('sh', ['-c', o.cmd], { cwd: o.cwd, env: { ...process.env, CAIRN_MODEL_DIR: o.modelDir }, stdio: ['pipe', 'pipe', 'pipe'] });
    child = c;
    c.stdin.on('error', () => {}); // a dead child's EPIPE surfaces as its exit below
    createInterface({ input: c.stdout, crlfDelay: Infinity }).on('line', (line) => {
      if (child !== c) return;
      const p = queue.shift();
      if (!p) return; // an unsolicited line: ignored
      clearTimeout(p.timer);
      let msg: { predictions?: unknown; error?: unknown };
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        p.reject(new Error(`the predictor command wrote a line that is not JSON: ${line.slice(0, 200)}`));
        return;
      }
      if (msg && typeof msg === 'object' && msg.error !== undefined && msg.error !== null) p.reject(new Error(String(msg.error)));
      else {
        try {
          p.resolve(checkOutputs(msg?.predictions, p.n));
        } catch (e) {
          p.reject(e as Error);
        }
      }
    });
    createInterface({ input: c.stderr, crlfDelay: Infinity }).on('line', (l) => o.onStderr?.(l));
    c.on('error', () => {}); // spawn failures also end in 'exit'/'close'
    c.on('close', (code, signal) => {
      if (child !== c) return;
      child = undefined;
      failAll(`the predictor command exited (${signal ?? `code ${code}`}) before answering`);
      if (closing) return;
      // restart, backing off when it keeps dying at once
      restarts = Date.now() - lastStart < 1000 ? restarts + 1 : 0;
      setTimeout(() => {
        if (!closing && !child) spawnChild();
      }, Math.min(1000, 50 * 2 ** Math.min(restarts, 5))).unref();
    });
  };

  const send = (rows: Row[], timeoutMs: number): Promise<unknown[]> =>
    new Promise((res, rej) => {
      if (closing) return rej(new Error('the predictor is shutting down'));
      if (!child) return rej(new Error('the predictor command is restarting'));
      const c = child;
      const timer = setTimeout(() => {
        // answers come in order: after a missed deadline the stream is out of step, so restart
        failAll(`the predictor command did not answer within ${timeoutMs} ms`);
        c.kill('SIGKILL');
      }, timeoutMs);
      timer.unref();
      queue.push({ resolve: res, reject: rej, n: rows.length, timer });
      c.stdin.write(JSON.stringify({ rows }) + '\n');
    });

  spawnChild();
  try {
    await send([], o.startTimeoutMs ?? Math.max(o.timeoutMs, 10_000)).catch((e: Error) => {
      if (/exited|did not answer/.test(e.message)) throw e;
      // any answer, even an error for zero rows, shows the command is up
    });
  } catch (e) {
    closing = true;
    child?.kill('SIGKILL');
    throw new PredictorLoadError(`predictor command \`${o.cmd}\`: ${(e as Error).message}`);
  }

  return {
    predict: (rows) => send(rows, o.timeoutMs),
    async close() {
      closing = true;
      const c = child;
      if (!c) return;
      // let the requests in flight finish, then end stdin; kill if it lingers
      const deadline = Date.now() + 5000;
      while (queue.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await new Promise<void>((res) => {
        const t = setTimeout(() => c.kill('SIGKILL'), 2000);
        c.once('close', () => {
          clearTimeout(t);
          res();
        });
        c.stdin.end();
        c.kill('SIGTERM');
      });
      child = undefined;
    },
  };
}
