// cairn deploy NAME@VERSION | status | pause | resume | abort | promote, and --emit: a gradual
// rollout of a registered version as a resumable state machine (mlops/deploy/plan.ts), applied
// through a target (cairn serve's admin API, or user hooks), its state in
// .cairn/deploy/<target>.json. Returns plain data with a verdict: pass = succeeded, fail = rolled
// back or aborted, inconclusive = paused. HTTP, the hook runner and the clock can be passed in.
import { yaml } from '../io/yaml.js';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { CairnError } from '../core/errors.js';
import type { Verdict } from '../core/verdict.js';
import { writeFileAtomic } from '../io/atomic.js';
import { parseOwnJson, readOwnText, type OwnFileKind } from '../io/own-file.js';
import { applySettings, checkTargetConfig, defaultDeployConfig, DEPLOY_KEYS, TARGET_KINDS, type DeployConfig, type DeploySettings, type TargetKind } from '../mlops/deploy/config.js';
import { EMIT_FORMATS, emitManifests, type EmitFormat } from '../mlops/deploy/emit.js';
import { executeRollout, type ProductionAlias, type RolloutClock, type RolloutEvent } from '../mlops/deploy/execute.js';
import { abort, initialState, isFinished, pause, promoteNow, resume, TransitionError, type AnalysisRecord, type DeployState } from '../mlops/deploy/plan.js';
import { deployStatePath, fileStore, readDeployState, writeDeployState } from '../mlops/deploy/store.js';
import { commandTarget, localTarget, TargetError, type DeployTarget, type FetchLike, type RunCommand } from '../mlops/deploy/target.js';
import { resolveModel } from '../mlops/registry/index.js';
import { promoteVersion } from '../mlops/registry/registry.js';
import { Repo } from '../repo/repo.js';

export type { RolloutEvent } from '../mlops/deploy/execute.js';

export interface DeploySettingsFlags {
  target?: string;
  steps?: string;
  interval?: string;
  minRequests?: string | number;
  failureLimit?: string | number;
  trafficTimeout?: string;
  url?: string;
}

interface Injected {
  /** HTTP for the local target (default: global fetch) */
  fetch?: FetchLike;
  /** the hook runner for the command target (default: sh -c in the repo root) */
  runCommand?: RunCommand;
  clock?: RolloutClock;
  /** progress, one event per transition (the CLI prints them) */
  onEvent?: (e: RolloutEvent) => void;
  /** this process's id as recorded in the state (default process.pid) */
  pid?: number;
}

export interface DeployOptions extends Injected {
  cwd: string;
  /** NAME@vX.Y.Z */
  model: string;
  flags?: DeploySettingsFlags;
}

export interface DeployControlOptions extends Injected {
  cwd: string;
  /** which rollout (default: deploy.target in config, else local) */
  target?: string;
}

export interface DeployResult {
  verdict: Verdict;
  state: DeployState['state'];
  target: TargetKind;
  name: string;
  version: string;
  stable: string | null;
  step: number;
  steps: number[];
  weight: number;
  reason: string | null;
  id: string;
  phase: DeployState['phase'];
  started: string;
  updated: string;
  pid: number | null;
  production: DeployState['production'];
  analyses: AnalysisRecord[];
  file: string;
  /** a target error met while aborting (the weight may not have been reset) */
  target_error?: string;
}

export interface DeployEmitOptions {
  cwd: string;
  /** NAME or NAME@vX.Y.Z */
  model: string;
  format: string;
  flags?: DeploySettingsFlags;
  /** write here (refuses to overwrite without force) instead of returning only */
  out?: string;
  force?: boolean;
  image?: string;
}

export interface DeployEmitResult {
  format: EmitFormat;
  name: string;
  version: string | null;
  documents: { apiVersion: string; kind: string; name: string }[];
  yaml: string;
  out: string | null;
}

const SERVE_KIND: OwnFileKind = { what: 'serve state', code: 'CAIRN_CONFIG' };

function parseModel(s: string): { name: string; version: string } {
  const m = /^([a-z][a-z0-9-]*[a-z0-9])@(v\d+\.\d+\.\d+)$/.exec(s);
  if (!m) throw new CairnError('CAIRN_USAGE', `deploy takes NAME@vX.Y.Z (a registered version), not '${s}'`, { hint: 'e.g. `cairn deploy penguins@v1.1.0`; `cairn model show NAME` lists the versions' });
  return { name: m[1]!, version: m[2]! };
}

