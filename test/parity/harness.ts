// The differential harness: one scenario, written once in a small DSL (dsl below), runs in two
// fresh git repos, one with the real DVC (through test/parity/dvc-driver.py, one long-lived
// Python process per lane that calls dvc.cli.main in process) and one with the real cairn CLI
// (bin/cairn.js, spawned). Each step that a user would look at yields an observation in a
// vocabulary common to both tools: the exit class, the status per target, which stages ran or
// were restored, the params/metrics diff rows, the workspace files (paths + content hashes),
// the number of cache objects. parity.test.ts compares the two lists.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { CLI, ROOT } from '../helpers.js';

export const DVC_PY = join(ROOT, '.cache', 'venv-dvc', 'bin', 'python');
export const DRIVER = join(ROOT, 'test', 'parity', 'dvc-driver.py');

export type Tool = 'dvc' | 'cairn';
export type Field = 'exit' | 'status' | 'ran' | 'restored' | 'rows' | 'files' | 'objects' | 'out' | 'says';

/** One step of a scenario. Strings may hold tokens that differ per tool: %P pointer suffix
 * (.dvc | .cairn), %Y pipeline file (dvc.yaml | cairn.yaml), %L lock file, %D metadata folder. */
export type Step =
  | { kind: 'write'; files: Record<string, string>; exec?: string[] }
  | { kind: 'sh'; cmd: string }
  | { kind: 'probe'; cmd: string }
  | { kind: 'run'; what: 'exit' | 'status' | 'repro' | 'rows' | 'files'; argv: string[]; dvc?: string[]; cairn?: string[]; says?: RegExp }
  | { kind: 'files' }
  | { kind: 'objects' };

export interface Differs {
  /** index into steps, or 'end' for the final workspace snapshot */
  at: number | 'end';
  field: Field;
  /** why cairn differs on purpose (also listed in docs/dvc.md) */
  reason: string;
}

export interface Scenario {
  name: string;
  area: string;
  steps: Step[];
  differs?: Differs[];
}

export interface Observation {
  at: number | 'end';
  step: string;
  exit?: 'ok' | 'fail';
  status?: Record<string, string[]>;
  ran?: string[];
  restored?: string[];
  rows?: string[];
  files?: Record<string, string>;
  objects?: number;
  out?: string;
  /** whether the command's output matched the step's `says` pattern (a warning, say) */
  says?: boolean;
}

export interface RunResult {
  tool: Tool;
  obs: Observation[];
  log: string[];
  /** wall time of the scenario and of the tool's own commands in it */
  ms: number;
  toolMs: number;
}

// ---------------------------------------------------------------------------------------------
// the DSL

export const write = (files: Record<string, string>, exec?: string[]): Step => ({ kind: 'write', files, exec });
export const pipeline = (yaml: string, dir = ''): Step => write({ [dir ? `${dir}/%Y` : '%Y']: yaml });
export const sh = (cmd: string): Step => ({ kind: 'sh', cmd });
export const gitCommit = (msg = 'c'): Step => sh(`git add -A && git commit -qm '${msg}'`);
/** a shell command whose stdout both tools must agree on */
export const probe = (cmd: string): Step => ({ kind: 'probe', cmd });
export const files = (): Step => ({ kind: 'files' });
export const objects = (): Step => ({ kind: 'objects' });
export const exit = (...argv: string[]): Step => ({ kind: 'run', what: 'exit', argv });
export const add = (...t: string[]): Step => exit('add', ...t);
export const checkout = (...t: string[]): Step => exit('checkout', ...t);
/** a command whose output must (or must not) mention something, for both tools */
export const saying = (says: RegExp, ...argv: string[]): Step => ({ kind: 'run', what: 'exit', argv, says });
export const commit = (...t: string[]): Step => ({ kind: 'run', what: 'exit', argv: ['commit', ...t], dvc: ['commit', '-f', ...t] });
export const remove = (...t: string[]): Step => exit('remove', ...t);
export const status = (...t: string[]): Step => ({ kind: 'run', what: 'status', argv: ['status', '--json', ...t] });
export const repro = (...a: string[]): Step => ({ kind: 'run', what: 'repro', argv: ['repro', ...a], cairn: ['repro', '--json', ...a] });
export const gc = (...scope: string[]): Step => ({ kind: 'run', what: 'exit', argv: ['gc', ...scope], dvc: ['gc', '-f', ...scope] });
export const paramsDiff = (...a: string[]): Step => ({ kind: 'run', what: 'rows', argv: ['params', 'diff', '--json', ...a] });
export const metricsDiff = (...a: string[]): Step => ({ kind: 'run', what: 'rows', argv: ['metrics', 'diff', '--json', ...a] });
/** a folder remote beside the repo, the default */
export const remote = (): Step => ({ kind: 'run', what: 'exit', argv: ['remote', 'add', '-d', 'store', '../remote'], cairn: ['remote', 'add', '--create', '-d', 'store', '../remote'] });

