// The HTTP side of cairn serve (fastify): /predict routes each request to the stable or the
// canary model by its sticky key, answers, logs one line and records it for /admin/window;
// /feedback, /healthz, /metrics (prom-client); /admin/* for deploy (admin-guard.ts).
// fastify and prom-client are imported here only, and this module only by cairn serve.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { loadServePeers } from './peers.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { adminCheck } from './admin-guard.js';
import { LatencyBuckets, latencyMetric } from './metrics.js';
import type { LoadedModel } from './models.js';
import type { Row } from './predictor.js';
import { RequestLog } from './request-log.js';
import type { ServeSettings } from './settings.js';
import { routeOf, WindowStore, type Variant, type WindowSummary } from './window.js';

export interface ServeState {
  pid: number;
  port: number;
  host: string;
  stable: { name: string; version: string; dir: string };
  canary: { name: string; version: string; dir: string } | null;
  weight: number;
  started: string;
}

/** A failure of an admin operation, with the HTTP status it answers. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ServerDeps {
  settings: ServeSettings;
  token: string;
  stable: LoadedModel;
  /** load a registered version (for PUT /admin/canary); throws AdminError(404/500/400) */
  load(name: string, version: string, inUse: ReadonlySet<string>): Promise<LoadedModel>;
  /** called with the state after start and every change (writes state.json) */
  onState(s: ServeState): void;
  onWarn?(msg: string): void;
  now?: () => number;
}

export interface RunningServer {
  port: number;
  host: string;
  url: string;
  state(): ServeState;
  /** request-log lines written so far */
  logged(): number;
  /** stop accepting, finish requests in flight, flush the log, close the predictors */
  close(): Promise<void>;
  app: FastifyInstance;
}

const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

const isPlainObject = (v: unknown): v is Row => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The rows of a /predict body, or what is wrong with it. */
export function rowsOf(body: unknown, maxRows: number): Row[] | string {
  if (!isPlainObject(body)) return 'the body must be a JSON object: {"rows": [{...}, ...]} or one row {...}';
  if (!('rows' in body)) return Object.keys(body).length ? [body] : 'an empty object is not a row';
  const rows = body.rows;
  if (!Array.isArray(rows)) return '`rows` must be a list of objects';
  if (!rows.length) return '`rows` is empty';
  if (rows.length > maxRows) return `${rows.length} rows is more than the limit of ${maxRows} per request (serve.max_rows)`;
  for (let i = 0; i < rows.length; i++) if (!isPlainObject(rows[i])) return `rows[${i}] is not an object`;
  return rows as Row[];
}

/** fastify and prom-client (optional peers): a usage error naming the install command when absent. */
export const loadServeModules = () => loadServePeers(() => Promise.all([import('fastify'), import('prom-client')]));

