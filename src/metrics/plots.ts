// Plot data (JSON records, CSV, TSV) and Vega-Lite specs overlaying revisions, rendered as one
// self-contained HTML page (vega, vega-lite and vega-embed inlined: it works offline).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import type { PlotProps } from '../pipeline/load.js';

export type Row = Record<string, unknown>;

export function parseSeries(text: string, file: string): Row[] {
  if (/\.(csv|tsv)$/i.test(file)) {
    const sep = file.toLowerCase().endsWith('.tsv') ? '\t' : ',';
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    const head = (lines.shift() ?? '').split(sep).map((h) => h.trim());
    return lines.map((l) => {
      const cells = l.split(sep);
      const r: Row = {};
      head.forEach((h, i) => {
        const v = (cells[i] ?? '').trim();
        r[h] = v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
      });
      return r;
    });
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const lists = Object.values(data as Record<string, unknown>).filter(Array.isArray);
    if (lists.length === 1) data = lists[0];
  }
  if (!Array.isArray(data) || data.some((r) => !r || typeof r !== 'object')) throw new Error(`${file}: plot data must be a list of records (or CSV/TSV with a header)`);
  return data as Row[];
}

export interface PlotSeries {
  rev: string;
  rows: Row[];
}

export interface PlotSpec {
  path: string;
  template: NonNullable<PlotProps['template']>;
  x: string;
  y: string[];
  title: string;
  /** long-format data: one record per point with rev, series, x, y */
  data: Row[];
  /** the Vega-Lite spec (data inlined) */
  spec: Record<string, unknown>;
}

/** Build one overlay plot from each revision's rows. */
export function buildPlot(path: string, props: PlotProps, series: PlotSeries[]): PlotSpec {
  const template = props.template ?? 'linear';
  const first = series.find((s) => s.rows.length)?.rows[0] ?? {};
  const x = props.x ?? (template === 'confusion' ? 'actual' : 'step' in first ? 'step' : '__index');
  const yList = props.y === undefined ? [] : Array.isArray(props.y) ? props.y : [props.y];
  const y = yList.length ? yList : template === 'confusion' ? ['predicted'] : [Object.keys(first).find((k) => k !== x && typeof first[k] === 'number') ?? 'value'];
  const data: Row[] = [];
  const multiY = y.length > 1;
  for (const s of series)
    s.rows.forEach((r, i) => {
      for (const yk of y) data.push({ rev: s.rev, series: multiY ? `${s.rev}: ${yk}` : s.rev, x: x === '__index' ? i : r[x], y: r[yk] });
    });
  const title = props.title ?? path;
  const xTitle = props.x_label ?? (x === '__index' ? 'index' : x);
  const yTitle = props.y_label ?? y.join(', ');
  let spec: Record<string, unknown>;
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title, data: { values: data }, width: 480, height: 300 };
  if (template === 'confusion') {
    spec = {
      ...base,
      width: 240,
      height: 240,
      mark: 'rect',
      encoding: {
        column: { field: 'rev', type: 'nominal', title: 'revision' },
        x: { field: 'x', type: 'nominal', title: xTitle },
        y: { field: 'y', type: 'nominal', title: yTitle },
        color: { aggregate: 'count', type: 'quantitative', title: 'count' },
      },
    };
  } else if (template === 'bar') {
    spec = {
      ...base,
      mark: 'bar',
      encoding: {
        x: { field: 'x', type: 'nominal', title: xTitle },
        xOffset: { field: 'series', type: 'nominal' },
        y: { field: 'y', type: 'quantitative', title: yTitle },
        color: { field: 'series', type: 'nominal', title: 'revision' },
      },
    };
  } else {
    spec = {
      ...base,
      mark: template === 'scatter' ? { type: 'point', tooltip: true } : { type: 'line', tooltip: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: xTitle },
        y: { field: 'y', type: 'quantitative', title: yTitle, scale: { zero: false } },
        color: { field: 'series', type: 'nominal', title: 'revision' },
      },
    };
  }
  return { path, template, x, y, title, data, spec };
}

function vendorScript(pkg: string, file: string): string {
  // the package ships the three browser builds in vendor/ (scripts/vendor-vega.mjs), so the
  // vega packages are devDependencies; a clone without a build reads them from node_modules
  const shipped = new URL(`../../vendor/${file}`, import.meta.url);
  if (existsSync(shipped)) return readFileSync(shipped, 'utf8').replace(/<\/script/gi, '<\\/script');
  const require = createRequire(import.meta.url);
  // packages' "exports" hide package.json: walk up from the main entry to the package folder
  let dir = dirname(require.resolve(pkg));
  while (!dir.endsWith(`/node_modules/${pkg}`) && dirname(dir) !== dir) dir = dirname(dir);
  return readFileSync(join(dir, 'build', file), 'utf8').replace(/<\/script/gi, '<\\/script');
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * The page. When every plot has rendered (or failed) it writes a JSON status into
 * #cairn-status: {rendered, errors}, so a headless browser can check it with --dump-dom.
 */
export function renderHtml(plots: PlotSpec[], title = 'cairn plots'): string {
  const specs = JSON.stringify(plots.map((p) => p.spec)).replace(/</g, '\\u003c');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:sans-serif;margin:1.5em}.plot{margin:1.5em 0}#cairn-status{display:none}</style>
<script>window.__cairnErrors=[];window.addEventListener('error',function(e){window.__cairnErrors.push(String(e.message))});</script>
<script>${vendorScript('vega', 'vega.min.js')}</script>
<script>${vendorScript('vega-lite', 'vega-lite.min.js')}</script>
<script>${vendorScript('vega-embed', 'vega-embed.min.js')}</script>
</head><body>
<h1>${esc(title)}</h1>
${plots.map((p, i) => `<div class="plot"><h2>${esc(p.path)}</h2><div id="plot-${i}"></div></div>`).join('\n')}
<pre id="cairn-status"></pre>
<script>
(function(){
  var specs = ${specs};
  var done = specs.map(function(s, i){
    return vegaEmbed('#plot-' + i, s, {renderer: 'svg', actions: false}).then(function(){ return 1; }, function(e){ window.__cairnErrors.push(String(e && e.message || e)); return 0; });
  });
  Promise.all(done).then(function(r){
    document.getElementById('cairn-status').textContent = JSON.stringify({rendered: r.reduce(function(a,b){return a+b;},0), errors: window.__cairnErrors});
  });
})();
</script>
</body></html>
`;
}
