// How a plot out is drawn (cairn.yaml `plots:` options): the pipeline model carries it and
// metrics/plots.ts reads it, so it lives below both.
export interface PlotProps { x?: string; y?: string | string[]; title?: string; template?: 'linear' | 'scatter' | 'confusion' | 'bar'; x_label?: string; y_label?: string }