/** Defaults, then the `deploy:` config section, then flags. */
function settingsOf(repo: Repo, flags: DeploySettingsFlags = {}): DeployConfig {
  const section = (repo.config.get('deploy') ?? {}) as Record<string, unknown>;
  const fromConfig: DeploySettings = {};
  for (const k of DEPLOY_KEYS) if (section[k] !== undefined) (fromConfig as Record<string, unknown>)[k] = section[k];
  let cfg = applySettings(defaultDeployConfig(), fromConfig, (k) => `deploy.${k} (.cairn/config.yaml)`);
  cfg = applySettings(
    cfg,
    { target: flags.target, steps: flags.steps, interval: flags.interval, min_requests: flags.minRequests, failure_limit: flags.failureLimit, traffic_timeout: flags.trafficTimeout, url: flags.url },
    (k) => `--${k.replace(/_/g, '-')}`,
  );
  return cfg;
}

function targetKindOf(repo: Repo, t: string | undefined): TargetKind {
  const v = t ?? (repo.config.get('deploy.target') as string | undefined) ?? 'local';
  if (!TARGET_KINDS.includes(v as TargetKind)) throw new CairnError('CAIRN_USAGE', `--target takes local or command, got '${v}'`, { hint: '--target local' });
  return v as TargetKind;
}

const defaultClock: RolloutClock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

function defaultRun(root: string): RunCommand {
  return (command, env) =>
    new Promise((res, rej) => {
      const child = spawn(command, { shell: true, cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      child.on('error', rej);
      child.on('close', (code) => res({ code: code ?? 1, stdout, stderr }));
    });
}

/** The local target: serve's URL (config/flag, or .cairn/serve/state.json) and its token. */
function openLocal(repo: Repo, cfg: DeployConfig, fetchFn: FetchLike | undefined): DeployTarget {
  const serveDir = join(repo.root, '.cairn', 'serve');
  let url = cfg.url;
  if (!url) {
    const file = join(serveDir, 'state.json');
    const text = readOwnText(file, SERVE_KIND, { root: repo.root });
    if (text === undefined) throw new CairnError('CAIRN_FAILED', `no cairn serve is running here (${file} is missing)`, { hint: 'start it with `cairn serve NAME@production --predictor MODULE &`, or pass --url' });
    const st = parseOwnJson(text, file, SERVE_KIND) as { port?: unknown; host?: unknown };
    if (typeof st?.port !== 'number' || !Number.isInteger(st.port) || st.port <= 0 || st.port > 65_535) throw new CairnError('CAIRN_CONFIG', `${file}: no valid port`, { hint: 'restart `cairn serve`, or pass --url' });
    // the admin API answers loopback clients only
    url = `http://127.0.0.1:${st.port}`;
  }
  const tokenFile = join(serveDir, 'token');
  const token = readOwnText(tokenFile, SERVE_KIND, { root: repo.root, maxBytes: 4096 })?.trim();
  if (!token) throw new CairnError('CAIRN_FAILED', `cannot read the admin token (${tokenFile})`, { hint: 'start `cairn serve` in this repository: it writes the token' });
  return localTarget({ url, token, fetch: fetchFn ?? (globalThis.fetch as unknown as FetchLike) });
}

function openTarget(repo: Repo, kind: TargetKind, cfg: DeployConfig, s: { name: string; version: string; stable: string | null }, inj: Injected): DeployTarget {
  if (kind === 'local') return openLocal(repo, cfg, inj.fetch);
  checkTargetConfig({ ...cfg, target: 'command' });
  return commandTarget({ hooks: cfg.hooks, name: s.name, version: s.version, stable: s.stable, run: inj.runCommand ?? defaultRun(repo.root) });
}

function productionAlias(repo: Repo): ProductionAlias {
  return {
    async promote(name, version, reason) {
      const r = await repo.withLock('deploy promote', async () => promoteVersion({ repo, target: `${name}@${version}`, alias: 'production', reason, moved_by: 'rollout' }));
      if (r.verdict !== 'pass') return { ok: false, why: r.violations.join('; ') || 'refused by the production policy' };
      return { ok: true, tag: r.tag, previous: r.previous };
    },
  };
}

const VERDICT: Record<DeployState['state'], Verdict> = { succeeded: 'pass', rolled_back: 'fail', aborted: 'fail', paused: 'inconclusive', running: 'inconclusive' };

function resultOf(root: string, s: DeployState, extra: Partial<DeployResult> = {}): DeployResult {
  return {
    verdict: VERDICT[s.state],
    state: s.state,
    target: s.target,
    name: s.name,
    version: s.version,
    stable: s.stable,
    step: s.step,
    steps: s.config.steps,
    weight: s.weight,
    reason: s.reason,
    id: s.id,
    phase: s.phase,
    started: s.started,
    updated: s.updated,
    pid: s.pid,
    production: s.production,
    analyses: s.analyses,
    file: deployStatePath(root, s.target),
    ...extra,
  };
}

function alive(pid: number | null): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function transition<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TransitionError) throw new CairnError('CAIRN_USAGE', e.message, { hint: 'see `cairn deploy status`' });
    throw e;
  }
}