// ---------------------------------------------------------------------------------------------
// the DVC driver: one Python process, requests answered in order

export class DvcDriver {
  private proc: ChildProcessWithoutNullStreams;
  private waiting: ((r: { code: number; stdout: string; stderr: string }) => void)[] = [];
  private next = 0;
  private dead: string | null = null;

  constructor(private env: Record<string, string>) {
    this.proc = spawn(DVC_PY, [DRIVER], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    this.proc.stderr.on('data', (d) => (err += d));
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const w = this.waiting.shift();
      if (w) w(JSON.parse(line));
    });
    this.proc.on('exit', (code) => {
      this.dead = `dvc driver exited (${code}): ${err}`;
      for (const w of this.waiting.splice(0)) w({ code: 255, stdout: '', stderr: this.dead });
    });
  }

  run(cwd: string, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    // PARITY_DVC_CLI=1: spawn the `dvc` executable per command instead (to check that the
    // in-process driver observes exactly what the CLI does; slow)
    if (process.env.PARITY_DVC_CLI === '1') return proc(join(dirname(DVC_PY), 'dvc'), argv, cwd, this.env);
    if (this.dead) return Promise.resolve({ code: 255, stdout: '', stderr: this.dead });
    return new Promise((res) => {
      this.waiting.push(res);
      this.proc.stdin.write(JSON.stringify({ id: this.next++, cwd, argv }) + '\n');
    });
  }

  close(): void {
    this.proc.stdin.end();
  }
}

// ---------------------------------------------------------------------------------------------
// running

const GIT_ENV = { GIT_AUTHOR_NAME: 'P', GIT_AUTHOR_EMAIL: 'p@p', GIT_COMMITTER_NAME: 'P', GIT_COMMITTER_EMAIL: 'p@p', GIT_CONFIG_NOSYSTEM: '1', HOME: '' };

function tokens(tool: Tool, s: string): string {
  return tool === 'dvc'
    ? s.replaceAll('%P', '.dvc').replaceAll('%Y', 'dvc.yaml').replaceAll('%L', 'dvc.lock').replaceAll('%D', '.dvc')
    : s.replaceAll('%P', '.cairn').replaceAll('%Y', 'cairn.yaml').replaceAll('%L', 'cairn.lock').replaceAll('%D', '.cairn');
}

function proc(cmd: string, args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const p = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code, sig) => res({ code: code ?? (sig ? 128 : 1), stdout, stderr }));
  });
}

export interface Lane {
  dvc: DvcDriver | null;
  home: string;
  /** an initialised repo per tool (git init, tool init, one commit), copied for each scenario */
  template: Partial<Record<Tool, string>>;
}

