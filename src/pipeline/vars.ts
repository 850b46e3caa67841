// The templating context of a cairn.yaml, built as DVC builds it (dvc/parsing/context.py):
// params.yaml of the pipeline folder first, then each `vars:` entry in order, then (per stage)
// the stage's own `vars:`. Entries merge: mappings merge key by key, and a key that already
// holds a value is an error naming both sources ("cannot redefine"), never a silent override.
import type { Node } from 'yaml';
import { yaml } from '../io/yaml.js';
import { resolveNode, type Ctx, type Src } from './template.js';

/** What has been merged so far: leaf sources (for the conflict message) and the files read. */
export interface VarsState {
  ctx: Ctx;
  /** dotted key path → the source that set it ('params.yaml', 'vars[1]', 'train.vars[0]') */
  sources: Map<string, string>;
  /** repo-relative file → keys imported from it (null: the whole file) */
  imports: Map<string, string[] | null>;
}

export function newVarsState(): VarsState {
  return { ctx: {}, sources: new Map(), imports: new Map() };
}

/** A copy a stage's own vars can add to without touching the pipeline's. */
export function cloneVarsState(s: VarsState): VarsState {
  return { ctx: structuredClone(s.ctx), sources: new Map(s.sources), imports: new Map([...s.imports].map(([k, v]) => [k, v && [...v]])) };
}

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function sourceOf(s: VarsState, path: string): string {
  for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const src = s.sources.get(p);
    if (src) return src;
  }
  return 'an earlier entry';
}

/**
 * Merge `update` into the context as DVC's `_merge(into, update, overwrite=False)`: nested
 * mappings merge, anything else that is already defined is a conflict. Returns the conflict
 * message, or undefined.
 */
export function mergeVars(s: VarsState, update: Record<string, unknown>, source: string, reserved: readonly string[] = []): string | undefined {
  const hit = Object.keys(update).filter((k) => reserved.includes(k));
  if (hit.length) return `attempted to modify reserved key${hit.length > 1 ? 's' : ''} ${hit.map((k) => `'${k}'`).join(', ')} (set by foreach/matrix)`;
  const walk = (into: Record<string, unknown>, up: Record<string, unknown>, prefix: string): string | undefined => {
    for (const [k, v] of Object.entries(up)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (isMapping(into[k]) && isMapping(v)) {
        const e = walk(into[k] as Record<string, unknown>, v, path);
        if (e) return e;
        continue;
      }
      if (Object.prototype.hasOwnProperty.call(into, k)) return `cannot redefine '${path}' from '${source}' as it already exists in '${sourceOf(s, path)}'`;
      into[k] = structuredClone(v);
      s.sources.set(path, source);
    }
    return undefined;
  };
  return walk(s.ctx, update, '');
}

export interface VarsEntryIO {
  src: Src;
  /** the folder vars files are relative to (pipeline folder, or the stage's wdir) */
  base: string;
  /** 'vars' for the top level, 'stages.<name>.vars' for a stage */
  key: string;
  /** prefix of entry names in conflict messages: '' or '<stage>.' (as DVC's 'train.vars[0]') */
  label: string;
  reserved?: readonly string[];
  /** resolve a vars file name (containment-checked) to a repo-relative path */
  resolveFile: (name: string, node: Node, key: string) => string;
  /** read and parse a params-like file; undefined when absent */
  readData: (repoRel: string) => Record<string, unknown> | undefined;
}

/**
 * Merge one file into the context, whole (`keys` null) or some top-level keys of it
 * (`file:a,b`). Listing the same whole file twice is allowed (params.yaml is read first by
 * default); mixing whole and partial imports of one file, or importing a key twice, is not.
 */
export function mergeVarsFile(s: VarsState, rel: string, keys: string[] | null, data: Record<string, unknown>, source: string, reserved: readonly string[] = []): string | undefined {
  const had = s.imports.get(rel);
  if (had !== undefined) {
    if (keys === null && had === null) return undefined;
    if (keys !== null && had === null) return `cannot partially load '${source}' as it's already loaded`;
    if (keys === null || keys.some((k) => had!.includes(k))) return `cannot load '${source}' as it's partially loaded already`;
  }
  let update: Record<string, unknown> = data;
  if (keys) {
    update = {};
    for (const k of keys) {
      if (!Object.prototype.hasOwnProperty.call(data, k)) return `could not find '${k}' in '${rel}'`;
      update[k] = data[k];
    }
  }
  const e = mergeVars(s, update, keys ? source : rel, reserved);
  if (e) return e;
  s.imports.set(rel, keys === null ? null : [...(had ?? []), ...keys]);
  return undefined;
}

/** Merge a `vars:` list (file names, `file:key,...`, inline mappings) into the state, in order. */
export function loadVarsList(s: VarsState, varsNode: Node | undefined, io: VarsEntryIO): void {
  if (!varsNode || (yaml().isScalar(varsNode) && varsNode.value === null)) return;
  const { src, key } = io;
  if (!yaml().isSeq(varsNode)) throw src.fail(varsNode, key, 'must be a list of file names and inline mappings');
  varsNode.items.forEach((it, i) => {
    const n = it as Node;
    const entry = `${io.label}vars[${i}]`;
    let err: string | undefined;
    if (yaml().isMap(n)) {
      err = mergeVars(s, resolveNode(n, s.ctx, src, `${key}[${i}]`) as Record<string, unknown>, entry, io.reserved);
    } else if (yaml().isScalar(n) && typeof n.value === 'string') {
      const [fname, keysPart] = [n.value.split(':')[0]!, n.value.split(':').slice(1).join(':')];
      const rel = io.resolveFile(fname, n, `${key}[${i}]`);
      const data = io.readData(rel);
      if (!data) throw src.fail(n, `${key}[${i}]`, `vars file '${rel}' does not exist`);
      const keys = keysPart ? keysPart.split(',').map((k) => k.trim()).filter(Boolean) : null;
      err = mergeVarsFile(s, rel, keys && keys.length ? keys : null, data, n.value, io.reserved);
    } else throw src.fail(n, `${key}[${i}]`, 'must be a file name or an inline mapping');
    if (err) throw src.fail(n, `${key}[${i}]`, err, `rename the key, or drop one of the entries defining it (see "vars" in docs/pipelines.md)`);
  });
}
