// cairn stage add: write a stage entry into cairn.yaml through the yaml document API, so the
// file's comments and formatting stay as they were.
import { join } from 'node:path';
import { CairnError } from '../core/errors.js';
import { repoRelative } from '../core/paths.js';
import { writeFileAtomic } from '../io/atomic.js';
import { buildGraph } from '../pipeline/graph.js';
import { loadPipelines, parsePipeline, PIPELINE_FILE } from '../pipeline/load.js';
import { workspaceReader } from '../pipeline/stage-state.js';
import { Repo } from '../repo/repo.js';
import { listTracked } from '../repo/tracked.js';
import type { Document, Node, YAMLMap, isMap, parseDocument, stringify } from 'yaml';
import { yaml } from '../io/yaml.js';

export interface StageAddOptions {
  cwd: string;
  name: string;
  cmd: string;
  deps?: string[];
  outs?: string[];
  /** outs with cache: false (-O) */
  outsNoCache?: string[];
  /** params: `key`, `a,b`, or `file.yaml:a,b` (`file.yaml:` for the whole file) */
  params?: string[];
  /** metrics with cache: false (-M) */
  metrics?: string[];
  plots?: string[];
  wdir?: string;
  desc?: string;
  /** replace an existing stage of that name */
  force?: boolean;
}

export interface StageAddResult {
  file: string;
  name: string;
  replaced: boolean;
  /** the stage as written (plain data) */
  stage: Record<string, unknown>;
}

function paramsEntries(list: string[]): unknown[] {
  const out: unknown[] = [];
  for (const p of list) {
    const m = /^([^:]+\.(?:ya?ml|json|toml)):(.*)$/.exec(p);
    if (m) {
      const keys = m[2]!.split(',').map((k) => k.trim()).filter(Boolean);
      out.push({ [m[1]!]: keys.length ? keys : null });
    } else for (const k of p.split(',').map((s) => s.trim()).filter(Boolean)) out.push(k);
  }
  return out;
}

/**
 * Put the stage into the text. With a block `stages:` map the new entry's lines are spliced
 * in after the last stage (or over the replaced one), so every other byte stays as it was;
 * otherwise the document API writes it (comments kept, flow collections respaced).
 */
function spliceStage(text: string, doc: Document, smap: YAMLMap, name: string, stage: Record<string, unknown>, replaced: boolean): string {
  const items = smap.items;
  const range = (n: unknown) => (n as Node | null)?.range;
  if (text && !smap.flow && items.length && range(items[0]!.key)) {
    const first = range(items[0]!.key)![0];
    const indent = first - (text.lastIndexOf('\n', first - 1) + 1);
    const body = yaml().stringify({ [name]: stage }, { lineWidth: 0 })
      .trimEnd()
      .split('\n')
      .map((l) => ' '.repeat(indent) + l)
      .join('\n');
    if (replaced) {
      const pair = items.find((p) => String((p.key as { value?: unknown }).value) === name)!;
      const start = text.lastIndexOf('\n', range(pair.key)![0] - 1) + 1;
      const end = range(pair.value)?.[1] ?? range(pair.key)![1];
      const rest = text.slice(end);
      return text.slice(0, start) + body + (text[end - 1] === '\n' ? '\n' + rest : rest.startsWith('\n') ? rest : '\n' + rest);
    }
    const last = items[items.length - 1]!;
    const end = range(last.value)?.[1] ?? range(last.key)![1];
    const lineEnd = text.indexOf('\n', end - 1 < 0 ? 0 : end - 1);
    const at = text[end - 1] === '\n' ? end : lineEnd < 0 ? text.length : lineEnd + 1;
    const head = text.slice(0, at);
    return (head.endsWith('\n') ? head : head + '\n') + body + '\n' + text.slice(at);
  }
  smap.set(name, doc.createNode(stage));
  return doc.toString({ lineWidth: 0 });
}

export async function stageAdd(opts: StageAddOptions): Promise<StageAddResult> {
  const repo = await Repo.open(opts.cwd);
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(opts.name)) {
    throw new CairnError('CAIRN_USAGE', `invalid stage name '${opts.name}' (letters, digits, '_', '-', '.')`);
  }
  if (!opts.cmd.trim()) throw new CairnError('CAIRN_USAGE', 'the stage needs a command', { hint: 'cairn stage add -n train -d data -o model node train.mjs' });
  return repo.withLock('stage add', async () => {
    const fileAbs = join(opts.cwd, PIPELINE_FILE);
    const fileRel = repoRelative(repo.root, fileAbs)!;
    // validates the existing file first (errors name its line); never through a symlink
    const readFile = workspaceReader(repo.root);
    const text = readFile(fileRel) ?? '';
    parsePipeline({ text, file: fileRel, readFile });
    const doc: Document = yaml().parseDocument(text); // a new file gets block style, not flow
    if (!yaml().isMap(doc.contents)) doc.contents = new (yaml().YAMLMap)() as typeof doc.contents;
    let stages = doc.get('stages', true);
    if (!yaml().isMap(stages)) {
      stages = new (yaml().YAMLMap)();
      doc.set('stages', stages);
    }
    const smap = stages as YAMLMap;
    const replaced = smap.has(opts.name);
    if (replaced && !opts.force) {
      throw new CairnError('CAIRN_USAGE', `stage '${opts.name}' already exists in ${fileRel}`, { hint: `add --force to replace it, or pick another name` });
    }
    const stage: Record<string, unknown> = { cmd: opts.cmd };
    if (opts.wdir && opts.wdir !== '.') stage.wdir = opts.wdir;
    if (opts.desc) stage.desc = opts.desc;
    if (opts.deps?.length) stage.deps = opts.deps;
    if (opts.params?.length) stage.params = paramsEntries(opts.params);
    const outs = [...(opts.outs ?? []), ...(opts.outsNoCache ?? []).map((o) => ({ [o]: { cache: false } }))];
    if (outs.length) stage.outs = outs;
    if (opts.metrics?.length) stage.metrics = opts.metrics.map((m) => ({ [m]: { cache: false } }));
    if (opts.plots?.length) stage.plots = opts.plots;
    const newText = spliceStage(text, doc, smap, opts.name, stage, replaced);
    // the result must parse and form a valid graph before it replaces the file
    const pipelines = loadPipelines(repo.root).filter((p) => p.file !== fileRel);
    pipelines.push(parsePipeline({ text: newText, file: fileRel, readFile }));
    buildGraph(pipelines, { tracked: listTracked(repo).map((t) => ({ path: t.path, pointerFile: t.pointerFile })) });
    repo.guard.check(fileRel, { action: 'write' });
    writeFileAtomic(fileAbs, newText);
    return { file: fileRel, name: opts.name, replaced, stage };
  });
}