/** Run one scenario with one tool in a fresh repo under base; returns the observations. */
export async function runScenario(sc: Scenario, tool: Tool, lane: Lane, base: string, keep?: string): Promise<RunResult & { repo: string }> {
  const t0 = Date.now();
  let toolMs = 0;
  const top = keep ?? mkdtempSync(join(base, `${tool}-`));
  const repo = join(top, 'repo');
  const env = { ...GIT_ENV, HOME: lane.home, CAIRN_NO_PROGRESS: '1', NO_COLOR: '1' };
  const log: string[] = [];
  const obs: Observation[] = [];
  const cli = async (argv: string[]) => {
    const t = Date.now();
    const r = tool === 'dvc' ? await lane.dvc!.run(repo, argv) : await proc(process.execPath, [CLI, ...argv], repo, env);
    toolMs += Date.now() - t;
    log.push(`$ ${tool} ${argv.join(' ')} -> ${r.code}\n${r.stdout}${r.stderr}`);
    return r;
  };
  const shell = async (cmd: string) => {
    const r = await proc('sh', ['-c', cmd], repo, env);
    log.push(`$ ${cmd} -> ${r.code}\n${r.stdout}${r.stderr}`);
    if (r.code !== 0) throw new Error(`${sc.name} (${tool}): '${cmd}' failed (${r.code}): ${r.stderr}\n${log.join('\n')}`);
  };
  if (lane.template[tool]) cpSync(lane.template[tool]!, repo, { recursive: true, verbatimSymlinks: true });
  else {
    mkdirSync(repo, { recursive: true });
    await shell('git init -q -b main');
    const init = await cli(['init', '-q']);
    if (init.code !== 0) throw new Error(`${sc.name} (${tool}): init failed: ${init.stderr}`);
    await shell('git add -A && git commit -qm init');
  }
  for (const [i, step] of sc.steps.entries()) {
    if (step.kind === 'write') {
      writeFiles(repo, tool, step.files);
      for (const p of step.exec ?? []) chmodSync(join(repo, tokens(tool, p)), 0o755);
    } else if (step.kind === 'sh') await shell(tokens(tool, step.cmd));
    else if (step.kind === 'probe') {
      const r = await proc('sh', ['-c', tokens(tool, step.cmd)], repo, env);
      obs.push({ at: i, step: step.cmd, out: r.stdout.trim() });
    } else if (step.kind === 'files') obs.push({ at: i, step: 'files', files: snapshot(repo) });
    else if (step.kind === 'objects') obs.push({ at: i, step: 'objects', objects: countObjects(repo, tool) });
    else {
      const argv = (step[tool] ?? step.argv).map((a) => tokens(tool, a));
      const r = await cli(argv);
      const o: Observation = { at: i, step: step.argv.join(' '), exit: r.code === 0 ? 'ok' : 'fail' };
      if (step.says) o.says = step.says.test(r.stdout + r.stderr);
      try {
        if (step.what === 'status') o.status = tool === 'dvc' ? dvcStatus(r.stdout) : cairnStatus(r.stdout);
        else if (step.what === 'repro') Object.assign(o, tool === 'dvc' ? dvcRepro(r.stdout + r.stderr) : cairnRepro(r.stdout));
        else if (step.what === 'rows') o.rows = tool === 'dvc' ? dvcRows(r.stdout) : cairnRows(r.stdout);
      } catch (e) {
        o.status = { unparsable: [String((e as Error).message).slice(0, 200)] };
      }
      obs.push(o);
    }
  }
  obs.push({ at: 'end', step: 'workspace at the end', files: snapshot(repo) });
  if (!keep) rmSync(top, { recursive: true, force: true });
  return { tool, obs, log, ms: Date.now() - t0, toolMs, repo };
}

function writeFiles(repo: string, tool: Tool, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(repo, tokens(tool, rel));
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, tokens(tool, content));
  }
}

/** What a user sees in the workspace: every path with a short content hash (+x when
 * executable; folders that are empty as `dir/`), minus each tool's own files. */
export function snapshot(repo: string): Record<string, string> {
  const out: Record<string, string> = {};
  const own = /^(\.git|\.dvc|\.cairn|\.dvcignore|\.cairnignore|dvc\.yaml|cairn\.yaml|dvc\.lock|cairn\.lock)$|\.(dvc|cairn)$/;
  const walk = (dir: string, rel: string) => {
    const names = readdirSync(dir).sort();
    let shown = 0;
    for (const n of names) {
      if (own.test(n)) continue;
      shown++;
      const p = join(dir, n);
      const r = rel ? `${rel}/${n}` : n;
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out[r] = `link:${readlinkSync(p)}`;
      else if (st.isDirectory()) walk(p, r);
      else {
        // a .gitignore a scenario wrote may name the tool's own pointer suffix (`*%P`): compare it with the suffix put back
        const bytes = n === '.gitignore' ? readFileSync(p, 'utf8').replace(/\.(dvc|cairn)$/gm, '%P') : readFileSync(p);
        out[r] = createHash('sha1').update(bytes).digest('hex').slice(0, 10) + (st.mode & 0o100 ? '+x' : '');
      }
    }
    if (shown === 0 && rel) out[`${rel}/`] = 'empty dir';
  };
  walk(repo, '');
  return out;
}

