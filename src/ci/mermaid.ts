// Plots as Mermaid `xychart-beta` blocks, which GitHub renders in comments and job summaries
// with no image host. xychart has no legend, so the caption names the series in order. Pure.

type Row = Record<string, unknown>;

const MAX_POINTS = 40;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const label = (s: string) => `"${s.replace(/["\n\r]/g, ' ').slice(0, 60)}"`;
const num = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6))));

export interface MermaidChart {
  /** the ```mermaid block */
  block: string;
  /** which line or bar is which (xychart draws no legend) */
  caption: string;
}

/** Every k-th of the sorted values, so that at most `max` remain (the last one kept). */
function thin<T>(xs: T[], max: number): T[] {
  if (xs.length <= max) return xs;
  const step = Math.ceil(xs.length / max);
  const out = xs.filter((_, i) => i % step === 0);
  if (out[out.length - 1] !== xs[xs.length - 1]) out.push(xs[xs.length - 1]!);
  return out;
}

function block(title: string, xAxis: string, yLabel: string, series: { kind: 'line' | 'bar'; values: number[] }[]): string {
  const all = series.flatMap((s) => s.values);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const pad = hi === lo ? Math.abs(hi) * 0.05 || 1 : 0;
  const bottom = series.some((s) => s.kind === 'bar') ? Math.min(0, lo) : lo - pad;
  const lines = ['```mermaid', 'xychart-beta', `  title ${label(title)}`, `  x-axis ${xAxis}`, `  y-axis ${label(yLabel)} ${num(bottom)} --> ${num(hi + pad)}`];
  for (const s of series) lines.push(`  ${s.kind} [${s.values.map(num).join(', ')}]`);
  lines.push('```');
  return lines.join('\n');
}

/**
 * A line (linear, scatter) or bar chart of a plot's long-format data ({series, x, y} per
 * point), one line or bar set per series. null when there is nothing numeric to draw or the
 * template (confusion) has no xychart form.
 */
export function plotXychart(title: string, template: string, data: Row[], yLabel = 'y'): MermaidChart | null {
  if (template === 'confusion') return null;
  const series = [...new Set(data.map((d) => String(d.series)))];
  if (!series.length) return null;
  if (template === 'bar') {
    const cats = thin([...new Set(data.filter((d) => isNum(d.y)).map((d) => String(d.x)))], MAX_POINTS);
    if (!cats.length) return null;
    // xychart overlays bar sets: the last series (the workspace) is the bars, earlier ones lines
    const sets = series.map((s, i) => ({ kind: i === series.length - 1 ? ('bar' as const) : ('line' as const), values: cats.map((c) => Number(data.find((d) => d.series === s && String(d.x) === c && isNum(d.y))?.y ?? 0)) }));
    const caption = series.length > 1 ? `bars: ${series[series.length - 1]}; lines: ${series.slice(0, -1).join(', ')}` : `bars: ${series[0]}`;
    return { block: block(title, `[${cats.map(label).join(', ')}]`, yLabel, [...sets.filter((x) => x.kind === 'bar'), ...sets.filter((x) => x.kind === 'line')]), caption };
  }
  const pts = data.filter((d) => isNum(d.x) && isNum(d.y));
  if (!pts.length) return null;
  const xs = thin([...new Set(pts.map((d) => d.x as number))].sort((a, b) => a - b), MAX_POINTS);
  const lines = series.flatMap((s) => {
    const own = new Map<number, number>();
    for (const d of pts) if (d.series === s && !own.has(d.x as number)) own.set(d.x as number, d.y as number);
    if (!own.size) return [];
    // xychart lines have no gaps: an x this series lacks takes its nearest earlier value
    const sorted = [...own.keys()].sort((a, b) => a - b);
    let last = own.get(sorted[0]!)!;
    const values = xs.map((x) => {
      if (own.has(x)) last = own.get(x)!;
      else {
        const before = sorted.filter((k) => k <= x);
        if (before.length) last = own.get(before[before.length - 1]!)!;
      }
      return last;
    });
    return [{ kind: 'line' as const, values, name: s, short: sorted[sorted.length - 1]! < xs[xs.length - 1]! }];
  });
  if (!lines.length) return null;
  return { block: block(title, `[${xs.map(num).join(', ')}]`, yLabel, lines), caption: `lines, in order: ${lines.map((l) => l.name).join(', ')}${lines.some((l) => l.short) ? '; a series that ends early is held at its last value' : ''}${xs.length < new Set(pts.map((d) => d.x)).size ? ` (every ${Math.ceil(new Set(pts.map((d) => d.x)).size / MAX_POINTS)}th x shown)` : ''}` };
}

/** Numeric metrics that changed, base vs head, as grouped bars. */
export function metricsXychart(rows: { path: string; key: string; old: unknown; new: unknown }[], baseLabel: string, headLabel: string): MermaidChart | null {
  const nums = rows.filter((r) => isNum(r.old) && isNum(r.new)).slice(0, 12);
  if (!nums.length) return null;
  const cats = nums.map((r) => r.key);
  // xychart overlays bar sets: the head is the bars, the base a line over them
  const b = block('metrics', `[${cats.map(label).join(', ')}]`, 'value', [
    { kind: 'bar', values: nums.map((r) => r.new as number) },
    { kind: 'line', values: nums.map((r) => r.old as number) },
  ]);
  return { block: b, caption: `bars: ${headLabel}; line: ${baseLabel}` };
}
