// Open a plots page in headless chromium and read what it drew: the page's own status (mark
// counts from each vega view's scenegraph) and, independently, the SVG mark elements in the DOM.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tempDir } from './helpers.js';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = () => existsSync(CHROMIUM);

export interface PageStatus {
  rendered: number;
  errors: string[];
  empty: number;
  charts: { index: number; id: string; marks: number }[];
}

export interface RenderedPage {
  status: PageStatus;
  dom: string;
  /** per chart div (`plot-N`): SVG elements inside `role-mark` groups, by mark type */
  svgMarks: Map<string, Record<string, number>>;
  stderr: string;
}

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Count, per chart div, the elements vega's SVG renderer wrote for data marks (not axes or legends). */
export function countSvgMarks(dom: string): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  const parts = dom.split(/<div id="(plot-\d+)"/).slice(1);
  for (let i = 0; i < parts.length; i += 2) {
    const id = parts[i]!;
    const body = parts[i + 1]!;
    const counts: Record<string, number> = {};
    // a role-mark group holds only leaf elements, so its body ends at the next </g>
    for (const m of body.matchAll(/<g[^>]*class="mark-(\w+) role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/g)) {
      const n = (m[2]!.match(/<(path|text|rect|circle|line|image)\b/g) ?? []).length;
      counts[m[1]!] = (counts[m[1]!] ?? 0) + n;
    }
    out.set(id, counts);
  }
  return out;
}

export function renderPage(file: string): RenderedPage {
  const profile = tempDir('cairn-chromium-');
  const c = spawnSync(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, '--virtual-time-budget=20000', '--dump-dom', `file://${file}`], { encoding: 'utf8', timeout: 90_000 });
  const m = /<pre id="cairn-status">([^<]*)<\/pre>/.exec(c.stdout ?? '');
  if (!m || !m[1]) throw new Error(`no status in the page's DOM (chromium exit ${c.status}): ${c.stderr?.slice(-2000)}`);
  const status = JSON.parse(m[1].replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>')) as PageStatus;
  return { status, dom: c.stdout, svgMarks: countSvgMarks(c.stdout), stderr: c.stderr };
}

/** A PNG of the page (for looking at it by hand: CAIRN_PLOTS_SCREENSHOT=path). */
export function screenshot(file: string, png: string): void {
  const profile = tempDir('cairn-chromium-');
  spawnSync(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, '--virtual-time-budget=20000', '--window-size=1200,1400', `--screenshot=${png}`, `file://${file}`], { encoding: 'utf8', timeout: 90_000 });
}
