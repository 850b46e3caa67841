// cairn.yaml: parse, template (${...} from params.yaml and vars; pipeline/template.ts), expand
// foreach/matrix (pipeline/expand.ts), validate, resolve paths to repo-relative POSIX. Errors
// name file, line and key. Finding the cairn.yaml files is pipeline/discover.ts.
import type { Document, Node, YAMLMap } from 'yaml';
import { yaml } from '../io/yaml.js';
import { posix } from 'node:path';
import { CairnError } from '../core/errors.js';
import { externalUrlProblem, isExternalDep } from '../remote/external-url.js';
import { joinRepoPath, repoPathProblem } from '../core/paths.js';
import { parseOwnJson, parseOwnYaml, PARAMS_KIND, PIPELINE_KIND, type OwnFileKind } from '../io/own-file.js';
import { findPipelineFiles, ownFileReader } from './discover.js';
import { expandStage } from './expand.js';
import { cloneVarsState, loadVarsList, mergeVarsFile, newVarsState, type VarsEntryIO, type VarsState } from './vars.js';
export { findPipelineFiles, ownFileReader } from './discover.js';

export { PIPELINE_FILE } from './discover.js';
export const DEFAULT_PARAMS_FILE = 'params.yaml';

import type { PlotProps } from '../core/plot-props.js';
import type { DeclaredFile, Pipeline, Stage, StageOut, StageParam } from './model.js';
export type { DeclaredFile, PlotProps, Pipeline, Stage, StageOut, StageParam } from './model.js';

const TOP_KEYS = ['stages', 'vars', 'params', 'metrics', 'plots', 'serve'];
const STAGE_KEYS = ['cmd', 'vars', 'wdir', 'deps', 'params', 'outs', 'metrics', 'plots', 'frozen', 'always_changed', 'desc', 'meta'];
const OUT_KEYS = ['cache', 'persist', 'desc', 'x', 'y', 'title', 'template', 'x_label', 'y_label', 'remote', 'push'];
const TEMPLATES = ['linear', 'scatter', 'confusion', 'bar'];

import { lookup, resolveNode, Src, type Ctx } from './template.js';
export { lookup } from './template.js';

function parseText(text: string, file: string, kind: OwnFileKind): { doc: Document; src: Src } {
  const y = parseOwnYaml(text, file, kind);
  return { doc: y.doc, src: new Src(file, y.lc, y.doc) };
}

function parseData(text: string, file: string): unknown {
  if (file.endsWith('.json')) return parseOwnJson(text, file, PARAMS_KIND);
  return parseOwnYaml(text, file, PARAMS_KIND).value;
}

/** Parse a params file (YAML or JSON) read through `readFile`; undefined when absent. */
export function readParamsFile(readFile: (repoRel: string) => string | undefined, repoRel: string): Record<string, unknown> | undefined {
  const text = readFile(repoRel);
  if (text === undefined) return undefined;
  const data = parseData(text, repoRel);
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new CairnError('CAIRN_BAD_PARAMS', `${repoRel}: a params file must be a mapping`, { data: { file: repoRel } });
  }
  return data as Record<string, unknown>;
}

/**
 * Join a path from a pipeline file to a repo-relative POSIX path. The result obeys the
 * containment rule (core/paths.ts repoPathProblem, docs/security.md): inside the repo,
 * not the root itself (unless `allowRoot`: a wdir), nothing in .git/ or .cairn/.
 */
function resolvePath(base: string, p: string, src: Src, node: Node | null | undefined, key: string, allowRoot = false): string {
  if (typeof p !== 'string' || p === '') throw src.fail(node, key, 'expected a non-empty path');
  if (p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p)) throw src.fail(node, key, `'${p}' is absolute; paths are relative to the cairn.yaml folder`);
  const r = joinRepoPath(base, p.replace(/\\/g, '/'));
  if (r === undefined) throw src.fail(node, key, `'${p}' points outside the repository`);
  const why = repoPathProblem(r, { allowRoot });
  if (why) throw src.fail(node, key, `'${p}' ${r === p ? '' : `(${r}) `}${why}`);
  return r;
}

/** The node under `key`, an alias resolved to its anchor (bounded: parseOwnYaml expanded the document once under the alias limit). */
function mapGet(m: YAMLMap, key: string, src?: Src): Node | undefined {
  const n = m.get(key, true) as Node | undefined;
  return n && yaml().isAlias(n) && src?.doc ? ((n.resolve(src.doc) as Node | undefined) ?? n) : n;
}

