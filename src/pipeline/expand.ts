// foreach/do and matrix: one `stages:` entry becomes the `name@key` stages it generates
// (DVC's rules for the names: foreach over a list of scalars names each by its value, over a
// list holding any mapping or list by index, over a mapping by key; a matrix name joins one
// fragment per axis with '-', the value for a scalar and `<axis><index>` for a mapping or list).
import type { Node, Pair, YAMLMap } from 'yaml';
import { yaml } from '../io/yaml.js';
import { resolveNode, type Ctx, type Src } from './template.js';

/** `reserved`: the keys foreach/matrix set (`item`, `key`), which the stage's own vars may not redefine. */
export interface ExpandedStage { name: string; body: Node; ctx: Ctx; reserved: string[] }

function pairFor(m: YAMLMap, key: string): Pair | undefined {
  return m.items.find((p) => yaml().isScalar(p.key) && String((p.key as { value: unknown }).value) === key) as Pair | undefined;
}

const composite = (v: unknown): boolean => v !== null && typeof v === 'object';

/** Expand one `stages:` entry into (name, body node, ctx) triples: one for a plain stage, `name@key` per item of `foreach:` or combination of `matrix:`. */
export function expandStage(name: string, body: Node, ctx: Ctx, src: Src): ExpandedStage[] {
  if (!yaml().isMap(body)) throw src.fail(body, `stages.${name}`, 'a stage must be a mapping (cmd, deps, outs, ...)');
  const fe = pairFor(body, 'foreach');
  const mx = pairFor(body, 'matrix');
  if (!fe && !mx) return [{ name, body, ctx, reserved: [] }];
  const doPair = pairFor(body, 'do');
  if (fe) {
    for (const p of body.items) {
      const k = String((p.key as { value: unknown }).value);
      if (k !== 'foreach' && k !== 'do') throw src.fail(p.key as Node, `stages.${name}.${k}`, 'unknown key beside `foreach:` (put the stage keys under `do:`)');
    }
    if (!doPair || !yaml().isMap(doPair.value)) throw src.fail(fe.key as Node, `stages.${name}`, '`foreach:` needs a `do:` mapping holding the stage');
    const items = resolveNode(fe.value as Node, ctx, src, `stages.${name}.foreach`);
    const out: ExpandedStage[] = [];
    if (Array.isArray(items)) {
      const byIndex = items.some(composite);
      items.forEach((v, i) => out.push({ name: `${name}@${byIndex ? i : String(v)}`, body: doPair.value as Node, ctx: { ...ctx, item: v }, reserved: ['item'] }));
    } else if (items && typeof items === 'object') for (const [k, v] of Object.entries(items)) out.push({ name: `${name}@${k}`, body: doPair.value as Node, ctx: { ...ctx, item: v, key: k }, reserved: ['item', 'key'] });
    else throw src.fail(fe.value as Node, `stages.${name}.foreach`, 'must be a list, a mapping, or ${var} naming one');
    return out;
  }
  const m = resolveNode(mx!.value as Node, ctx, src, `stages.${name}.matrix`);
  if (!m || typeof m !== 'object' || Array.isArray(m)) throw src.fail(mx!.value as Node, `stages.${name}.matrix`, 'must be a mapping of name -> list of values');
  let combos: { item: Record<string, unknown>; parts: string[] }[] = [{ item: {}, parts: [] }];
  for (const [k, vals] of Object.entries(m as Record<string, unknown>)) {
    if (!Array.isArray(vals)) throw src.fail(mx!.value as Node, `stages.${name}.matrix.${k}`, 'must be a list of values');
    const next: typeof combos = [];
    for (const c of combos) vals.forEach((v, i) => next.push({ item: { ...c.item, [k]: v }, parts: [...c.parts, composite(v) ? `${k}${i}` : String(v)] }));
    combos = next;
  }
  const stageBody = body.clone() as YAMLMap;
  stageBody.delete('matrix');
  // as DVC: `${key}` is the generated name's suffix, `${item.<axis>}` the axis value
  return combos.map((c) => ({ name: `${name}@${c.parts.join('-')}`, body: stageBody, ctx: { ...ctx, item: c.item, key: c.parts.join('-') }, reserved: ['item', 'key'] }));
}
