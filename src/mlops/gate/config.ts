// gate.yaml: what the gate checks (docs/gate.md, schema/gate.schema.json). Every error names
// the file and line and is exit 2 (CAIRN_CONFIG). Pure: text in, GateConfig out.
import { CairnError } from '../../core/errors.js';
import type { OnInconclusive } from '../../core/verdict.js';
import { CORRECTIONS, type Correction } from '../../stats/multiple.js';
import { METRIC_TESTS, type MetricTest } from './tests.js';
import type { LineCounter, Node, Pair, isMap, isScalar, parseDocument } from 'yaml';
import { yaml } from '../../io/yaml.js';

export const GATE_FILE = 'gate.yaml';

export type Task = 'classification' | 'regression';

export interface MetricRule {
  metric: string;
  /** a minimum on the point value (higher-is-better metrics) */
  min?: number;
  /** a maximum on the point value (lower-is-better metrics: losses, errors) */
  max?: number;
  /** compare with the baseline (`production` or `baseline`: whichever --baseline supplies) */
  beat?: 'production' | 'baseline';
  /** how much better (in the metric's better direction) the candidate must be; negative = non-inferiority */
  margin: number;
  /** override the test chosen for the metric */
  test?: MetricTest;
  /** direction for a user-named per-example column (default lower: a loss) */
  better?: 'higher' | 'lower';
  line?: number;
}

export interface GateConfig {
  file: string;
  model?: string;
  evalSet: string;
  task: Task;
  predictions?: string;
  rescore?: string;
  metrics: MetricRule[];
  alpha: number;
  correction: Correction;
  onInconclusive: OnInconclusive;
  seed: number;
  resamples: number;
  notify?: string;
  /** the positive class of a binary task (default: the last class in sorted order) */
  positiveClass?: string;
  /** line of each top-level key (for messages about its value) */
  lines: Record<string, number | undefined>;
}

const TOP = ['model', 'eval_set', 'task', 'predictions', 'rescore', 'metrics', 'alpha', 'correction', 'on_inconclusive', 'seed', 'resamples', 'notify', 'positive_class'];
const RULE = ['min', 'max', 'beat', 'margin', 'test', 'better'];
export const MAX_RESAMPLES = 1_000_000;

class Src {
  readonly lc = new (yaml().LineCounter)();
  constructor(readonly file: string) {}
  line(node: unknown): number | undefined {
    const r = (node as { range?: [number, number, number] } | null | undefined)?.range;
    return r ? this.lc.linePos(r[0]).line : undefined;
  }
  fail(node: unknown, key: string, msg: string): CairnError {
    const l = this.line(node);
    return new CairnError('CAIRN_CONFIG', `${this.file}${l ? `:${l}` : ''}: ${key ? `${key}: ` : ''}${msg}`, {
      hint: `fix ${this.file}${l ? ` at line ${l}` : ''} (see docs/gate.md for gate.yaml)`,
      data: { file: this.file, line: l, key },
    });
  }
}

function scalar(src: Src, node: Node | null | undefined, key: string): unknown {
  if (node === null || node === undefined) return null;
  if (!yaml().isScalar(node)) throw src.fail(node, key, 'expected a single value, not a list or mapping');
  return node.value;
}

