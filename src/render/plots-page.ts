// The plots page: one self-contained HTML document holding Vega-Lite charts (vega, vega-lite
// and vega-embed inlined, so it works offline). Pure: scripts and charts in, a string out.

export interface PageChart {
  /** heading (the plot file, or "metrics") */
  heading: string;
  /** a line under the heading, e.g. which template and why */
  note?: string;
  /** the Vega-Lite spec; absent when there is nothing to draw */
  spec?: Record<string, unknown>;
  /** shown in place of the chart when there is nothing to draw */
  message?: string;
}

/** The browser builds of vega, vega-lite and vega-embed, as script text. */
export interface VegaScripts {
  vega: string;
  vegaLite: string;
  vegaEmbed: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** script text cannot hold `</script`; JSON in a script cannot hold `<` either (`<!--`). */
const inlineScript = (s: string) => s.replace(/<\/script/gi, '<\\/script');

/**
 * When every chart has rendered (or failed) the page writes a JSON status into
 * `<pre id="cairn-status">`: `{rendered, errors, empty, charts: [{index, id, marks}]}`, where marks
 * counts the items of every data mark in the chart's vega scenegraph (axes, legends and titles
 * excluded). The vega views are on `window.__cairnViews` (by chart id).
 */
export function renderPlotsPage(charts: PageChart[], scripts: VegaScripts, title: string): string {
  const specs = JSON.stringify(charts.map((c) => (c.message === undefined ? (c.spec ?? null) : null))).replace(/</g, '\\u003c');
  const body = charts
    .map((c, i) => {
      const note = c.note ? `<p class="note">${esc(c.note)}</p>` : '';
      const inner = c.message !== undefined || !c.spec ? `<p class="empty" role="alert">${esc(c.message ?? 'nothing to draw')}</p>` : '';
      return `<section class="plot"><h2>${esc(c.heading)}</h2>${note}<div id="plot-${i}" class="chart">${inner}</div></section>`;
    })
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;margin:0 0 .2em;font-family:ui-monospace,monospace}
.plot{margin:1.5em 0;padding-bottom:1em;border-bottom:1px solid #ddd}
.note{margin:0 0 .6em;color:#555;font-size:.9em}
.empty{border:2px dashed #b00;color:#b00;padding:1em;max-width:46em;white-space:pre-wrap}
#cairn-status{display:none}
</style>
<script>window.__cairnErrors=[];window.__cairnViews={};window.addEventListener('error',function(e){window.__cairnErrors.push(String(e.message))});</script>
<script>${inlineScript(scripts.vega)}</script>
<script>${inlineScript(scripts.vegaLite)}</script>
<script>${inlineScript(scripts.vegaEmbed)}</script>
</head><body>
<h1>${esc(title)}</h1>
${body}
<pre id="cairn-status"></pre>
<script>
(function(){
  var specs = ${specs};
  function countMarks(mark){
    var n = 0;
    if (!mark) return 0;
    if (mark.marktype === 'group') {
      (mark.items || []).forEach(function(g){ (g.items || []).forEach(function(m){ n += countMarks(m); }); });
    } else if (mark.role === 'mark') {
      n += (mark.items || []).length;
    }
    return n;
  }
  var charts = [];
  var done = specs.map(function(s, i){
    if (!s) return Promise.resolve(0);
    return vegaEmbed('#plot-' + i, s, {renderer: 'svg', actions: false}).then(function(r){
      window.__cairnViews['plot-' + i] = r.view;
      charts.push({index: i, id: 'plot-' + i, marks: countMarks(r.view.scenegraph().root)});
      return 1;
    }, function(e){ window.__cairnErrors.push(String(e && e.message || e)); charts.push({index: i, id: 'plot-' + i, marks: 0}); return 0; });
  });
  Promise.all(done).then(function(r){
    charts.sort(function(a, b){ return a.index - b.index; });
    document.getElementById('cairn-status').textContent = JSON.stringify({
      rendered: r.reduce(function(a, b){ return a + b; }, 0),
      errors: window.__cairnErrors,
      empty: specs.filter(function(s){ return !s; }).length,
      charts: charts
    });
  });
})();
</script>
</body></html>
`;
}
