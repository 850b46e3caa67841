// Where a rollout's actions land. `local` is `cairn serve`'s admin API (loopback, bearer token
// from .cairn/serve/token; SERVE-CONTRACT / docs/deploy.md#targets); `command` runs user hooks
// (`set_weight: kubectl ... ${weight}`, `metrics: <prints the window JSON>`, optional
// `promote:` and `rollback:`). HTTP and the process runner are passed in, so tests need neither.
import { parseWindow, type Window } from './analysis.js';
import type { CommandHooks } from './config.js';

export interface TargetStatus {
  stable: string | null;
  canary: string | null;
  weight: number;
}

export interface DeployTarget {
  readonly kind: 'local' | 'command';
  /** what the target runs now (null when it cannot say: a command target) */
  status(): Promise<TargetStatus | null>;
  /** make NAME@VERSION the canary (weight stays as it is, 0 for a fresh canary) */
  loadCanary(name: string, version: string): Promise<void>;
  setWeight(weight: number): Promise<void>;
  window(since: string, until: string): Promise<Window>;
  /** the canary becomes the stable */
  promote(): Promise<void>;
  /** canary weight 0 (and the canary dropped where the target can) */
  rollback(): Promise<void>;
}

export class TargetError extends Error {}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<{ status: number; text(): Promise<string> }>;

/** cairn serve's admin API. */
export function localTarget(o: { url: string; token: string; fetch: FetchLike; timeoutMs?: number }): DeployTarget {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), o.timeoutMs ?? 10_000);
    let res: { status: number; text(): Promise<string> };
    try {
      res = await o.fetch(`${o.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${o.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: ctl.signal,
      });
    } catch (e) {
      throw new TargetError(`${method} ${o.url}${path}: ${(e as Error).message} (is \`cairn serve\` running?)`);
    } finally {
      clearTimeout(timer);
    }
    const text = await res.text();
    if (res.status < 200 || res.status >= 300) throw new TargetError(`${method} ${path}: HTTP ${res.status}${text ? `: ${text.slice(0, 300)}` : ''}`);
    try {
      return text ? JSON.parse(text) : null;
    } catch {
      throw new TargetError(`${method} ${path}: the answer is not JSON`);
    }
  };
  const version = (v: unknown) => (v && typeof v === 'object' && typeof (v as { version?: unknown }).version === 'string' ? (v as { version: string }).version : null);
  return {
    kind: 'local',
    async status() {
      const s = (await call('GET', '/admin/state')) as Record<string, unknown> | null;
      return { stable: version(s?.stable), canary: version(s?.canary), weight: typeof s?.weight === 'number' ? s.weight : 0 };
    },
    async loadCanary(name, v) {
      await call('PUT', '/admin/canary', { name, version: v });
    },
    async setWeight(weight) {
      await call('PUT', '/admin/weight', { weight });
    },
    async window(since, until) {
      const doc = await call('GET', `/admin/window?since=${encodeURIComponent(since)}&until=${encodeURIComponent(until)}`);
      try {
        return parseWindow(doc, 'GET /admin/window');
      } catch (e) {
        throw new TargetError((e as Error).message);
      }
    },
    async promote() {
      await call('POST', '/admin/promote');
    },
    async rollback() {
      await call('PUT', '/admin/weight', { weight: 0 });
      // idempotent: a canary already gone (serve restarted, an earlier abort) is fine
      const st = (await call('GET', '/admin/state')) as Record<string, unknown> | null;
      if (st?.canary) await call('DELETE', '/admin/canary');
    },
  };
}

export type RunCommand = (command: string, env: Record<string, string>) => Promise<{ code: number; stdout: string; stderr: string }>;

/**
 * Put the rollout's values into a hook's text: `${weight}`, `${name}`, `${version}`, `${stable}`,
 * `${since}`, `${until}`. They are also in the environment (CAIRN_DEPLOY_WEIGHT, ...); every value
 * is a number, a registry name/version or an ISO time, so substitution cannot inject shell syntax.
 */
export function expandHook(template: string, vars: Record<string, string>): string {
  return template.replace(/\$\{(\w+)\}/g, (m, k: string) => (k in vars ? vars[k]! : m));
}

export function commandTarget(o: { hooks: CommandHooks; name: string; version: string; stable: string | null; run: RunCommand }): DeployTarget {
  const vars = (extra: Record<string, string>) => ({ name: o.name, version: o.version, stable: o.stable ?? '', ...extra });
  const run = async (hook: keyof CommandHooks, extra: Record<string, string>): Promise<string> => {
    const tpl = o.hooks[hook]!;
    const v = vars(extra);
    const env = Object.fromEntries(Object.entries(v).map(([k, x]) => [`CAIRN_DEPLOY_${k.toUpperCase()}`, x]));
    const r = await o.run(expandHook(tpl, v), env);
    if (r.code !== 0) throw new TargetError(`the ${hook} hook exited with ${r.code}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 300)}` : ''}`);
    return r.stdout;
  };
  return {
    kind: 'command',
    async status() {
      return null;
    },
    async loadCanary() {
      // the hooks address one deployment: the canary is whatever set_weight routes to
    },
    async setWeight(weight) {
      await run('set_weight', { weight: String(weight) });
    },
    async window(since, until) {
      const out = await run('metrics', { since, until });
      let doc: unknown;
      try {
        doc = JSON.parse(out);
      } catch {
        throw new TargetError(`the metrics hook did not print JSON (got '${out.trim().slice(0, 80)}')`);
      }
      try {
        return parseWindow(doc, 'the metrics hook');
      } catch (e) {
        throw new TargetError((e as Error).message);
      }
    },
    async promote() {
      // without a promote hook, promotion is all traffic on the canary
      if (o.hooks.promote) await run('promote', { weight: '100' });
      else await run('set_weight', { weight: '100' });
    },
    async rollback() {
      if (o.hooks.rollback) await run('rollback', { weight: '0' });
      else await run('set_weight', { weight: '0' });
    },
  };
}
