// The pipeline model: what a loaded cairn.yaml is (types only; load.ts parses into it).
import type { PlotProps } from '../core/plot-props.js';
export type { PlotProps } from '../core/plot-props.js';
export interface StageOut { path: string /* repo-relative POSIX */; kind: 'out' | 'metric' | 'plot'; cache: boolean; persist: boolean; desc?: string; plot?: PlotProps }
export interface StageParam { file: string /* repo-relative */; keys: string[] | null /* null = whole file */ }
export interface Stage { name: string; file: string /* repo-rel cairn.yaml */; dir: string /* repo-rel folder of it ('.' at root) */; wdir: string /* repo-rel */; cmd: string[]; deps: string[] /* repo-rel */; external?: string[] /* s3:// and https:// deps, as written */; params: StageParam[]; outs: StageOut[]; frozen: boolean; alwaysChanged: boolean; desc?: string }
/** A metrics or plots file declared outside any stage (top-level `metrics:` / `plots:`, as in DVC 3). */
export interface DeclaredFile { path: string /* repo-relative POSIX */; plot?: PlotProps }
export interface Pipeline { file: string; dir: string; stages: Stage[]; metrics?: DeclaredFile[]; plots?: DeclaredFile[] }