function loadVars(root: YAMLMap, dir: string, src: Src, readFile: (r: string) => string | undefined): VarsState {
  const state = newVarsState();
  const defaultFile = dir === '.' ? DEFAULT_PARAMS_FILE : `${dir}/${DEFAULT_PARAMS_FILE}`;
  const defaults = readParamsFile(readFile, defaultFile);
  if (defaults) mergeVarsFile(state, defaultFile, null, defaults, defaultFile);
  loadVarsList(state, mapGet(root, 'vars', src), varsIO(src, dir, 'vars', '', readFile));
  return state;
}

function varsIO(src: Src, base: string, key: string, label: string, readFile: (r: string) => string | undefined, reserved?: readonly string[]): VarsEntryIO {
  return {
    src,
    base,
    key,
    label,
    reserved,
    resolveFile: (name, node, k) => resolvePath(base, name, src, node, k),
    readData: (rel) => readParamsFile(readFile, rel),
  };
}

function asBool(v: unknown, src: Src, node: Node | undefined, key: string): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v !== 'boolean') throw src.fail(node, key, `expected true or false, got ${JSON.stringify(v)}`);
  return v;
}

/** A plot's display options (x, y, title, template, labels), undefined when none are set. */
function plotProps(opts: Record<string, unknown>, src: Src, node: Node | undefined, key: string): PlotProps | undefined {
  const pp: PlotProps = {};
  if (typeof opts.x === 'string') pp.x = opts.x;
  if (typeof opts.y === 'string' || Array.isArray(opts.y)) pp.y = opts.y as string | string[];
  if (typeof opts.title === 'string') pp.title = opts.title;
  if (opts.template !== undefined) {
    if (!TEMPLATES.includes(String(opts.template))) throw src.fail(node, `${key}.template`, `unknown template '${String(opts.template)}' (one of ${TEMPLATES.join(', ')})`);
    pp.template = opts.template as PlotProps['template'];
  }
  if (typeof opts.x_label === 'string') pp.x_label = opts.x_label;
  if (typeof opts.y_label === 'string') pp.y_label = opts.y_label;
  return Object.keys(pp).length ? pp : undefined;
}

const TOP_PLOT_KEYS = ['x', 'y', 'title', 'template', 'x_label', 'y_label'];

/**
 * Top-level `metrics:` and `plots:` (DVC 3): files that are metrics or plots without being a
 * stage's out, paths relative to the pipeline file's folder. A plot is a path or
 * `{path: {x, y, template, ...}}`.
 */
function topLevelFiles(root: YAMLMap, ctx: Ctx, src: Src, dir: string): Pick<Pipeline, 'metrics' | 'plots'> {
  const out: Pick<Pipeline, 'metrics' | 'plots'> = {};
  for (const k of ['metrics', 'plots'] as const) {
    const n = mapGet(root, k, src);
    if (!n || (yaml().isScalar(n) && n.value === null)) continue;
    if (!yaml().isSeq(n)) throw src.fail(n, k, 'must be a list of files');
    const files: DeclaredFile[] = [];
    n.items.forEach((it, i) => {
      const key = `${k}[${i}]`;
      const v = resolveNode(it as Node, ctx, src, key);
      if (typeof v === 'string') files.push({ path: resolvePath(dir, v, src, it as Node, key) });
      else if (k === 'plots' && v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1) {
        const [p, o] = Object.entries(v)[0]!;
        if (o !== null && (typeof o !== 'object' || Array.isArray(o))) throw src.fail(it as Node, `${key}.${p}`, `options must be a mapping (${TOP_PLOT_KEYS.join(', ')})`);
        const opts = (o ?? {}) as Record<string, unknown>;
        for (const ok of Object.keys(opts)) if (!TOP_PLOT_KEYS.includes(ok)) throw src.fail(it as Node, `${key}.${p}.${ok}`, `unknown key '${ok}' (allowed: ${TOP_PLOT_KEYS.join(', ')})`);
        const plot = plotProps(opts, src, it as Node, `${key}.${p}`);
        files.push({ path: resolvePath(dir, p, src, it as Node, key), ...(plot ? { plot } : {}) });
      } else throw src.fail(it as Node, key, k === 'plots' ? 'must be a path or {path: {x, y, template}}' : 'must be a path');
    });
    if (files.length) out[k] = files;
  }
  return out;
}