function str(src: Src, node: Node | null | undefined, key: string): string {
  const v = scalar(src, node, key);
  if (typeof v !== 'string' || v === '') throw src.fail(node, key, `expected a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

function num(src: Src, node: Node | null | undefined, key: string): number {
  const v = scalar(src, node, key);
  if (typeof v !== 'number' || !Number.isFinite(v)) throw src.fail(node, key, `expected a number, got ${JSON.stringify(v)}`);
  return v;
}

function oneOf<T extends string>(src: Src, node: Node | null | undefined, key: string, allowed: readonly T[]): T {
  const v = scalar(src, node, key);
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw src.fail(node, key, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

function pairs(src: Src, node: Node | null | undefined, key: string): Pair<Node, Node>[] {
  if (!yaml().isMap(node)) throw src.fail(node, key, 'expected a mapping');
  return node.items as Pair<Node, Node>[];
}

/** Parse gate.yaml text; `file` is how errors name it. */
export function parseGateConfig(text: string, file: string): GateConfig {
  const src = new Src(file);
  const doc = yaml().parseDocument(text, { lineCounter: src.lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const l = e.linePos?.[0].line ?? (e.pos ? src.lc.linePos(e.pos[0]).line : undefined);
    throw new CairnError('CAIRN_CONFIG', `${file}${l ? `:${l}` : ''}: malformed gate config: ${e.message.split('\n')[0]}`, {
      hint: `fix the YAML in ${file}${l ? ` near line ${l}` : ''}`,
      data: { file, line: l },
    });
  }
  if (!yaml().isMap(doc.contents)) throw src.fail(doc.contents, '', 'a gate config must be a mapping (see docs/gate.md)');
  const got = new Map<string, { key: Node; value: Node | null }>();
  for (const p of pairs(src, doc.contents as Node, '')) {
    const k = String(scalar(src, p.key, 'key'));
    if (!TOP.includes(k)) throw src.fail(p.key, k, `unknown key (known: ${TOP.join(', ')})`);
    got.set(k, { key: p.key, value: p.value ?? null });
  }
  const v = (k: string) => got.get(k)?.value;
  if (!got.has('eval_set')) throw src.fail(doc.contents, '', 'missing `eval_set:` (the held-out set the predictions were made on)');
  if (!got.has('metrics')) throw src.fail(doc.contents, '', 'missing `metrics:` (at least one rule, e.g. `accuracy: {min: 0.9}`)');
  const cfg: GateConfig = {
    file,
    evalSet: str(src, v('eval_set'), 'eval_set'),
    task: got.has('task') ? oneOf(src, v('task'), 'task', ['classification', 'regression'] as const) : 'classification',
    metrics: [],
    alpha: 0.05,
    correction: 'holm',
    onInconclusive: 'fail',
    seed: 0,
    resamples: 10_000,
    lines: Object.fromEntries([...got].map(([k, x]) => [k, src.line(x.key)])),
  };
  if (got.has('model')) cfg.model = str(src, v('model'), 'model');
  if (got.has('predictions')) cfg.predictions = str(src, v('predictions'), 'predictions');
  if (got.has('rescore')) cfg.rescore = str(src, v('rescore'), 'rescore');
  if (got.has('notify')) cfg.notify = str(src, v('notify'), 'notify');
  if (got.has('positive_class')) cfg.positiveClass = String(scalar(src, v('positive_class'), 'positive_class'));
  if (got.has('alpha')) {
    cfg.alpha = num(src, v('alpha'), 'alpha');
    if (!(cfg.alpha > 0 && cfg.alpha < 0.5)) throw src.fail(v('alpha'), 'alpha', `expected a number in (0, 0.5), got ${cfg.alpha}`);
  }
  if (got.has('correction')) cfg.correction = oneOf(src, v('correction'), 'correction', CORRECTIONS);
  if (got.has('on_inconclusive')) cfg.onInconclusive = oneOf(src, v('on_inconclusive'), 'on_inconclusive', ['fail', 'pass', 'warn'] as const);
  if (got.has('seed')) {
    cfg.seed = num(src, v('seed'), 'seed');
    if (!Number.isInteger(cfg.seed) || cfg.seed < 0 || cfg.seed > Number.MAX_SAFE_INTEGER) throw src.fail(v('seed'), 'seed', `expected a non-negative integer, got ${cfg.seed}`);
  }
  if (got.has('resamples')) {
    cfg.resamples = num(src, v('resamples'), 'resamples');
    if (!Number.isInteger(cfg.resamples) || cfg.resamples < 100 || cfg.resamples > MAX_RESAMPLES) throw src.fail(v('resamples'), 'resamples', `expected an integer from 100 to ${MAX_RESAMPLES}, got ${cfg.resamples}`);
  }
  const metricsNode = v('metrics');
  const items = pairs(src, metricsNode, 'metrics');
  if (items.length === 0) throw src.fail(metricsNode, 'metrics', 'expected at least one rule');
  for (const p of items) {
    const metric = String(scalar(src, p.key, 'metrics'));
    if (!/^[A-Za-z_][\w.-]{0,127}$/.test(metric)) throw src.fail(p.key, `metrics.${metric}`, 'a metric name is letters, digits, _ . - (starting with a letter or _)');
    const rule: MetricRule = { metric, margin: 0, line: src.line(p.key) };
    for (const q of pairs(src, p.value, `metrics.${metric}`)) {
      const k = String(scalar(src, q.key, `metrics.${metric}`));
      const key = `metrics.${metric}.${k}`;
      if (!RULE.includes(k)) throw src.fail(q.key, key, `unknown key (known: ${RULE.join(', ')})`);
      if (k === 'min') rule.min = num(src, q.value, key);
      else if (k === 'max') rule.max = num(src, q.value, key);
      else if (k === 'margin') rule.margin = num(src, q.value, key);
      else if (k === 'beat') rule.beat = oneOf(src, q.value, key, ['production', 'baseline'] as const);
      else if (k === 'test') rule.test = oneOf(src, q.value, key, METRIC_TESTS);
      else if (k === 'better') rule.better = oneOf(src, q.value, key, ['higher', 'lower'] as const);
    }
    if (rule.min === undefined && rule.max === undefined && rule.beat === undefined) throw src.fail(p.value ?? p.key, `metrics.${metric}`, 'a rule needs `min:`, `max:` or `beat:`');
    cfg.metrics.push(rule);
  }
  return cfg;
}
