// Templating of cairn.yaml: ${...} references resolved against params and vars, with
// errors naming the file and line (Src).
import { CairnError } from '../core/errors.js';
import type { Document, LineCounter, Node, isAlias, isMap, isScalar, isSeq } from 'yaml';
import { yaml } from '../io/yaml.js';

export type Ctx = Record<string, unknown>;

export class Src {
  constructor(
    readonly file: string,
    readonly lc: LineCounter,
    readonly doc?: Document,
  ) {}
  line(node: Node | null | undefined): number | undefined {
    const r = (node as { range?: [number, number, number] } | null | undefined)?.range;
    return r ? this.lc.linePos(r[0]).line : undefined;
  }
  fail(node: Node | null | undefined, key: string, msg: string, hint?: string): CairnError {
    const l = this.line(node);
    return new CairnError('CAIRN_BAD_PIPELINE', `${this.file}${l ? `:${l}` : ''}: ${key ? `${key}: ` : ''}${msg}`, {
      hint: hint ?? `fix ${this.file}${l ? ` at line ${l}` : ''} (see docs/pipelines.md for the cairn.yaml reference)`,
      data: { file: this.file, line: l, key },
    });
  }
}

/** Value at a dotted / indexed path (`a.b`, `a[0].c`) or undefined. */
export function lookup(ctx: unknown, expr: string): { found: boolean; value: unknown } {
  const parts: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(expr))) parts.push(m[2] !== undefined ? Number(m[2]) : m[1]!.trim());
  let cur: unknown = ctx;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object') return { found: false, value: undefined };
    if (Array.isArray(cur)) {
      const i = typeof p === 'number' ? p : /^\d+$/.test(p) ? Number(p) : NaN;
      if (!(i >= 0 && i < cur.length)) return { found: false, value: undefined };
      cur = cur[i];
    } else {
      if (!Object.prototype.hasOwnProperty.call(cur, String(p))) return { found: false, value: undefined };
      cur = (cur as Record<string, unknown>)[String(p)];
    }
  }
  return { found: true, value: cur };
}

const EXPR = /\$\{\s*([^}]+?)\s*\}/g;

function interpolate(s: string, ctx: Ctx, src: Src, node: Node, key: string): unknown {
  const whole = /^\$\{\s*([^}]+?)\s*\}$/.exec(s);
  const get = (expr: string): unknown => {
    const r = lookup(ctx, expr);
    if (!r.found) {
      throw src.fail(node, key, `\${${expr}} is not defined`, `define '${expr}' in params.yaml or under \`vars:\` in ${src.file}`);
    }
    return r.value;
  };
  if (whole) return get(whole[1]!);
  return s.replace(EXPR, (_m, expr: string) => {
    const v = get(expr);
    if (v !== null && typeof v === 'object') throw src.fail(node, key, `\${${expr}} is a ${Array.isArray(v) ? 'list' : 'mapping'} and cannot be inserted into a string`);
    return String(v);
  });
}

/** Node → JS value with every string templated. */
export function resolveNode(node: Node | null | undefined, ctx: Ctx, src: Src, key: string): unknown {
  if (node === null || node === undefined) return null;
  if (yaml().isScalar(node)) {
    const v = node.value;
    return typeof v === 'string' && v.includes('${') ? interpolate(v, ctx, src, node, key) : v;
  }
  if (yaml().isSeq(node)) return node.items.map((it, i) => resolveNode(it as Node, ctx, src, `${key}[${i}]`));
  if (yaml().isMap(node)) {
    const o: Record<string, unknown> = {};
    for (const p of node.items) {
      const k = String(resolveNode(p.key as Node, ctx, src, key));
      o[k] = resolveNode(p.value as Node, ctx, src, key ? `${key}.${k}` : k);
    }
    return o;
  }
  if (yaml().isAlias(node) && src.doc) {
    // bounded: parseOwnYaml already expanded the whole document under the alias limit
    const target = node.resolve(src.doc);
    if (target) return resolveNode(target as Node, ctx, src, key);
  }
  return (node as { toJSON(): unknown }).toJSON();
}
