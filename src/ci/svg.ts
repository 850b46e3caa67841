// Vega-Lite specs as SVG files, rendered in Node with no browser and no image host: the
// browser builds of vega and vega-lite that cairn already ships in vendor/ (for the plots
// page) are evaluated in a vm context of their own, so no vega package is needed at run time.
// Absent builds or a failing render give a note, never a failed report.
import { createContext, runInContext } from 'node:vm';

interface VegaApi {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, opts: { renderer: string }) => { toSVG(): Promise<string>; finalize(): void };
}
interface VegaLiteApi {
  compile(spec: unknown): { spec: unknown };
}

let engine: { vega: VegaApi; vl: VegaLiteApi } | null | undefined;

/** Load vega + vega-lite once (lazily: only a report with plots pays for it). */
export function vegaEngine(scripts: () => { vega: string; vegaLite: string }): { vega: VegaApi; vl: VegaLiteApi } {
  if (engine) return engine;
  const s = scripts();
  const ctx: Record<string, unknown> = { console, setTimeout, clearTimeout, setInterval, clearInterval, queueMicrotask, structuredClone, URL, TextEncoder, TextDecoder };
  ctx.self = ctx;
  ctx.globalThis = ctx;
  createContext(ctx);
  runInContext(s.vega, ctx, { filename: 'vega.min.js' });
  runInContext(s.vegaLite, ctx, { filename: 'vega-lite.min.js' });
  engine = { vega: ctx.vega as VegaApi, vl: ctx.vegaLite as VegaLiteApi };
  return engine;
}

/** One Vega-Lite spec (data inlined) as an SVG document. */
export async function renderSvg(spec: Record<string, unknown>, scripts: () => { vega: string; vegaLite: string }): Promise<string> {
  const { vega, vl } = vegaEngine(scripts);
  // plots-page specs size to their container; a file needs a fixed size
  const sized: Record<string, unknown> = { width: 480, height: 300, ...spec };
  if (typeof sized.width !== 'number') sized.width = 480;
  if (typeof sized.height !== 'number') sized.height = 300;
  const view = new vega.View(vega.parse(vl.compile(sized).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