export async function startServer(deps: ServerDeps): Promise<RunningServer> {
  const [{ default: Fastify }, prom] = await loadServeModules();
  const s = deps.settings;
  const now = deps.now ?? Date.now;
  const started = new Date(now()).toISOString();
  let stable = deps.stable;
  let canary: LoadedModel | null = null;
  let weight = 0;
  let port = 0;
  const window = new WindowStore(s.window);
  const log = new RequestLog({
    file: s.log,
    batchLines: s.batchLines,
    batchMs: s.batchMs,
    rotateBytes: s.rotateBytes,
    keep: s.keep,
    onError: (e) => deps.onWarn?.(e.message),
  });

  const registry = new prom.Registry();
  // request counts are plain integers on the hot path, handed to prom-client when scraped
  const counts = { stable: { ok: 0, error: 0 }, canary: { ok: 0, error: 0 } };
  new prom.Counter({
    name: 'cairn_serve_requests_total',
    help: 'predict requests answered, by variant and status',
    labelNames: ['variant', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const v of ['stable', 'canary'] as const) for (const st of ['ok', 'error'] as const) this.inc({ variant: v, status: st }, counts[v][st]);
    },
  });
  // latency buckets are counted in a typed array on the hot path (prom-client's observe costs
  // about a microsecond per call); the registry renders them as a regular histogram when scraped
  const latency = { stable: new LatencyBuckets(), canary: new LatencyBuckets() };
  registry.registerMetric(latencyMetric('cairn_serve_request_duration_seconds', 'predict latency (routing + predictor), by variant', latency) as never);
  const weightGauge = new prom.Gauge({ name: 'cairn_serve_canary_weight', help: 'percentage of requests routed to the canary', registers: [registry] });
  const feedbackCount = new prom.Counter({ name: 'cairn_serve_feedback_total', help: 'feedback labels received', registers: [registry] });

  // per loaded model and side, serialised once: the `"model":..,"version":..,"variant":..` part
  // of its log lines and the `"version":..,"variant":..}` end of its /predict answers
  interface Parts {
    head: string;
    tail: string;
  }
  const parts = new WeakMap<LoadedModel, Record<Variant, Parts>>();
  const partsOf = (m: LoadedModel): Record<Variant, Parts> => {
    const v = JSON.stringify(m.version);
    const side = (variant: Variant): Parts => ({
      head: `"model":${JSON.stringify(m.name)},"version":${v},"variant":"${variant}"`,
      tail: `,"version":${v},"variant":"${variant}"}`,
    });
    const p = { stable: side('stable'), canary: side('canary') };
    parts.set(m, p);
    return p;
  };
  // generated request ids keep the UUID shape (36 of [0-9a-f-]): the first 24 characters of a
  // random UUID drawn at start, then a 48-bit counter in hex. Unique across restarts without
  // drawing random bytes per request; the sticky hash spreads consecutive ids.
  const idPrefix = randomUUID().slice(0, 24);
  let idSeq = 0;
  // one toISOString per millisecond, not per request
  let isoMs = -1;
  let isoStr = '';
  const isoOf = (t: number): string => (t === isoMs ? isoStr : ((isoMs = t), (isoStr = new Date(t).toISOString())));

  const ref = (m: LoadedModel) => ({ name: m.name, version: m.version, dir: m.dir });
  const state = (): ServeState => ({ pid: process.pid, port, host: s.host, stable: ref(stable), canary: canary ? ref(canary) : null, weight, started });
  const changed = () => {
    weightGauge.set(weight);
    deps.onState(state());
  };

  const app = Fastify({ bodyLimit: s.bodyLimit, logger: false, onProtoPoisoning: 'error', onConstructorPoisoning: 'error', return503OnClosing: true });
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const code = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    void reply.code(code).send({ error: err.message });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}` });
  });

  app.post('/predict', async (req: FastifyRequest, reply: FastifyReply) => {
    const t0 = performance.now();
    const time = now();
    const hdr = req.headers['x-request-id'];
    if (hdr !== undefined && (typeof hdr !== 'string' || !REQUEST_ID.test(hdr))) return reply.code(400).send({ error: 'x-request-id must be 1 to 200 printable ASCII characters' });
    const id = hdr ?? idPrefix + (++idSeq).toString(16).padStart(12, '0');
    const rows = rowsOf(req.body, s.maxRows);
    if (typeof rows === 'string') return reply.header('x-request-id', id).code(400).send({ error: rows });
    const variant: Variant = canary && routeOf(id, weight) === 'canary' ? 'canary' : 'stable';
    const model = variant === 'canary' ? canary! : stable;
    let predictions: unknown[] | undefined;
    let outJson = '';
    let error: string | undefined;
    try {
      predictions = await model.predictor.predict(rows);
      outJson = JSON.stringify(predictions); // throws on a BigInt or a cycle: that request's failure
    } catch (e) {
      error = (e as Error)?.message ?? String(e);
    }
    const ms = Math.round((performance.now() - t0) * 1000) / 1000;
    const ok = error === undefined;
    // the line is assembled by hand (same bytes as JSON.stringify of the record, key order fixed):
    // half the cost of stringifying an object on the hot path
    const p = (parts.get(model) ?? partsOf(model))[variant];
    const inputs = JSON.stringify(rows);
    // a generated id is [0-9a-f-] only: no escaping needed
    const idJson = hdr === undefined ? `"${id}"` : JSON.stringify(id);
    if (ok) {
      log.appendLine(`{"time":"${isoOf(time)}","id":${idJson},${p.head},"inputs":${inputs},"outputs":${outJson},"latency_ms":${ms},"status":"ok"}\n`);
      window.add(variant, time, id, model.version, true, ms, predictions!);
      counts[variant].ok++;
      latency[variant].observe(ms / 1000);
      // answered on the raw response (no fastify hook runs on /predict: cairn registers none
      // outside /admin, and its metrics and log are done above): about 1 µs per request less
      // than reply.send's serialiser and hook chain; failures keep fastify's reply below
      const out = `{"predictions":${outJson}${p.tail}`;
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(out), 'x-request-id': id });
      reply.raw.end(out);
      return reply;
    }
    log.appendLine(`{"time":"${isoOf(time)}","id":${idJson},${p.head},"inputs":${inputs},"outputs":null,"latency_ms":${ms},"status":"error","error":${JSON.stringify(error)}}\n`);
    window.add(variant, time, id, model.version, false, ms, []);
    counts[variant].error++;
    latency[variant].observe(ms / 1000);
    return reply.header('x-request-id', id).code(500).send({ error, version: model.version, variant });
  });

  app.post('/feedback', async (req, reply) => {
    const b = req.body as { id?: unknown; label?: unknown } | undefined;
    if (!isPlainObject(b) || typeof b.id !== 'string' || !REQUEST_ID.test(b.id) || b.label === undefined) {
      return reply.code(400).send({ error: 'the body must be {"id": "<request id>", "label": <value, or a list aligned with the rows>}' });
    }
    log.append({ time: new Date(now()).toISOString(), type: 'feedback', id: b.id, label: b.label });
    window.feedback(b.id, b.label);
    feedbackCount.inc();
    return reply.send({ ok: true, id: b.id });
  });

  app.get('/healthz', async () => ({ status: 'ok', model: stable.name, stable: stable.version, canary: canary?.version ?? null, weight }));

  app.get('/metrics', async (_req, reply) => {
    weightGauge.set(weight);
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });

  // admin: one change at a time
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const p = chain.then(f, f);
    chain = p.catch(() => undefined);
    return p;
  };
  const retire = (m: LoadedModel) => {
    m.predictor.close().catch((e: Error) => deps.onWarn?.(`closing ${m.name}@${m.version}: ${e.message}`));
  };
  const sendAdminError = (reply: FastifyReply, e: unknown) => {
    if (e instanceof AdminError) return reply.code(e.status).send({ error: e.message });
    throw e;
  };

  await app.register(
    async (admin) => {
      // deploy's client may send `content-type: application/json` with no body on POST/DELETE:
      // an empty body is no body here (fastify's own parser answers 400)
      admin.removeContentTypeParser('application/json');
      admin.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
        const text = String(body);
        if (text.trim() === '') return done(null, undefined);
        try {
          done(
            null,
            JSON.parse(text, (k, v: unknown) => {
              if (k === '__proto__' || k === 'constructor') throw new Error(`key '${k}' is not allowed`);
              return v;
            }),
          );
        } catch (e) {
          done(Object.assign(new Error(`the body is not valid JSON: ${(e as Error).message}`), { statusCode: 400 }), undefined);
        }
      });
      admin.addHook('onRequest', async (req, reply) => {
        const code = adminCheck(req.socket.remoteAddress, req.headers.authorization, deps.token);
        if (code === 403) return reply.code(403).send({ error: 'the admin API answers loopback clients only' });
        if (code === 401) return reply.code(401).send({ error: 'missing or wrong bearer token (see .cairn/serve/token)' });
      });
      admin.get('/state', async () => state());
      admin.put('/canary', async (req, reply) => {
        const b = req.body as { name?: unknown; version?: unknown } | undefined;
        if (!isPlainObject(b) || typeof b.name !== 'string' || typeof b.version !== 'string' || !b.name || !b.version) {
          return reply.code(400).send({ error: 'the body must be {"name": "<model>", "version": "vX.Y.Z"}' });
        }
        const { name, version } = b;
        return serial(async () => {
          try {
            const inUse = new Set([stable.dir, ...(canary ? [canary.dir] : [])]);
            const m = await deps.load(name, version, inUse);
            const old = canary;
            canary = m;
            weight = 0;
            changed();
            if (old && old.predictor !== m.predictor) retire(old);
            return state();
          } catch (e) {
            return sendAdminError(reply, e);
          }
        });
      });
      admin.delete('/canary', async () =>
        serial(async () => {
          const old = canary;
          canary = null;
          weight = 0;
          changed();
          if (old) retire(old);
          return state();
        }),
      );
      admin.put('/weight', async (req, reply) => {
        const w = (req.body as { weight?: unknown } | undefined)?.weight;
        if (typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 100) return reply.code(400).send({ error: 'weight must be a number from 0 to 100' });
        return serial(async () => {
          if (!canary && w > 0) return reply.code(409).send({ error: 'no canary is loaded (PUT /admin/canary first)' });
          weight = w;
          changed();
          return state();
        });
      });
      admin.post('/promote', async (_req, reply) =>
        serial(async () => {
          if (!canary) return reply.code(409).send({ error: 'no canary to promote' });
          const old = stable;
          stable = canary;
          canary = null;
          weight = 0;
          changed();
          retire(old);
          return state();
        }),
      );
      admin.get('/window', async (req, reply) => {
        const q = req.query as { since?: string; until?: string };
        const since = q.since === undefined ? Date.parse(started) : Date.parse(q.since);
        const until = q.until === undefined ? now() + 1 : Date.parse(q.until);
        if (Number.isNaN(since) || Number.isNaN(until)) return reply.code(400).send({ error: 'since and until must be ISO dates' });
        const out: WindowSummary = {
          since: new Date(since).toISOString(),
          until: new Date(until).toISOString(),
          variants: {
            stable: window.summary('stable', stable.version, since, until),
            canary: canary ? window.summary('canary', canary.version, since, until) : null,
          },
        };
        return out;
      });
    },
    { prefix: '/admin' },
  );

  await app.listen({ port: s.port, host: s.host });
  const addr = app.server.address();
  port = typeof addr === 'object' && addr ? addr.port : s.port;
  changed();
  const urlHost = s.host.includes(':') ? `[${s.host}]` : s.host;
  let closing: Promise<void> | undefined;
  return {
    port,
    host: s.host,
    url: `http://${urlHost === '0.0.0.0' ? '127.0.0.1' : urlHost}:${port}`,
    state,
    logged: () => log.written,
    app,
    close: () =>
      (closing ??= (async () => {
        await app.close();
        log.close();
        await Promise.allSettled([stable.predictor.close(), ...(canary ? [canary.predictor.close()] : [])]);
      })()),
  };
}
