// foreach/do and matrix: one `stages:` entry becomes the `name@key` stages it generates
// (DVC's rule for the names: a scalar item names itself, a mapping or list item its index).
import type { Node, Pair, YAMLMap } from 'yaml';
import { yaml } from '../io/yaml.js';
import { resolveNode, type Ctx, type Src } from './template.js';

export interface ExpandedStage { name: string; body: Node; ctx: Ctx }

function pairFor(m: YAMLMap, key: string): Pair | undefined {
  return m.items.find((p) => yaml().isScalar(p.key) && String((p.key as { value: unknown }).value) === key) as Pair | undefined;
}

function itemName(v: unknown, i: number): string {
  return v === null || typeof v === 'object' ? String(i) : String(v);
}

/** Expand one `stages:` entry into (name, body node, ctx) triples: one for a plain stage, `name@key` per item of `foreach:` or combination of `matrix:`. */
export function expandStage(name: string, body: Node, ctx: Ctx, src: Src): ExpandedStage[] {
  if (!yaml().isMap(body)) throw src.fail(body, `stages.${name}`, 'a stage must be a mapping (cmd, deps, outs, ...)');
  const fe = pairFor(body, 'foreach');
  const mx = pairFor(body, 'matrix');
  if (!fe && !mx) return [{ name, body, ctx }];
  const doPair = pairFor(body, 'do');
  if (fe) {
    for (const p of body.items) {
      const k = String((p.key as { value: unknown }).value);
      if (k !== 'foreach' && k !== 'do') throw src.fail(p.key as Node, `stages.${name}.${k}`, 'unknown key beside `foreach:` (put the stage keys under `do:`)');
    }
    if (!doPair || !yaml().isMap(doPair.value)) throw src.fail(fe.key as Node, `stages.${name}`, '`foreach:` needs a `do:` mapping holding the stage');
    const items = resolveNode(fe.value as Node, ctx, src, `stages.${name}.foreach`);
    const out: ExpandedStage[] = [];
    if (Array.isArray(items)) items.forEach((v, i) => out.push({ name: `${name}@${itemName(v, i)}`, body: doPair.value as Node, ctx: { ...ctx, item: v } }));
    else if (items && typeof items === 'object') for (const [k, v] of Object.entries(items)) out.push({ name: `${name}@${k}`, body: doPair.value as Node, ctx: { ...ctx, item: v, key: k } });
    else throw src.fail(fe.value as Node, `stages.${name}.foreach`, 'must be a list, a mapping, or ${var} naming one');
    return out;
  }
  const m = resolveNode(mx!.value as Node, ctx, src, `stages.${name}.matrix`);
  if (!m || typeof m !== 'object' || Array.isArray(m)) throw src.fail(mx!.value as Node, `stages.${name}.matrix`, 'must be a mapping of name -> list of values');
  let combos: { item: Record<string, unknown>; parts: string[] }[] = [{ item: {}, parts: [] }];
  for (const [k, vals] of Object.entries(m as Record<string, unknown>)) {
    if (!Array.isArray(vals)) throw src.fail(mx!.value as Node, `stages.${name}.matrix.${k}`, 'must be a list of values');
    const next: typeof combos = [];
    for (const c of combos) vals.forEach((v, i) => next.push({ item: { ...c.item, [k]: v }, parts: [...c.parts, itemName(v, i)] }));
    combos = next;
  }
  const stageBody = body.clone() as YAMLMap;
  stageBody.delete('matrix');
  return combos.map((c) => ({ name: `${name}@${c.parts.join('-')}`, body: stageBody, ctx: { ...ctx, item: c.item } }));
}
