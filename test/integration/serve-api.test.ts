// cairn serve in process against a real registry: routing, the request log, the admin API of
// SERVE-CONTRACT.md, hostile input, both predictor kinds.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServeHandle } from '../../src/api/serve.js';
import { cleanup } from '../helpers.js';
import { call, JS_PREDICTOR, logLines, PY_PREDICTOR, servedRepo } from '../serve-helpers.js';

const handles: ServeHandle[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.stop()));
  cleanup();
});

async function start(dir: string, o: Record<string, unknown> = {}): Promise<ServeHandle> {
  const { serve } = await import('../../src/api/serve.js');
  const h = await serve({ cwd: dir, target: 'clf@production', predictor: JS_PREDICTOR, port: 0, ...o });
  handles.push(h);
  return h;
}

describe('cairn serve (api)', () => {
  it('predicts, routes stable/canary by sticky id, logs one line per answer, and follows the admin contract', async () => {
    const dir = await servedRepo();
    const h = await start(dir);
    const u = h.url;
    const token = readFileSync(join(dir, '.cairn', 'serve', 'token'), 'utf8').trim();
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(dir, '.cairn', 'serve', 'token')).mode & 0o777).toBe(0o600);
    const auth = { authorization: `Bearer ${token}` };
    // the model folder holds the registered file under its own name
    expect(JSON.parse(readFileSync(join(dir, '.cairn', 'serve', 'models', 'clf@v1.0.0', 'model.json'), 'utf8')).weights).toEqual({ x1: 1, x2: -1 });
    const st = JSON.parse(readFileSync(h.files.state, 'utf8'));
    expect(st).toMatchObject({ pid: process.pid, port: h.port, host: '127.0.0.1', stable: { name: 'clf', version: 'v1.0.0' }, canary: null, weight: 0 });

    // one object, or rows
    let r = await call(`${u}/predict`, 'POST', { x1: 2, x2: 1 });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ predictions: [1], version: 'v1.0.0', variant: 'stable' });
    const firstId = r.headers.get('x-request-id')!;
    expect(firstId).toMatch(/^[0-9a-f-]{36}$/);
    // a success is written on the raw response (server.ts): the same headers as fastify's reply
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Number(r.headers.get('content-length'))).toBe(Buffer.byteLength(JSON.stringify(r.body)));
    r = await call(`${u}/predict`, 'POST', { rows: [{ x1: 2, x2: 1 }, { x1: 0, x2: 1 }] }, { 'x-request-id': 'req-multi' });
    expect(r.body.predictions).toEqual([1, 0]);
    expect(r.headers.get('x-request-id')).toBe('req-multi');
    // a predictor error is that request's 500, logged as status error
    r = await call(`${u}/predict`, 'POST', { rows: [{ x1: 'a' }] }, { 'x-request-id': 'req-bad-row' });
    expect(r.status).toBe(500);
    expect(r.body).toMatchObject({ error: "row has no numeric 'x1'", version: 'v1.0.0', variant: 'stable' });
    expect(r.headers.get('x-request-id')).toBe('req-bad-row');

    // hostile input: 400 (or 413/415), never logged
    for (const [body, headers, status] of [
      ['{bad json', {}, 400],
      ['[{"x1":1}]', {}, 400],
      ['{"rows": {"x1": 1}}', {}, 400],
      ['{"rows": []}', {}, 400],
      ['{"rows": [1, 2]}', {}, 400],
      ['{"rows": [{"x1":1}, null]}', {}, 400],
      ['{}', {}, 400],
      ['"x"', {}, 400],
      ['{"__proto__": {"x": 1}}', {}, 400],
      [JSON.stringify({ x1: 1, x2: 1 }), { 'x-request-id': 'a b' }, 400],
      [JSON.stringify({ x1: 1, x2: 1 }), { 'x-request-id': 'x'.repeat(201) }, 400],
      [JSON.stringify({ rows: Array.from({ length: 20_000 }, () => ({ x1: 1, x2: 2 })) }), {}, 400],
      [JSON.stringify({ x1: 1, x2: 2, pad: 'p'.repeat(1_100_000) }), {}, 413],
      ['x1=1', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
    ] as const) {
      const res = await call(`${u}/predict`, 'POST', body, headers as Record<string, string>);
      expect(res.status, body.slice(0, 40)).toBe(status);
      expect(typeof res.body.error, body.slice(0, 40)).toBe('string');
    }
    expect((await call(`${u}/nope`, 'GET')).status).toBe(404);

    // health and metrics (not logged)
    expect((await call(`${u}/healthz`, 'GET')).body).toEqual({ status: 'ok', model: 'clf', stable: 'v1.0.0', canary: null, weight: 0 });

    // feedback
    expect((await call(`${u}/feedback`, 'POST', { id: firstId, label: 1 })).status).toBe(200);
    expect((await call(`${u}/feedback`, 'POST', { id: 'req-multi', label: [1, 1] })).status).toBe(200);
    expect((await call(`${u}/feedback`, 'POST', { label: 1 })).status).toBe(400);
    expect((await call(`${u}/feedback`, 'POST', { id: 'x' })).status).toBe(400);

    // admin: token
    expect((await call(`${u}/admin/state`, 'GET')).status).toBe(401);
    expect((await call(`${u}/admin/state`, 'GET', undefined, { authorization: `Bearer ${'0'.repeat(64)}` })).status).toBe(401);
    expect((await call(`${u}/admin/state`, 'GET', undefined, { authorization: token })).status).toBe(401);
    expect((await call(`${u}/admin/weight`, 'PUT', { weight: 50 })).status).toBe(401);
    r = await call(`${u}/admin/state`, 'GET', undefined, auth);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(st);
    // no canary yet
    expect((await call(`${u}/admin/weight`, 'PUT', { weight: 10 }, auth)).status).toBe(409);
    expect((await call(`${u}/admin/weight`, 'PUT', { weight: 0 }, auth)).status).toBe(200);
    expect((await call(`${u}/admin/promote`, 'POST', undefined, auth)).status).toBe(409);
    // a JSON content type with an empty body is no body; bad JSON is 400
    expect((await call(`${u}/admin/promote`, 'POST', '', auth)).status).toBe(409);
    expect((await call(`${u}/admin/weight`, 'PUT', '{"weight": 1', auth)).status).toBe(400);
    expect((await call(`${u}/admin/canary`, 'PUT', '{"__proto__": {"name": "clf"}}', auth)).status).toBe(400);
    expect((await call(`${u}/admin/canary`, 'PUT', { name: 'clf', version: 'v9.0.0' }, auth)).status).toBe(404);
    expect((await call(`${u}/admin/canary`, 'PUT', { name: 'nope', version: 'v1.0.0' }, auth)).status).toBe(404);
    expect((await call(`${u}/admin/canary`, 'PUT', { name: 'clf' }, auth)).status).toBe(400);
    r = await call(`${u}/admin/canary`, 'PUT', { name: 'clf', version: 'v2.0.0' }, auth);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ canary: { name: 'clf', version: 'v2.0.0', dir: join(dir, '.cairn', 'serve', 'models', 'clf@v2.0.0') }, weight: 0 });
    for (const w of [-1, 101, '50', null]) expect((await call(`${u}/admin/weight`, 'PUT', { weight: w }, auth)).status).toBe(400);
    // weight 0: everything still goes to stable
    for (let i = 0; i < 20; i++) expect((await call(`${u}/predict`, 'POST', { x1: 1, x2: 0 }, { 'x-request-id': `w0-${i}` })).body.variant).toBe('stable');
    r = await call(`${u}/admin/weight`, 'PUT', { weight: 50 }, auth);
    expect(r.body.weight).toBe(50);
    expect(JSON.parse(readFileSync(h.files.state, 'utf8')).weight).toBe(50);

    // sticky: one id, one side; about half the ids on the canary; the canary predicts with v2
    const seen = new Map<string, string>();
    for (let i = 0; i < 200; i++) {
      const id = `caller-${i % 50}`;
      const res = await call(`${u}/predict`, 'POST', { x1: 2, x2: 1 }, { 'x-request-id': id });
      expect(res.status).toBe(200);
      const side = `${res.body.variant}:${res.body.version}:${res.body.predictions[0]}`;
      if (seen.has(id)) expect(side).toBe(seen.get(id));
      seen.set(id, side);
    }
    const sides = [...seen.values()];
    expect(new Set(sides)).toEqual(new Set(['stable:v1.0.0:1', 'canary:v2.0.0:0']));
    const onCanary = sides.filter((s) => s.startsWith('canary')).length;
    expect(onCanary).toBeGreaterThan(10);
    expect(onCanary).toBeLessThan(40);
    // a canary caller stays on the canary as the weight grows
    const canaryIds = [...seen].filter(([, s]) => s.startsWith('canary')).map(([id]) => id);
    await call(`${u}/admin/weight`, 'PUT', { weight: 90 }, auth);
    for (const id of canaryIds.slice(0, 5)) expect((await call(`${u}/predict`, 'POST', { x1: 2, x2: 1 }, { 'x-request-id': id })).body.variant).toBe('canary');
    await call(`${u}/feedback`, 'POST', { id: canaryIds[0], label: 0 });

    // window
    r = await call(`${u}/admin/window?since=${encodeURIComponent(st.started)}`, 'GET', undefined, auth);
    expect(r.status).toBe(200);
    const wnd = r.body;
    expect(wnd.variants.stable.version).toBe('v1.0.0');
    expect(wnd.variants.canary.version).toBe('v2.0.0');
    expect(wnd.variants.stable.requests + wnd.variants.canary.requests).toBe(3 + 20 + 200 + 5);
    expect(wnd.variants.stable.errors).toBe(1);
    expect(wnd.variants.canary.errors).toBe(0);
    expect(wnd.variants.canary.requests).toBe(onCanary * 4 + 5);
    expect(wnd.variants.canary.latency_ms).toHaveLength(wnd.variants.canary.requests);
    expect(wnd.variants.canary.p99_ms).toBeGreaterThanOrEqual(0);
    expect(wnd.variants.canary.outputs.every((o: unknown) => o === 0)).toBe(true);
    expect(wnd.variants.stable.labelled).toEqual([{ output: 1, label: 1 }, { output: 1, label: 1 }, { output: 0, label: 1 }]);
    expect(wnd.variants.canary.labelled.length).toBe(5); // the caller's requests, all labelled 0 by one feedback
    expect(wnd.variants.canary.labelled[0]).toEqual({ output: 0, label: 0 });
    // a window in the future is empty; a bad date is 400
    r = await call(`${u}/admin/window?since=2999-01-01T00:00:00Z`, 'GET', undefined, auth);
    expect(r.body.variants.stable).toMatchObject({ requests: 0, errors: 0, latency_ms: [], p99_ms: null });
    expect((await call(`${u}/admin/window?since=yesterday`, 'GET', undefined, auth)).status).toBe(400);

    // metrics
    const m = (await call(`${u}/metrics`, 'GET')).body as string;
    expect(m).toMatch(/cairn_serve_requests_total\{variant="stable",status="error"\} 1/);
    expect(m).toMatch(new RegExp(`cairn_serve_requests_total\\{variant="canary",status="ok"\\} ${onCanary * 4 + 5}`));
    expect(m).toMatch(/cairn_serve_request_duration_seconds_bucket\{le="0.005",variant="canary"\}/);
    expect(m).toMatch(/cairn_serve_canary_weight 90/);

    // promote: the canary becomes stable
    r = await call(`${u}/admin/promote`, 'POST', undefined, auth);
    expect(r.body).toMatchObject({ stable: { version: 'v2.0.0' }, canary: null, weight: 0 });
    expect((await call(`${u}/predict`, 'POST', { x1: 2, x2: 1 })).body).toEqual({ predictions: [0], version: 'v2.0.0', variant: 'stable' });
    await call(`${u}/admin/canary`, 'PUT', { name: 'clf', version: 'v1.0.0' }, auth);
    r = await call(`${u}/admin/canary`, 'DELETE', undefined, auth);
    expect(r.body).toMatchObject({ canary: null, weight: 0 });

    await h.stop();
    expect(existsSync(h.files.state)).toBe(false);
    expect(existsSync(join(dir, '.cairn', 'serve', 'token'))).toBe(false);
    const lines = logLines(h.files.log);
    const requests = lines.filter((l) => l.type !== 'feedback');
    expect(requests).toHaveLength(3 + 20 + 200 + 5 + 1);
    expect(lines.filter((l) => l.type === 'feedback')).toHaveLength(3);
    expect(requests[0]).toMatchObject({ id: firstId, model: 'clf', version: 'v1.0.0', variant: 'stable', inputs: [{ x1: 2, x2: 1 }], outputs: [1], status: 'ok' });
    expect(Object.keys(requests[0]!).sort()).toEqual(['id', 'inputs', 'latency_ms', 'model', 'outputs', 'status', 'time', 'variant', 'version']);
    expect(requests[2]).toMatchObject({ id: 'req-bad-row', status: 'error', error: "row has no numeric 'x1'", outputs: null });
    expect(lines.find((l) => l.type === 'feedback')).toMatchObject({ id: firstId, label: 1 });
    expect(lines.every((l) => typeof l.time === 'string' && !Number.isNaN(Date.parse(l.time as string)))).toBe(true);
  });

  it('under concurrent load writes exactly one whole line per answered request, across rotations', async () => {
    const dir = await servedRepo();
    writeFileSync(join(dir, '.cairn', 'config.yaml'), 'serve:\n  batch_lines: 64\n  batch_ms: 5\n  rotate_bytes: 32768\n  keep: 100\n');
    const h = await start(dir);
    let answered = 0;
    const ids = new Set<string>();
    const one = async (i: number) => {
      const r = await call(`${h.url}/predict`, 'POST', { rows: [{ x1: i, x2: 1, pad: 'p'.repeat(i % 50) }] });
      if (r.status === 200) {
        answered++;
        ids.add(r.headers.get('x-request-id')!);
      }
    };
    for (let k = 0; k < 16; k++) await Promise.all(Array.from({ length: 50 }, (_, j) => one(k * 50 + j)));
    await h.stop();
    expect(answered).toBe(800);
    let rotated = 0;
    while (existsSync(`${h.files.log}.${rotated + 1}`)) rotated++;
    expect(rotated).toBeGreaterThan(2);
    for (let i = 1; i <= rotated; i++) expect(statSync(`${h.files.log}.${i}`).size).toBeLessThanOrEqual(32768);
    const lines = logLines(h.files.log, rotated); // JSON.parse throws on a torn line
    expect(lines).toHaveLength(800);
    expect(new Set(lines.map((l) => l.id))).toEqual(ids);
  });

  it('stopping with requests in flight loses no line: every answered request is in the log', async () => {
    const dir = await servedRepo();
    // nothing is written before the stop: all lines wait in the buffer
    writeFileSync(join(dir, '.cairn', 'config.yaml'), 'serve:\n  batch_lines: 100000\n  batch_ms: 60000\n');
    const h = await start(dir);
    const ids: string[] = [];
    const one = async (i: number) => {
      try {
        const r = await call(`${h.url}/predict`, 'POST', { x1: i, x2: 1 }, { 'x-request-id': `inflight-${i}` });
        if (r.status === 200) ids.push(`inflight-${i}`);
      } catch {
        // refused once the server closed: not answered, not logged
      }
    };
    const load = Promise.all(Array.from({ length: 400 }, (_, i) => one(i)));
    while (ids.length < 50) await new Promise((r) => setTimeout(r, 2));
    await h.stop();
    await load;
    expect(ids.length).toBeGreaterThan(0);
    const lines = logLines(h.files.log);
    expect(lines.map((l) => l.id).sort()).toEqual([...ids].sort());
  });

  it('serves through a JSON Lines command (Python), restarts it when it dies, and refuses a canary whose predictor cannot load', async () => {
    const dir = await servedRepo([{ weights: { x1: 1, x2: -1 } }, { weights: { x1: 1 } }, '{not json']);
    const h = await start(dir, { predictor: undefined, predictorCmd: `python3 ${PY_PREDICTOR}` });
    const u = h.url;
    const auth = { authorization: `Bearer ${readFileSync(join(dir, '.cairn', 'serve', 'token'), 'utf8').trim()}` };
    let r = await call(`${u}/predict`, 'POST', { rows: [{ x1: 2, x2: 1 }, { x1: 0, x2: 1 }] });
    expect(r.body).toEqual({ predictions: [1, 0], version: 'v1.0.0', variant: 'stable' });
    r = await call(`${u}/predict`, 'POST', { rows: [{ x2: 1 }] });
    expect(r.status).toBe(500);
    expect(r.body.error).toMatch(/KeyError/);
    // concurrent requests are answered in order, each its own
    const many = await Promise.all(Array.from({ length: 40 }, (_, i) => call(`${u}/predict`, 'POST', { x1: i % 2 ? 5 : -5, x2: 0 })));
    expect(many.map((x) => x.body.predictions[0])).toEqual(Array.from({ length: 40 }, (_, i) => (i % 2 ? 1 : 0)));
    // the python process dies mid-request: that request fails, the next requests are answered by a restarted one
    r = await call(`${u}/predict`, 'POST', { x1: 1, x2: 0, _crash: 1 });
    expect(r.status).toBe(500);
    expect(r.body.error).toMatch(/exited \(code 3\) before answering/);
    let okAfter = false;
    for (let i = 0; i < 100 && !okAfter; i++) {
      r = await call(`${u}/predict`, 'POST', { x1: 3, x2: 1 });
      okAfter = r.status === 200;
      if (!okAfter) await new Promise((res) => setTimeout(res, 20));
    }
    expect(okAfter).toBe(true);
    // a model whose predictor fails to load: 500, the canary stays as it was
    r = await call(`${u}/admin/canary`, 'PUT', { name: 'clf', version: 'v3.0.0' }, auth);
    expect(r.status).toBe(500);
    expect(r.body.error).toMatch(/predictor command/);
    expect((await call(`${u}/admin/state`, 'GET', undefined, auth)).body.canary).toBeNull();
    r = await call(`${u}/admin/canary`, 'PUT', { name: 'clf', version: 'v2.0.0' }, auth);
    expect(r.status).toBe(200);
    await call(`${u}/admin/weight`, 'PUT', { weight: 100 }, auth);
    expect((await call(`${u}/predict`, 'POST', { x1: 3, x2: 9 })).body).toEqual({ predictions: [1], version: 'v2.0.0', variant: 'canary' });
  });

  it('answers /admin/ only on loopback: a client on a non-loopback address gets 403 even with the token', async (ctx) => {
    const addr = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (!addr) {
      ctx.skip(); // no non-loopback interface here: test/unit/serve.test.ts checks adminCheck directly
      return;
    }
    const dir = await servedRepo();
    const h = await start(dir, { host: '0.0.0.0' });
    const auth = { authorization: `Bearer ${readFileSync(join(dir, '.cairn', 'serve', 'token'), 'utf8').trim()}` };
    const remote = `http://${addr}:${h.port}`;
    expect((await call(`${remote}/admin/state`, 'GET', undefined, auth)).status).toBe(403);
    expect((await call(`${remote}/admin/weight`, 'PUT', { weight: 0 }, auth)).status).toBe(403);
    expect((await call(`${remote}/predict`, 'POST', { x1: 1, x2: 0 })).status).toBe(200);
    expect((await call(`http://127.0.0.1:${h.port}/admin/state`, 'GET', undefined, auth)).status).toBe(200);
  });

  it('a predictor answering something that is not JSON (a BigInt) or of the wrong length fails that request, logged', async () => {
    const dir = await servedRepo([{ weights: {} }]);
    writeFileSync(
      join(dir, 'odd-predictor.mjs'),
      'export async function load() { return { predict(rows) { if (rows[0].kind === "big") return [1n]; if (rows[0].kind === "short") return []; if (rows[0].kind === "obj") return [{ label: "cat", p: 0.9 }]; return 5; } }; }\n',
    );
    const h = await start(dir, { predictor: join(dir, 'odd-predictor.mjs') });
    const expectations: [string, number, RegExp | undefined][] = [
      ['big', 500, /BigInt/],
      ['short', 500, /0 prediction\(s\) for 1 row/],
      ['none', 500, /returned number, not a list/],
      ['obj', 200, undefined],
    ];
    for (const [kind, status, msg] of expectations) {
      const r = await call(`${h.url}/predict`, 'POST', { kind });
      expect(r.status, kind).toBe(status);
      if (msg) expect(r.body.error).toMatch(msg);
    }
    await h.stop();
    const lines = logLines(h.files.log);
    expect(lines.map((l) => l.status)).toEqual(['error', 'error', 'error', 'ok']);
    expect(lines[3]!.outputs).toEqual([{ label: 'cat', p: 0.9 }]);
  });

  it('reads serve: settings from cairn.yaml and .cairn/config.yaml (config wins), and refuses bad ones with exit-2 errors', async () => {
    const dir = await servedRepo();
    const { serve } = await import('../../src/api/serve.js');
    writeFileSync(join(dir, 'cairn.yaml'), `serve:\n  predictor: ${JSON.stringify(JS_PREDICTOR)}\n  log: logs/req.jsonl\n  port: 0\n`);
    const h = await serve({ cwd: dir, target: 'clf@v1.0.0' });
    handles.push(h);
    expect(h.files.log).toBe(join(dir, 'logs', 'req.jsonl'));
    expect((await call(`${h.url}/predict`, 'POST', { x1: 1, x2: 0 })).status).toBe(200);
    await h.stop();
    writeFileSync(join(dir, '.cairn', 'config.yaml'), 'serve:\n  log: other.jsonl\n');
    const h2 = await serve({ cwd: dir, target: 'clf@v1.0.0' });
    handles.push(h2);
    expect(h2.files.log).toBe(join(dir, 'other.jsonl'));
    await h2.stop();
    for (const [cfg, msg] of [
      ['serve:\n  port: soon\n', /serve\.port: expected a whole number/],
      ['serve:\n  log: ../../etc/x\n', /serve\.log: '..\/..\/etc\/x' must be a path inside the repository/],
      ['serve:\n  batch_line: 5\n', /unknown config key 'serve\.batch_line' \(did you mean 'serve\.batch_lines'\?\)/],
    ] as const) {
      writeFileSync(join(dir, '.cairn', 'config.yaml'), cfg);
      await expect(serve({ cwd: dir, target: 'clf@v1.0.0' })).rejects.toMatchObject({ code: 'CAIRN_CONFIG', message: expect.stringMatching(msg) });
    }
    writeFileSync(join(dir, '.cairn', 'config.yaml'), '');
    writeFileSync(join(dir, 'cairn.yaml'), 'serve:\n  port: 0\n');
    await expect(serve({ cwd: dir, target: 'clf@v1.0.0' })).rejects.toMatchObject({ code: 'CAIRN_USAGE', message: expect.stringMatching(/no predictor/) });
    await expect(serve({ cwd: dir, target: 'clf@v1.0.0', predictor: JS_PREDICTOR, predictorCmd: 'x' })).rejects.toMatchObject({ code: 'CAIRN_USAGE' });
    await expect(serve({ cwd: dir, target: 'clf@staging', predictor: JS_PREDICTOR })).rejects.toMatchObject({ code: 'CAIRN_NOT_FOUND' });
    await expect(serve({ cwd: dir, target: 'clf@v1.0.0', predictor: join(dir, 'missing.mjs') })).rejects.toMatchObject({ code: 'CAIRN_FAILED', message: expect.stringMatching(/cannot import predictor/) });
  });
});
