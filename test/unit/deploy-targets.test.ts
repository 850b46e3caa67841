// The two targets with their side effects faked: the local target's HTTP calls (paths, methods,
// bearer token, bodies) against serve's admin API, and the command target's hooks (substitution,
// environment, exit codes, the metrics JSON).
import { describe, expect, it } from 'vitest';
import { commandTarget, expandHook, localTarget, TargetError, type FetchLike } from '../../src/mlops/deploy/target.js';

function fakeFetch(answers: Record<string, { status: number; body: unknown }>) {
  const calls: { method: string; url: string; auth: string | undefined; body: unknown }[] = [];
  const f: FetchLike = async (url, init) => {
    calls.push({ method: init.method, url, auth: init.headers.authorization, body: init.body === undefined ? undefined : JSON.parse(init.body) });
    const key = `${init.method} ${new URL(url).pathname}`;
    const a = answers[key] ?? { status: 200, body: {} };
    return { status: a.status, text: async () => JSON.stringify(a.body) };
  };
  return { f, calls };
}

const WINDOW = { since: 's', until: 'u', variants: { stable: { version: 'v1.0.0', requests: 10, errors: 0 }, canary: { version: 'v2.0.0', requests: 5, errors: 1 } } };

describe('local target (cairn serve admin API)', () => {
  it('speaks the contract: canary, weight, window, promote, rollback, with the bearer token', async () => {
    const { f, calls } = fakeFetch({ 'GET /admin/state': { status: 200, body: { stable: { name: 'm', version: 'v1.0.0' }, canary: null, weight: 0 } }, 'GET /admin/window': { status: 200, body: WINDOW } });
    const t = localTarget({ url: 'http://127.0.0.1:9', token: 'tok', fetch: f });
    expect(await t.status()).toEqual({ stable: 'v1.0.0', canary: null, weight: 0 });
    await t.loadCanary('m', 'v2.0.0');
    await t.setWeight(10);
    const w = await t.window('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z');
    expect(w.variants.canary!.errors).toBe(1);
    await t.promote();
    await t.rollback();
    // the fake serve reports no canary, so rollback's DELETE is skipped (idempotent)
    expect(calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual(['GET /admin/state', 'PUT /admin/canary', 'PUT /admin/weight', 'GET /admin/window', 'POST /admin/promote', 'PUT /admin/weight', 'GET /admin/state']);
    expect(calls.every((c) => c.auth === 'Bearer tok')).toBe(true);
    expect(calls[1]!.body).toEqual({ name: 'm', version: 'v2.0.0' });
    expect(calls[2]!.body).toEqual({ weight: 10 });
    expect(new URL(calls[3]!.url).searchParams.get('since')).toBe('2026-01-01T00:00:00.000Z');
  });

  it('rollback drops a canary serve still holds', async () => {
    const { f, calls } = fakeFetch({ 'GET /admin/state': { status: 200, body: { stable: { version: 'v1.0.0' }, canary: { version: 'v2.0.0' }, weight: 10 } } });
    await localTarget({ url: 'http://127.0.0.1:9', token: 't', fetch: f }).rollback();
    expect(calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual(['PUT /admin/weight', 'GET /admin/state', 'DELETE /admin/canary']);
  });

  it('an HTTP error, a refused connection or a malformed window is a TargetError', async () => {
    const { f } = fakeFetch({ 'PUT /admin/weight': { status: 401, body: { error: 'unauthorized' } }, 'GET /admin/window': { status: 200, body: { variants: 7 } } });
    const t = localTarget({ url: 'http://127.0.0.1:9', token: 'bad', fetch: f });
    await expect(t.setWeight(10)).rejects.toThrow(/HTTP 401/);
    await expect(t.window('a', 'b')).rejects.toThrow(TargetError);
    const down = localTarget({ url: 'http://127.0.0.1:9', token: 't', fetch: async () => Promise.reject(new Error('ECONNREFUSED')) });
    await expect(down.setWeight(1)).rejects.toThrow(/ECONNREFUSED.*cairn serve/);
  });
});

describe('command target (hooks)', () => {
  it('substitutes ${weight}/${since}/${until} and passes CAIRN_DEPLOY_* in the environment', async () => {
    const ran: { cmd: string; env: Record<string, string> }[] = [];
    const t = commandTarget({
      hooks: { set_weight: 'kubectl patch canary --weight ${weight}', metrics: './window.sh ${since} ${until}' },
      name: 'm',
      version: 'v2.0.0',
      stable: 'v1.0.0',
      run: async (cmd, env) => {
        ran.push({ cmd, env });
        return { code: 0, stdout: cmd.startsWith('./window') ? JSON.stringify(WINDOW) : '', stderr: '' };
      },
    });
    await t.setWeight(50);
    const w = await t.window('S', 'U');
    await t.rollback();
    await t.promote(); // no promote hook: all traffic on the canary
    expect(ran.map((r) => r.cmd)).toEqual(['kubectl patch canary --weight 50', './window.sh S U', 'kubectl patch canary --weight 0', 'kubectl patch canary --weight 100']);
    expect(ran[0]!.env).toMatchObject({ CAIRN_DEPLOY_WEIGHT: '50', CAIRN_DEPLOY_NAME: 'm', CAIRN_DEPLOY_VERSION: 'v2.0.0', CAIRN_DEPLOY_STABLE: 'v1.0.0' });
    expect(w.variants.canary!.requests).toBe(5);
  });

  it('a failing hook or non-JSON metrics is a TargetError naming the hook', async () => {
    const t = commandTarget({ hooks: { set_weight: 'false', metrics: 'echo nope' }, name: 'm', version: 'v2.0.0', stable: null, run: async (cmd) => (cmd === 'false' ? { code: 3, stdout: '', stderr: 'denied\n' } : { code: 0, stdout: 'nope\n', stderr: '' }) });
    await expect(t.setWeight(10)).rejects.toThrow(/set_weight hook exited with 3: denied/);
    await expect(t.window('a', 'b')).rejects.toThrow(/did not print JSON/);
  });

  it('unknown placeholders are left as they are', () => {
    expect(expandHook('x ${weight} ${HOME}', { weight: '10' })).toBe('x 10 ${HOME}');
  });
});
