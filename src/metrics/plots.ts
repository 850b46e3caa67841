// Plot data (JSON records, CSV, TSV), the template that fits it, and Vega-Lite specs
// overlaying revisions. The HTML page around the specs is src/render/plots-page.ts
// (vega, vega-lite and vega-embed inlined: it works offline).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CairnError } from '../core/errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import type { PlotProps } from '../core/plot-props.js';
import { renderPlotsPage, type PageChart, type VegaScripts } from '../render/plots-page.js';
import type { parse } from 'yaml';
import { yaml } from '../io/yaml.js';

export type Row = Record<string, unknown>;
export type Template = NonNullable<PlotProps['template']>;

const badPlot = (file: string, why: string) =>
  new CairnError('CAIRN_BAD_PLOT', `${file}: ${why}`, { hint: 'plot files are JSON/YAML lists of records, or CSV/TSV with a header row', data: { file } });

export function parseSeries(text: string, file: string): Row[] {
  if (/\.(csv|tsv)$/i.test(file)) {
    const sep = file.toLowerCase().endsWith('.tsv') ? '\t' : ',';
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    const head = (lines.shift() ?? '').split(sep).map((h) => h.trim());
    return lines.map((l) => {
      const cells = l.split(sep);
      // fromEntries defines own properties, so a `__proto__` column is a column like any other
      return Object.fromEntries(
        head.map((h, i) => {
          const v = (cells[i] ?? '').trim();
          return [h, v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v];
        }),
      );
    });
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : yaml().parse(text);
  } catch (e) {
    throw badPlot(file, `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const lists = Object.values(data as Record<string, unknown>).filter(Array.isArray);
    if (lists.length === 1) data = lists[0];
  }
  if (!Array.isArray(data) || data.some((r) => !r || typeof r !== 'object' || Array.isArray(r))) throw badPlot(file, 'plot data must be a list of records (or CSV/TSV with a header)');
  return data as Row[];
}

export interface PlotSeries {
  rev: string;
  rows: Row[];
}

/** A column of the plot data: `number` when every non-empty value is a number. */
export interface Field {
  name: string;
  type: 'number' | 'text' | 'mixed' | 'empty';
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const present = (v: unknown) => v !== undefined && v !== null && v !== '';

/** Fields of the rows, in order of first appearance. */
export function fieldsOf(rows: Row[]): Field[] {
  const seen = new Map<string, { num: number; other: number }>();
  for (const r of rows)
    for (const [k, v] of Object.entries(r)) {
      let s = seen.get(k);
      if (!s) seen.set(k, (s = { num: 0, other: 0 }));
      if (isNum(v)) s.num++;
      else if (present(v)) s.other++;
    }
  return [...seen].map(([name, s]) => ({ name, type: s.num && !s.other ? 'number' : s.other && !s.num ? 'text' : s.num ? 'mixed' : 'empty' }));
}

export interface TemplateChoice {
  template: Template;
  /** the x field; `__index` is the row number */
  x: string;
  y: string[];
  /** why this template (and these fields) */
  reason: string;
  /** the template came from cairn.yaml */
  declared: boolean;
}

const PAIRS: [string, string][] = [
  ['actual', 'predicted'],
  ['label', 'prediction'],
  ['y_true', 'y_pred'],
  ['true', 'pred'],
  ['target', 'prediction'],
];
const STEP = /^(step|steps|epoch|epochs|iteration|iter)$/i;
const q = (s: string) => `'${s}'`;

/**
 * The template for a plot. A declared template wins; otherwise, from the columns:
 * actual/predicted (or label/prediction, y_true/y_pred, ...) or two categorical columns with
 * overlapping values → confusion; a step/epoch column with numeric fields → linear; two
 * numeric columns and no step → scatter; else a line over the row index.
 */
export function chooseTemplate(props: PlotProps, fields: Field[], rows: Row[]): TemplateChoice {
  const byLower = new Map(fields.map((f) => [f.name.toLowerCase(), f] as const));
  const type = (n: string | undefined) => (n === undefined ? undefined : fields.find((f) => f.name === n)?.type);
  const num = fields.filter((f) => f.type === 'number').map((f) => f.name);
  const text = fields.filter((f) => f.type === 'text').map((f) => f.name);
  const fx = props.x;
  const fy = props.y === undefined ? [] : Array.isArray(props.y) ? props.y : [props.y];
  const pairFound = PAIRS.map(([a, b]) => [byLower.get(a)?.name, byLower.get(b)?.name] as const).find(([a, b]) => a !== undefined && b !== undefined) as [string, string] | undefined;
  const stepField = fields.find((f) => STEP.test(f.name) && f.type === 'number')?.name;
  const firstNum = (not: string | undefined) => num.find((n) => n !== not);

  if (props.template) {
    const t = props.template;
    const declared = (reason: string, x: string, y: string[]): TemplateChoice => ({ template: t, x, y, reason, declared: true });
    if (t === 'confusion') {
      const x = fx ?? pairFound?.[0] ?? text[0] ?? 'actual';
      return declared('declared in cairn.yaml', x, fy.length ? fy.slice(0, 1) : [pairFound?.[1] ?? text.find((n) => n !== x) ?? 'predicted']);
    }
    if (t === 'bar') {
      const x = fx ?? text[0] ?? '__index';
      return declared('declared in cairn.yaml', x, fy.length ? fy : num.filter((n) => n !== x).slice(0, 1));
    }
    const x = fx ?? stepField ?? (t === 'scatter' ? num[0] : undefined) ?? '__index';
    const y = fy.length ? fy : [firstNum(x)].filter((n): n is string => n !== undefined);
    return declared('declared in cairn.yaml', x, y);
  }
  const chosen = (template: Template, x: string, y: string[], reason: string): TemplateChoice => ({ template, x, y, reason, declared: false });

  // 1. actual vs predicted
  if (pairFound && (fx === undefined || fx === pairFound[0]) && (fy.length === 0 || (fy.length === 1 && fy[0] === pairFound[1])))
    return chosen('confusion', pairFound[0], [pairFound[1]], `columns ${q(pairFound[0])} and ${q(pairFound[1])}`);
  if (fx !== undefined && fy.length === 1 && type(fx) === 'text' && type(fy[0]) === 'text') return chosen('confusion', fx, fy, `x ${q(fx)} and y ${q(fy[0]!)} are categorical`);
  // 2. metric over steps
  const step = fx !== undefined ? (STEP.test(fx) && type(fx) === 'number' ? fx : undefined) : stepField;
  if (step) {
    const y = fy.length ? fy : [firstNum(step)].filter((n): n is string => n !== undefined);
    const others = num.filter((n) => n !== step);
    if (others.length) return chosen('linear', step, y, `a ${q(step)} column with numeric fields (${others.map(q).join(', ')})`);
  }
  // 3. two categorical columns sharing values
  if (fx === undefined && fy.length === 0) {
    const cand = text.slice(0, 8);
    const values = new Map(cand.map((n) => [n, new Set(rows.slice(0, 10_000).map((r) => r[n]).filter(present))]));
    for (let i = 0; i < cand.length; i++)
      for (let j = i + 1; j < cand.length; j++) {
        const a = values.get(cand[i]!)!;
        const b = values.get(cand[j]!)!;
        if ([...a].some((v) => b.has(v))) return chosen('confusion', cand[i]!, [cand[j]!], `categorical columns ${q(cand[i]!)} and ${q(cand[j]!)} share values`);
      }
  }
  // 4. two numeric columns, no step
  const sx = fx ?? num[0];
  const sy = fy.length ? fy : [firstNum(sx)].filter((n): n is string => n !== undefined);
  if (sx !== undefined && type(sx) === 'number' && sy.length && sy.every((n) => type(n) === 'number'))
    return chosen('scatter', sx, sy, `numeric columns ${q(sx)} and ${sy.map(q).join(', ')}, no step column`);
  // 5. a line over the row index
  const x = fx ?? '__index';
  const y = fy.length ? fy : num.slice(0, 1);
  return chosen('linear', x, y, y.length ? `one numeric field (${q(y[0]!)}): a line over the row index` : 'no rule matched: no numeric field and no actual/predicted pair');
}

export interface PlotSpec {
  path: string;
  template: Template;
  /** why this template: "declared in cairn.yaml" or the rule that chose it */
  templateReason: string;
  x: string;
  y: string[];
  title: string;
  /** the columns found in the data (all revisions) */
  fields: Field[];
  /** points the template can draw (numeric x/y, or a non-empty actual/predicted pair) */
  points: number;
  /** set when there is nothing to draw: the page shows it in place of the chart */
  warning?: string;
  /** long-format data: one record per point with rev, series, x, y */
  data: Row[];
  /** the Vega-Lite spec (data inlined) */
  spec: Record<string, unknown>;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Build one overlay plot from each revision's rows. */
export function buildPlot(path: string, props: PlotProps, series: PlotSeries[]): PlotSpec {
  const allRows = series.flatMap((s) => s.rows);
  const fields = fieldsOf(allRows);
  const choice = chooseTemplate(props, fields, allRows);
  const { template, x, y } = choice;
  const data: Row[] = [];
  const multiY = y.length > 1;
  for (const s of series)
    s.rows.forEach((r, i) => {
      for (const yk of y) data.push({ rev: s.rev, series: multiY ? `${s.rev}: ${yk}` : s.rev, x: x === '__index' ? i : r[x], y: r[yk] });
    });
  const drawable = (d: Row) => (template === 'confusion' ? present(d.x) && present(d.y) : template === 'bar' ? isNum(d.y) : isNum(d.x) && isNum(d.y));
  const points = data.filter(drawable).length;
  const title = props.title ?? path;
  const xTitle = props.x_label ?? (x === '__index' ? 'index' : x);
  const yTitle = props.y_label ?? y.join(', ');
  const revs = series.map((s) => s.rev);
  const seriesOrder = [...new Set(data.map((d) => d.series as string))];
  let spec: Record<string, unknown>;
  if (template === 'confusion') {
    spec = {
      $schema: SCHEMA,
      title,
      data: { values: data },
      transform: [
        { filter: "isValid(datum.x) && isValid(datum.y) && datum.x !== '' && datum.y !== ''" },
        { aggregate: [{ op: 'count', as: 'count' }], groupby: ['rev', 'x', 'y'] },
        { joinaggregate: [{ op: 'max', field: 'count', as: 'max' }], groupby: ['rev'] },
      ],
      facet: { column: { field: 'rev', type: 'nominal', title: 'revision', sort: revs } },
      spec: {
        width: 220,
        height: 220,
        encoding: {
          x: { field: 'x', type: 'nominal', title: xTitle, axis: { labelAngle: -30 } },
          y: { field: 'y', type: 'nominal', title: yTitle },
        },
        layer: [
          { mark: { type: 'rect', stroke: '#999', strokeWidth: 0.5 }, encoding: { color: { field: 'count', type: 'quantitative', title: 'count', scale: { scheme: 'blues', domainMin: 0 }, legend: { format: 'd', tickMinStep: 1 } } } },
          // the counts as text, so the matrix reads without colour
          {
            mark: { type: 'text', fontSize: 14, fontWeight: 'bold' },
            encoding: { text: { field: 'count', type: 'quantitative' }, color: { condition: { test: 'datum.count > datum.max / 2', value: 'white' }, value: 'black' } },
          },
        ],
      },
    };
  } else if (template === 'bar') {
    spec = {
      $schema: SCHEMA,
      title,
      data: { values: data },
      width: 480,
      height: 300,
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'x', type: 'nominal', title: xTitle },
        xOffset: { field: 'series', type: 'nominal', sort: seriesOrder },
        y: { field: 'y', type: 'quantitative', title: yTitle },
        color: { field: 'series', type: 'nominal', title: 'revision', sort: seriesOrder },
      },
    };
  } else {
    spec = {
      $schema: SCHEMA,
      title,
      data: { values: data },
      width: 480,
      height: 300,
      mark: template === 'scatter' ? { type: 'point', tooltip: true, filled: true, size: 60 } : { type: 'line', tooltip: true, strokeWidth: 2 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: xTitle, scale: { zero: false } },
        y: { field: 'y', type: 'quantitative', title: yTitle, scale: { zero: false } },
        color: { field: 'series', type: 'nominal', title: 'revision', sort: seriesOrder },
        // dashes tell revisions apart in black and white too
        strokeDash: template === 'linear' ? { field: 'series', type: 'nominal', title: 'revision', sort: seriesOrder } : undefined,
        shape: template === 'scatter' ? { field: 'series', type: 'nominal', title: 'revision', sort: seriesOrder } : undefined,
      },
    };
  }
  const res: PlotSpec = { path, template, templateReason: choice.reason, x, y, title, fields, points, data, spec };
  if (points === 0) res.warning = emptyWarning(path, choice, fields, data, allRows.length, revs);
  return res;
}

function emptyWarning(path: string, c: TemplateChoice, fields: Field[], data: Row[], nRows: number, revs: string[]): string {
  const found = fields.length ? fields.map((f) => `${f.name} (${f.type})`).join(', ') : 'none';
  if (nRows === 0) return `${path}: no rows to plot at ${revs.join(', ') || 'any revision'}; fields found: ${found}`;
  const why: string[] = [];
  const has = (n: string) => fields.some((f) => f.name === n);
  const check = (axis: 'x' | 'y', name: string, numeric: boolean) => {
    if (!has(name)) why.push(`${axis} ${q(name)} is not a field`);
    else if (numeric && !data.some((d) => isNum(d[axis]))) why.push(`${axis} ${q(name)} has no numbers`);
    else if (!numeric && !data.some((d) => present(d[axis]))) why.push(`${axis} ${q(name)} is empty`);
  };
  if (c.y.length === 0) why.push('no numeric field for y');
  if (c.template === 'confusion') {
    check('x', c.x, false);
    for (const yk of c.y) check('y', yk, false);
  } else {
    if (c.template !== 'bar' && c.x !== '__index') check('x', c.x, true);
    for (const yk of c.y) check('y', yk, true);
  }
  return `${path}: nothing to draw with template '${c.template}' (${why.join('; ') || 'no drawable point'}); fields found: ${found}. Set template, x and y under plots: in cairn.yaml`;
}

/** One point of a metric across revisions. */
export interface TrendPoint {
  /** x label: short sha and tags, or `workspace` */
  label: string;
  rev: string;
  /** `file:key`, or `key` when every metric comes from one file */
  metric: string;
  value: number;
}

/** Small multiples: one trend line per metric, revisions in order on x, each y scaled on its own. */
export function buildTrendSpec(points: TrendPoint[], labels: string[], metrics: string[], title: string): Record<string, unknown> {
  // about 28 px per commit: up to ~15 commits three charts fit side by side, beyond that one per row
  const width = Math.max(220, Math.min(1000, 28 * labels.length));
  return {
    $schema: SCHEMA,
    title,
    data: { values: points },
    columns: width > 420 ? 1 : Math.min(3, Math.max(1, metrics.length)),
    concat: metrics.map((m) => ({
      title: m,
      transform: [{ filter: { field: 'metric', equal: m } }],
      width,
      height: 160,
      mark: { type: 'line', point: { filled: true, size: 50 }, tooltip: true, strokeWidth: 2 },
      encoding: {
        x: { field: 'label', type: 'ordinal', sort: labels, scale: { domain: labels }, title: 'commit (oldest → newest)', axis: { labelAngle: -35, labelLimit: 140, labelOverlap: labels.length > 36 ? 'greedy' : false } },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false }, axis: { format: '~r' } },
        tooltip: [
          { field: 'metric', type: 'nominal' },
          { field: 'label', type: 'nominal', title: 'commit' },
          { field: 'value', type: 'quantitative', format: '~g' },
        ],
      },
    })),
  };
}

function vendorScript(pkg: string, file: string): string {
  // the package ships the three browser builds in vendor/ (scripts/vendor-vega.mjs), so the
  // vega packages are devDependencies; a clone without a build reads them from node_modules
  const shipped = new URL(`../../vendor/${file}`, import.meta.url);
  if (existsSync(shipped)) return readFileSync(shipped, 'utf8');
  const require = createRequire(import.meta.url);
  // packages' "exports" hide package.json: walk up from the main entry to the package folder
  let dir = dirname(require.resolve(pkg));
  while (!dir.endsWith(`/node_modules/${pkg}`) && dirname(dir) !== dir) dir = dirname(dir);
  return readFileSync(join(dir, 'build', file), 'utf8');
}

/** The browser builds of vega, vega-lite and vega-embed (read only when a page is written). */
export function vegaScripts(): VegaScripts {
  return { vega: vendorScript('vega', 'vega.min.js'), vegaLite: vendorScript('vega-lite', 'vega-lite.min.js'), vegaEmbed: vendorScript('vega-embed', 'vega-embed.min.js') };
}

export function withoutTitle(spec: Record<string, unknown>): Record<string, unknown> {
  const { title: _title, ...rest } = spec;
  return rest;
}

/** A chart of the page for a plot: its note says which template and why; empty plots get their warning instead. */
export function plotChart(p: PlotSpec): PageChart {
  return {
    heading: p.path,
    note: `template ${p.template}: ${p.templateReason}; x ${p.x === '__index' ? 'row index' : p.x}, y ${p.y.join(', ') || '(none)'}`,
    // the heading already names the file
    spec: p.title === p.path ? withoutTitle(p.spec) : p.spec,
    message: p.warning,
  };
}

/** Write the page (atomically) with the charts given. */
export function writePlotsPage(file: string, charts: PageChart[], title: string): void {
  writeFileAtomic(file, renderPlotsPage(charts, vegaScripts(), title));
}