function countObjects(repo: string, tool: Tool): number {
  const root = tool === 'dvc' ? join(repo, '.dvc', 'cache', 'files') : join(repo, '.cairn', 'cache');
  let n = 0;
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (tool === 'cairn' && d === root && !['xxh64x2', 'md5', 'sha256'].includes(e.name)) continue; // runs/, quarantine/
        walk(join(d, e.name));
      } else n++;
    }
  };
  walk(root);
  return n;
}

// ---------------------------------------------------------------------------------------------
// normalisers: each tool's output into the common vocabulary

/** status per target: `data` → ['out data: modified'], `train` → ['dep a.txt: modified', 'cmd', ...] */
export function dvcStatus(stdout: string): Record<string, string[]> {
  const j = JSON.parse(stdout.trim() || '{}') as Record<string, unknown[]>;
  const res: Record<string, string[]> = {};
  for (const [target, entries] of Object.entries(j)) {
    const tags: string[] = [];
    for (const e of entries) {
      if (typeof e === 'string') tags.push(e === 'changed command' ? 'cmd' : e === 'always changed' ? 'always' : e);
      else
        for (const [k, v] of Object.entries(e as Record<string, Record<string, unknown>>)) {
          const kind = k === 'changed deps' ? 'dep' : k === 'changed outs' ? 'out' : k;
          for (const [path, change] of Object.entries(v)) {
            if (typeof change === 'string') tags.push(`${kind} ${path}: ${change}`);
            else for (const [key, c] of Object.entries(change as Record<string, string>)) tags.push(`param ${path}:${key}: ${c}`);
          }
        }
    }
    const name = target.endsWith('.dvc') ? target.slice(0, -4) : target.replace(/^dvc\.yaml:/, '');
    res[name] = tags.sort();
  }
  return res;
}

interface CairnStatusJson {
  targets: { path: string; pointerFile: string; state: string }[];
  pipeline?: {
    stages: {
      id: string;
      changed: boolean;
      new: boolean;
      cmd: boolean;
      alwaysChanged: boolean;
      deps: { path: string; change: string }[];
      params: { file: string; key: string; change: string }[];
      outs: { path: string; change: string }[];
    }[];
  };
}

// cairn says `added` for a dep the lock does not know yet where DVC says `modified`, and
// `missing` where DVC says `deleted`
const CAIRN_CHANGE: Record<string, string> = { added: 'modified', missing: 'deleted' };

export function cairnStatus(stdout: string): Record<string, string[]> {
  const j = JSON.parse(stdout) as CairnStatusJson;
  const res: Record<string, string[]> = {};
  for (const t of j.targets ?? []) {
    if (t.state === 'up-to-date') continue;
    const change = t.state === 'missing-from-cache' ? 'not in cache' : t.state;
    res[t.path] = [`out ${t.path}: ${change}`];
  }
  for (const s of j.pipeline?.stages ?? []) {
    if (!s.changed) continue;
    const tags: string[] = [];
    if (s.cmd) tags.push('cmd');
    if (s.alwaysChanged) tags.push('always');
    for (const d of s.deps) tags.push(`dep ${d.path}: ${CAIRN_CHANGE[d.change] ?? d.change}`);
    for (const p of s.params) tags.push(p.key ? `param ${p.file}:${p.key}: ${CAIRN_CHANGE[p.change] ?? p.change}` : `dep ${p.file}: ${CAIRN_CHANGE[p.change] ?? p.change}`);
    for (const o of s.outs) tags.push(`out ${o.path}: ${CAIRN_CHANGE[o.change] ?? o.change}`);
    res[s.id] = tags.sort();
  }
  return res;
}

export function dvcRepro(text: string): { ran: string[]; restored: string[] } {
  const ran = [...text.matchAll(/^Running stage '([^']+)'/gm)].map((m) => m[1]!.replace(/^dvc\.yaml:/, ''));
  const restored = [...text.matchAll(/^Stage '([^']+)' is cached - skipping run/gm)].map((m) => m[1]!.replace(/^dvc\.yaml:/, ''));
  return { ran: ran.sort(), restored: restored.sort() };
}