function buildStage(name: string, body: YAMLMap, base: VarsState, src: Src, file: string, dir: string, readFile: (r: string) => string | undefined, reserved: readonly string[]): Stage {
  for (const p of body.items) {
    const k = String((p.key as { value: unknown }).value);
    if (!STAGE_KEYS.includes(k)) throw src.fail(p.key as Node, `stages.${name}.${k}`, `unknown key '${k}' (allowed: ${STAGE_KEYS.join(', ')})`);
  }
  const at = (k: string) => mapGet(body, k, src);
  // wdir is resolved before the stage's own vars (as DVC does), which are read relative to it
  const wdirV = resolveNode(at('wdir'), base.ctx, src, `stages.${name}.wdir`);
  if (wdirV !== null && typeof wdirV !== 'string') throw src.fail(at('wdir'), `stages.${name}.wdir`, 'must be a path');
  const wdir = resolvePath(dir, (wdirV as string | null) ?? '.', src, at('wdir'), `stages.${name}.wdir`, true);
  let ctx: Ctx = base.ctx;
  const stageVars = at('vars');
  if (stageVars && !(yaml().isScalar(stageVars) && stageVars.value === null)) {
    const own = cloneVarsState(base);
    loadVarsList(own, stageVars, varsIO(src, wdir, `stages.${name}.vars`, `${name}.`, readFile, reserved));
    ctx = own.ctx;
  }
  const val = (k: string) => resolveNode(at(k), ctx, src, `stages.${name}.${k}`);
  const cmdV = val('cmd');
  let cmd: string[];
  if (typeof cmdV === 'string' && cmdV.trim() !== '') cmd = [cmdV];
  else if (Array.isArray(cmdV) && cmdV.length > 0 && cmdV.every((c) => typeof c === 'string' || typeof c === 'number')) cmd = cmdV.map(String);
  else if (cmdV === null || cmdV === undefined) throw src.fail(at('cmd') ?? body, `stages.${name}.cmd`, 'missing: every stage needs a command');
  else throw src.fail(at('cmd'), `stages.${name}.cmd`, 'must be a string or a list of strings');
  const list = (k: string): { v: unknown; node: Node | undefined }[] => {
    const n = at(k);
    if (!n || (yaml().isScalar(n) && n.value === null)) return [];
    if (!yaml().isSeq(n)) throw src.fail(n, `stages.${name}.${k}`, 'must be a list');
    return n.items.map((it, i) => ({ v: resolveNode(it as Node, ctx, src, `stages.${name}.${k}[${i}]`), node: it as Node }));
  };
  const external: string[] = [];
  const deps = list('deps').flatMap(({ v, node }, i) => {
    if (typeof v !== 'string') throw src.fail(node, `stages.${name}.deps[${i}]`, 'must be a path');
    if (isExternalDep(v)) {
      const why = externalUrlProblem(v);
      if (why) throw src.fail(node, `stages.${name}.deps[${i}]`, why);
      if (!external.includes(v)) external.push(v);
      return [];
    }
    return [resolvePath(wdir, v, src, node, `stages.${name}.deps[${i}]`)];
  });
  const params: StageParam[] = [];
  const addParam = (fileRel: string, keys: string[] | null) => {
    const have = params.find((p) => p.file === fileRel);
    if (!have) params.push({ file: fileRel, keys: keys === null ? null : [...keys] });
    else if (have.keys !== null) have.keys = keys === null ? null : [...new Set([...have.keys, ...keys])];
  };
  const defaultParams = wdir === '.' ? DEFAULT_PARAMS_FILE : `${wdir}/${DEFAULT_PARAMS_FILE}`;
  list('params').forEach(({ v, node }, i) => {
    const key = `stages.${name}.params[${i}]`;
    if (typeof v === 'string') addParam(defaultParams, [v]);
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [f, ks] of Object.entries(v)) {
        const rel = resolvePath(wdir, f, src, node, key);
        if (ks === null || (Array.isArray(ks) && ks.length === 0)) addParam(rel, null);
        else if (Array.isArray(ks) && ks.every((k) => typeof k === 'string')) addParam(rel, ks as string[]);
        else throw src.fail(node, `${key}.${f}`, 'must be a list of keys (or empty to track the whole file)');
      }
    } else throw src.fail(node, key, 'must be a key of params.yaml or {file: [keys]}');
  });
  for (const p of params) if (p.keys) p.keys.sort();
  const outs: StageOut[] = [];
  const outList = (k: 'outs' | 'metrics' | 'plots', kind: StageOut['kind']) => {
    list(k).forEach(({ v, node }, i) => {
      const key = `stages.${name}.${k}[${i}]`;
      let path: string;
      let opts: Record<string, unknown> = {};
      if (typeof v === 'string') path = v;
      else if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1) {
        const [p, o] = Object.entries(v)[0]!;
        path = p;
        if (o !== null && (typeof o !== 'object' || Array.isArray(o))) throw src.fail(node, `${key}.${p}`, 'options must be a mapping (cache, persist, desc)');
        opts = (o ?? {}) as Record<string, unknown>;
        for (const ok of Object.keys(opts)) if (!OUT_KEYS.includes(ok)) throw src.fail(node, `${key}.${p}.${ok}`, `unknown key '${ok}' (allowed: ${OUT_KEYS.join(', ')})`);
      } else throw src.fail(node, key, 'must be a path or {path: {cache, persist, desc}}');
      const o: StageOut = {
        path: resolvePath(wdir, path, src, node, key),
        kind,
        cache: opts.cache === undefined ? true : asBool(opts.cache, src, node, `${key}.cache`),
        persist: asBool(opts.persist, src, node, `${key}.persist`),
      };
      if (opts.desc !== undefined) o.desc = String(opts.desc);
      if (kind === 'plot') {
        const pp = plotProps(opts, src, node, key);
        if (pp) o.plot = pp;
      }
      outs.push(o);
    });
  };
  outList('outs', 'out');
  outList('metrics', 'metric');
  outList('plots', 'plot');
  const seen = new Set<string>();
  for (const o of outs) {
    if (seen.has(o.path)) throw src.fail(body, `stages.${name}`, `out '${o.path}' is listed twice`);
    seen.add(o.path);
    // repro deletes an out before running its stage: an out holding the pipeline file
    // itself (its folder or a parent) would take cairn.yaml and cairn.lock with it
    if (dir === o.path || dir.startsWith(o.path + '/')) {
      throw src.fail(body, `stages.${name}`, `out '${o.path}' contains this pipeline file (${file}); repro deletes an out before running its stage`);
    }
  }
  const desc = val('desc');
  const st: Stage = {
    name,
    file,
    dir,
    wdir,
    cmd,
    deps,
    params,
    outs,
    ...(external.length ? { external } : {}),
    frozen: asBool(val('frozen'), src, at('frozen'), `stages.${name}.frozen`),
    alwaysChanged: asBool(val('always_changed'), src, at('always_changed'), `stages.${name}.always_changed`),
  };
  if (desc !== null && desc !== undefined) st.desc = String(desc);
  return st;
}

