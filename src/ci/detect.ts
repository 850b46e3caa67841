// What a CI workflow needs to know about a repository's pipeline, found in its cairn.yaml
// files: which stages validate data and which gate the model (their cmd runs `cairn
// validate` / `cairn gate`), where their reports go, which model to register, and what kind
// of remote holds the data. Pure: stages and settings in, a plan out.
import type { Stage } from '../pipeline/model.js';

export interface CheckStage {
  stage: string;
  /** the stage's command (one line) */
  cmd: string;
  /** the JUnit file its cmd writes (--junit), or the one the workflow asks for */
  junit: string;
  /** whether the stage's own cmd already writes `junit` */
  writesJunit: boolean;
  /** the JSON report (--out) */
  report: string | null;
}

export interface GateStage extends CheckStage {
  config: string;
}

export type RemoteKind = 's3' | 'folder' | 'none';

export interface CiPlan {
  /** the default branch the workflow runs releases from and compares pull requests with */
  branch: string;
  /** Node major version for the runner */
  node: string;
  cron: string;
  remote: { name: string | null; kind: RemoteKind; url: string | null; endpoint: string | null; region?: string | null };
  validate: CheckStage[];
  gate: GateStage | null;
  /** what `model register` records: null when no gate stage or no model output was found */
  model: { name: string; path: string } | null;
  /** the package.json has cairn-ml (so `npm ci` installs the cairn the workflow runs) */
  hasPackage: boolean;
  warnings: string[];
}

export interface PlanCiInput {
  stages: Stage[];
  remote: { name: string | null; url: string | null; endpoint: string | null; region?: string | null };
  /** `model:` of the gate config, when a gate stage exists and its config was readable */
  gateModel?: (config: string) => string | undefined;
  /** model names the registry already knows, with the path their latest version records */
  registered?: { name: string; path: string }[];
  /** overrides */
  model?: string;
  modelPath?: string;
  branch?: string;
  cron?: string;
  node?: string;
  hasPackage: boolean;
  /** fallback model name (the repository folder) */
  repoName: string;
}

/** Split a shell command into words (quotes honoured; enough for finding flags). */
export function shellWords(cmd: string): string[] {
  const out: string[] = [];
  const re = /"((?:\\.|[^"\\])*)"|'([^']*)'|(\S+)/g;
  for (const m of cmd.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

function flag(words: string[], ...names: string[]): string | null {
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    for (const n of names) {
      if (w === n && i + 1 < words.length) return words[i + 1]!;
      if (w.startsWith(`${n}=`)) return w.slice(n.length + 1);
    }
  }
  return null;
}

/** The cairn subcommand a command line runs (`cairn gate ...`, `npx cairn validate ...`), if any. */
export function cairnSubcommand(cmd: string): { sub: string; words: string[] } | null {
  const words = shellWords(cmd);
  const i = words.findIndex((w) => w === 'cairn' || w.endsWith('/cairn') || w.endsWith('/cairn.js'));
  if (i < 0 || i + 1 >= words.length) return null;
  return { sub: words[i + 1]!, words: words.slice(i + 2) };
}

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');

export const JUNIT_DIR = 'reports/junit';

export function planCi(input: PlanCiInput): CiPlan {
  const warnings: string[] = [];
  const validate: CheckStage[] = [];
  let gate: GateStage | null = null;
  for (const s of input.stages) {
    for (const line of s.cmd) {
      const c = cairnSubcommand(line);
      if (!c) continue;
      const own = flag(c.words, '--junit');
      const junit = own ? joinDir(s.wdir, own) : `${JUNIT_DIR}/${safeName(s.name)}.xml`;
      const report = flag(c.words, '--out', '-o');
      const base = { stage: s.name, cmd: line, junit, writesJunit: !!own, report: report ? joinDir(s.wdir, report) : null };
      if (c.sub === 'validate') validate.push(base);
      else if (c.sub === 'gate') {
        if (gate) warnings.push(`more than one gate stage: '${gate.stage}' is the one the release job reads, '${s.name}' is not`);
        else gate = { ...base, config: joinDir(s.wdir, flag(c.words, '--config') ?? 'gate.yaml') };
      }
    }
  }
  if (gate && !gate.report) warnings.push(`the gate stage '${gate.stage}' writes no report (--out FILE): the release job cannot check its verdict, so it is left out`);
  let model: CiPlan['model'] = null;
  if (gate?.report) {
    const name = input.model ?? input.gateModel?.(gate.config) ?? input.registered?.[0]?.name ?? input.repoName;
    const path = input.modelPath ?? input.registered?.find((r) => r.name === name)?.path ?? guessModelPath(input.stages);
    if (path) model = { name: modelName(name), path };
    else warnings.push('no model file found (an output under models/ or named model*): pass --model-path PATH to add the register and promote job');
  }
  if (!gate) warnings.push('no gate stage (a stage whose cmd runs `cairn gate`): the workflow has no release job');
  const url = input.remote.url;
  const kind: RemoteKind = !url ? 'none' : /^s3:\/\//i.test(url) ? 's3' : 'folder';
  if (kind === 'none') warnings.push('no default remote: `cairn pull`/`push` have nowhere to go (add one with `cairn remote add -d NAME s3://bucket/prefix`)');
  if (kind === 'folder') warnings.push(`the default remote '${input.remote.name}' is a folder (${url}): a CI runner will not see it; use an S3 remote for CI`);
  if (!input.hasPackage) warnings.push('package.json does not list cairn-ml: `npm ci` will not install cairn (run `npm install -D cairn-ml` and commit package.json and package-lock.json)');
  return {
    branch: input.branch ?? 'main',
    node: input.node ?? '20',
    cron: input.cron ?? '17 4 * * 1',
    remote: { name: input.remote.name, kind, url, endpoint: input.remote.endpoint, region: input.remote.region ?? null },
    validate,
    gate,
    model,
    hasPackage: input.hasPackage,
    warnings,
  };
}

function joinDir(wdir: string, p: string): string {
  return wdir === '.' || wdir === '' || p.startsWith('/') ? p : `${wdir}/${p}`;
}

/** A registry name is lowercase letters, digits and '-'. */
function modelName(s: string): string {
  const n = s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return n || 'model';
}

export function guessModelPath(stages: Stage[]): string | undefined {
  const outs = stages.flatMap((s) => s.outs.filter((o) => o.kind === 'out').map((o) => o.path));
  return outs.find((p) => /(^|\/)models?\//.test(p)) ?? outs.find((p) => /(^|\/)model[^/]*$/.test(p));
}
