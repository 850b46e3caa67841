// Per-column charts of a drift report for the HTML page: reference against current shares per
// bin (the same bins PSI uses), as Vega-Lite bar charts. Pure: the report in, page charts out.
import type { PageChart } from './plots-page.js';

interface ChartColumn {
  column: string;
  kind: string;
  test: string;
  statistic: number;
  p_value: number | null;
  psi: number;
  drift: boolean;
  note?: string;
  bins?: { edges?: number[]; labels?: string[]; reference: number[]; current: number[] };
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const fmt = (x: number | null): string => (x === null || Number.isNaN(x) ? '—' : Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(2));

export function driftCharts(columns: readonly ChartColumn[]): PageChart[] {
  return columns.map((c) => {
    const note = `${c.kind}, ${c.test} ${fmt(c.statistic)}${c.p_value !== null ? `, p ${fmt(c.p_value)}` : ''}, PSI ${fmt(c.psi)}: ${c.drift ? 'DRIFT' : 'no drift'}`;
    const heading = c.column;
    if (!c.bins) return { heading, note, message: c.note ?? 'no bins' };
    const b = c.bins;
    const values: Record<string, unknown>[] = [];
    const n = b.reference.length;
    for (let i = 0; i < n; i++) {
      const bin = b.edges ? `${+b.edges[i]!.toPrecision(4)} – ${+b.edges[i + 1]!.toPrecision(4)}` : b.labels![i]!;
      values.push({ bin, order: i, sample: 'reference', share: b.reference[i] });
      values.push({ bin, order: i, sample: 'current', share: b.current[i] });
    }
    const spec = {
      $schema: SCHEMA,
      width: 'container',
      height: 220,
      data: { values },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'bin', type: 'ordinal', sort: { field: 'order' }, title: b.edges ? `${c.column} (bins)` : c.column },
        xOffset: { field: 'sample', sort: ['reference', 'current'] },
        y: { field: 'share', type: 'quantitative', title: 'share of rows', axis: { format: '.0%' } },
        color: { field: 'sample', type: 'nominal', sort: ['reference', 'current'], scale: { range: ['#4c78a8', '#f58518'] } },
      },
    };
    return { heading, note, spec };
  });
}