/** Parse one cairn.yaml. readFile reads other files (vars files, params files) by repo-relative path, at whatever revision the caller reads; returns undefined when absent. */
export function parsePipeline(args: { text: string; file: string; readFile: (repoRel: string) => string | undefined }): Pipeline {
  const { text, file, readFile } = args;
  const dir = posix.dirname(file) === '' ? '.' : posix.dirname(file);
  const { doc, src } = parseText(text, file, PIPELINE_KIND);
  const root = doc.contents as Node | null;
  if (root === null || (yaml().isScalar(root) && (root.value === null || root.value === ''))) return { file, dir, stages: [] };
  if (!yaml().isMap(root)) throw src.fail(root, '', 'expected a mapping with a `stages:` key');
  for (const p of root.items) {
    const k = String((p.key as { value: unknown }).value);
    if (!TOP_KEYS.includes(k)) throw src.fail(p.key as Node, k, `unknown top-level key '${k}' (allowed: ${TOP_KEYS.join(', ')})`);
  }
  const vars = loadVars(root, dir, src, readFile);
  const declared = topLevelFiles(root, vars.ctx, src, dir);
  const stagesNode = mapGet(root, 'stages', src);
  const stages: Stage[] = [];
  if (!stagesNode || (yaml().isScalar(stagesNode) && stagesNode.value === null)) return { file, dir, stages, ...declared };
  if (!yaml().isMap(stagesNode)) throw src.fail(stagesNode, 'stages', 'must be a mapping of stage name -> stage');
  const names = new Set<string>();
  for (const p of stagesNode.items) {
    const name = String((p.key as { value: unknown }).value);
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) throw src.fail(p.key as Node, `stages.${name}`, `invalid stage name '${name}' (letters, digits, '_', '-', '.')`);
    for (const e of expandStage(name, p.value as Node, vars.ctx, src)) {
      if (names.has(e.name)) throw src.fail(p.key as Node, `stages.${name}`, `stage '${e.name}' is defined twice`);
      names.add(e.name);
      const base = e.reserved.length ? { ...vars, ctx: e.ctx } : vars;
      stages.push(buildStage(e.name, e.body as YAMLMap, base, src, file, dir, readFile, e.reserved));
    }
  }
  return { file, dir, stages, ...declared };
}

/** Every cairn.yaml under the workspace root (pipeline/discover.ts finds them), parsed. */
export function loadPipelines(root: string): Pipeline[] {
  const readFile = ownFileReader(root);
  return findPipelineFiles(root).flatMap((f) => {
    const text = readFile(f);
    return text === undefined ? [] : [parsePipeline({ text, file: f, readFile })];
  });
}