async function drive(repo: Repo, s: DeployState, cfg: DeployConfig, inj: Injected): Promise<DeployResult> {
  const store = fileStore(repo.root, s.target);
  store.write(s);
  const target = openTarget(repo, s.target, cfg, s, inj);
  const last = await executeRollout({ state: s, store, target, production: productionAlias(repo), clock: inj.clock ?? defaultClock, onEvent: inj.onEvent });
  return resultOf(repo.root, last);
}

/** Start a rollout of NAME@VERSION; returns when it succeeded, rolled back or paused. */
export async function deploy(opts: DeployOptions): Promise<DeployResult> {
  const repo = await Repo.open(opts.cwd);
  const { name, version } = parseModel(opts.model);
  const cfg = settingsOf(repo, opts.flags);
  const kind = cfg.target;
  const rec = await resolveModel({ root: repo.root, target: `${name}@${version}` });
  if (!rec) throw new CairnError('CAIRN_NOT_FOUND', `${name}@${version} is not registered`, { hint: `register it first: \`cairn model register ${name} PATH --version ${version}\`` });
  const prev = readDeployState(repo.root, kind);
  if (prev && !isFinished(prev)) {
    const who = prev.state === 'running' && alive(prev.pid) ? `it is running (pid ${prev.pid})` : `it is ${prev.state === 'running' ? 'interrupted' : prev.state}`;
    throw new CairnError('CAIRN_USAGE', `a rollout of ${prev.name}@${prev.version} on ${kind} is not finished: ${who}`, { hint: '`cairn deploy resume` continues it, `cairn deploy abort` ends it (then deploy again)' });
  }
  const production = (await resolveModel({ root: repo.root, target: `${name}@production` }))?.version ?? null;
  if (production === version) throw new CairnError('CAIRN_USAGE', `${name}@${version} already is production`, { hint: 'deploy a newer version' });
  const pid = opts.pid ?? process.pid;
  const s = initialState({ id: randomBytes(4).toString('hex'), target: kind, name, version, stable: kind === 'command' ? production : null, config: cfg, now: (opts.clock ?? defaultClock).now(), pid });
  return drive(repo, s, cfg, opts);
}

function current(repo: Repo, t: string | undefined): DeployState {
  const kind = targetKindOf(repo, t);
  const s = readDeployState(repo.root, kind);
  if (!s) throw new CairnError('CAIRN_NOT_FOUND', `no rollout on the ${kind} target (${deployStatePath(repo.root, kind)} is missing)`, { hint: 'start one with `cairn deploy NAME@VERSION`' });
  return s;
}

export async function deployStatus(opts: DeployControlOptions): Promise<DeployResult> {
  const repo = await Repo.open(opts.cwd);
  const s = current(repo, opts.target);
  // a running state whose process is gone was interrupted (kill -9): say so, resume continues it
  const interrupted = s.state === 'running' && s.pid !== null && !alive(s.pid);
  return resultOf(repo.root, s, interrupted ? { reason: s.reason ?? `interrupted: process ${s.pid} is gone; \`cairn deploy resume\` continues` } : {});
}