export function cairnRepro(stdout: string): { ran: string[]; restored: string[] } {
  const j = JSON.parse(stdout) as { stages?: { id: string; status: string }[] };
  const st = j.stages ?? [];
  return {
    ran: st.filter((s) => s.status === 'ran' || s.status === 'failed').map((s) => s.id).sort(),
    restored: st.filter((s) => s.status === 'restored').map((s) => s.id).sort(),
  };
}

// DVC's JSON gives a list param as its Python text ("[1, 2]"); cairn gives the list
const v = (x: unknown): string =>
  x === undefined || x === null ? '-' : Array.isArray(x) ? `[${x.map(v).join(', ')}]` : typeof x === 'string' && /^\[.*\]$/.test(x) ? x : JSON.stringify(x);

export function dvcRows(stdout: string): string[] {
  const j = JSON.parse(stdout.trim() || '{}') as Record<string, Record<string, { old?: unknown; new?: unknown }>>;
  const rows: string[] = [];
  for (const [path, keys] of Object.entries(j)) for (const [key, d] of Object.entries(keys)) rows.push(`${path} ${key}: ${v(d.old)} -> ${v(d.new)}`);
  return rows.sort();
}

export function cairnRows(stdout: string): string[] {
  const j = JSON.parse(stdout) as { rows?: { path: string; key: string; old?: unknown; new?: unknown }[] };
  return (j.rows ?? []).map((r) => `${r.path} ${r.key}: ${v(r.old)} -> ${v(r.new)}`).sort();
}

/** Run every scenario with both tools: DVC in `dvcLanes` long-lived driver processes, cairn
 * `cairnLanes` scenarios at a time (cairn's per-command start-up is the longer path). */
export async function runAll(scenarios: Scenario[], dvcLanes: number, cairnLanes: number): Promise<Map<string, { dvc: RunResult; cairn: RunResult }>> {
  const base = mkdtempSync(join(tmpdir(), 'cairn-parity-'));
  const got = { dvc: new Map<string, RunResult>(), cairn: new Map<string, RunResult>() };
  // the longest scenarios first, so no lane is left with a long one at the end
  const longestFirst = [...scenarios].sort((a, b) => b.steps.length - a.steps.length);
  const queues = { dvc: [...longestFirst], cairn: [...longestFirst] };
  const work = async (tool: Tool, k: number) => {
    const home = join(base, `home-${tool}-${k}`);
    mkdirSync(home);
    const lane: Lane = { home, template: {}, dvc: tool === 'dvc' ? new DvcDriver({ ...GIT_ENV, HOME: home, DVC_SITE_CACHE_DIR: join(home, 'site-cache'), DVC_NO_ANALYTICS: '1' }) : null };
    try {
      // one initialised repo, copied for every scenario (saves an init and two git commands each)
      lane.template[tool] = (await runScenario({ name: 'template', area: '', steps: [] }, tool, lane, base, join(home, 'template'))).repo;
      for (let sc = queues[tool].shift(); sc; sc = queues[tool].shift()) got[tool].set(sc.name, await runScenario(sc, tool, lane, base));
    } finally {
      lane.dvc?.close();
    }
  };
  try {
    await Promise.all([
      ...Array.from({ length: dvcLanes }, (_, k) => work('dvc', k)),
      ...Array.from({ length: cairnLanes }, (_, k) => work('cairn', k)),
    ]);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  return new Map(scenarios.map((s) => [s.name, { dvc: got.dvc.get(s.name)!, cairn: got.cairn.get(s.name)! }]));
}

export function stable(x: unknown): string {
  return JSON.stringify(x, (_k, val) => (val && typeof val === 'object' && !Array.isArray(val) ? Object.fromEntries(Object.entries(val).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0))) : val));
}

/** Fields where the two observation lists differ, as `at:field` keys. */
export function differences(d: Observation[], c: Observation[]): { key: string; dvc: unknown; cairn: unknown }[] {
  const out: { key: string; dvc: unknown; cairn: unknown }[] = [];
  const fields: Field[] = ['exit', 'status', 'ran', 'restored', 'rows', 'files', 'objects', 'out', 'says'];
  for (let i = 0; i < Math.max(d.length, c.length); i++) {
    const a = d[i];
    const b = c[i];
    for (const f of fields) {
      const x = a?.[f];
      const y = b?.[f];
      if (stable(x) !== stable(y)) out.push({ key: `${a?.at ?? b?.at}:${f}`, dvc: x, cairn: y });
    }
  }
  return out;
}