/** Continue a paused or interrupted rollout from its persisted step. */
export async function deployResume(opts: DeployControlOptions): Promise<DeployResult> {
  const repo = await Repo.open(opts.cwd);
  const s = current(repo, opts.target);
  if (s.state === 'running' && alive(s.pid) && s.pid !== (opts.pid ?? process.pid)) throw new CairnError('CAIRN_USAGE', `the rollout is running (pid ${s.pid})`, { hint: '`cairn deploy pause` or `cairn deploy abort` it first' });
  const cfg = settingsOf(repo, { target: s.target });
  const next = transition(() => resume(s, (opts.clock ?? defaultClock).now(), opts.pid ?? process.pid));
  return drive(repo, next, cfg, opts);
}

/** Pause: the weight stays, the running `cairn deploy` stops at its next look (exit 4, paused). */
export async function deployPause(opts: DeployControlOptions): Promise<DeployResult> {
  const repo = await Repo.open(opts.cwd);
  const s = current(repo, opts.target);
  const next = transition(() => pause(s, (opts.clock ?? defaultClock).now()));
  writeDeployState(repo.root, next);
  return resultOf(repo.root, next);
}

/** Abort: canary weight 0 and the canary dropped; production unchanged. A new `deploy` may follow. */
export async function deployAbort(opts: DeployControlOptions): Promise<DeployResult> {
  const repo = await Repo.open(opts.cwd);
  const s = current(repo, opts.target);
  const next = transition(() => abort(s, (opts.clock ?? defaultClock).now()));
  writeDeployState(repo.root, next); // first, so a running executor stops before the rollback
  let targetError: string | undefined;
  try {
    const cfg = settingsOf(repo, { target: s.target });
    await openTarget(repo, s.target, cfg, s, opts).rollback();
  } catch (e) {
    if (!(e instanceof TargetError) && !(e instanceof CairnError)) throw e;
    targetError = e.message;
  }
  return resultOf(repo.root, next, targetError ? { target_error: targetError } : {});
}

/** Skip the remaining steps: promote the canary now (serve and the `production` alias). */
export async function deployPromote(opts: DeployControlOptions): Promise<DeployResult> {
  const repo = await Repo.open(opts.cwd);
  const s = current(repo, opts.target);
  const cfg = settingsOf(repo, { target: s.target });
  const next = transition(() => promoteNow(s, (opts.clock ?? defaultClock).now(), opts.pid ?? process.pid));
  return drive(repo, next, cfg, opts);
}

/** The equivalent Argo Rollout + AnalysisTemplate, or Flagger Canary, as YAML. */
export async function deployEmit(opts: DeployEmitOptions): Promise<DeployEmitResult> {
  const repo = await Repo.open(opts.cwd);
  if (!EMIT_FORMATS.includes(opts.format as EmitFormat)) throw new CairnError('CAIRN_USAGE', `--emit takes ${EMIT_FORMATS.join(' or ')}, got '${opts.format}'`, { hint: '--emit argo-rollouts' });
  const m = /^([a-z][a-z0-9-]*[a-z0-9])(?:@(v\d+\.\d+\.\d+))?$/.exec(opts.model);
  if (!m) throw new CairnError('CAIRN_USAGE', `--emit takes NAME or NAME@vX.Y.Z, not '${opts.model}'`, { hint: 'e.g. `cairn deploy penguins@v1.1.0 --emit argo-rollouts`' });
  const cfg = settingsOf(repo, opts.flags);
  const format = opts.format as EmitFormat;
  const docs = emitManifests(format, { name: m[1]!, version: m[2] ?? null, config: cfg, image: opts.image });
  const text = docs.map((d) => yaml().stringify(d, { lineWidth: 0 })).join('---\n');
  let out: string | null = null;
  if (opts.out) {
    out = resolve(opts.cwd, opts.out);
    // inside the repository the write passes the containment guard (no symlinked folder out of it)
    if (out.startsWith(repo.root + sep)) repo.guard.checkAbs(out, { action: 'write' });
    if (!opts.force && existsSync(out)) throw new CairnError('CAIRN_USAGE', `${opts.out} exists`, { hint: 'pass --force to overwrite it' });
    writeFileAtomic(out, text);
  }
  return {
    format,
    name: m[1]!,
    version: m[2] ?? null,
    documents: docs.map((d) => ({ apiVersion: String(d.apiVersion), kind: String(d.kind), name: String((d.metadata as { name: string }).name) })),
    yaml: text,
    out,
  };
}
