// Run records: one JSON line per stage that repro executed, appended to .cairn/runs/*.jsonl.
// Each line goes down in ONE write(2) on an O_APPEND descriptor, so concurrent appenders
// never tear or interleave a line. A record's id is derived from its content (sha256 of its
// canonical JSON without the id), so a record pulled from a remote can be checked.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CairnError } from '../core/errors.js';

export const RUN_LOG_DIR = 'runs';
export const RUN_LOG_FILE = 'runs.jsonl';

export type RunStatus = 'ran' | 'failed' | 'interrupted';
export type RunValue = number | string | boolean | null;

export interface RunRecordItem {
  path: string;
  id: string;
}

export interface RunRecord {
  id: string;
  stage: string;
  /** the cairn.yaml that defines the stage, repo-relative */
  file: string;
  cmd: string[];
  /** ISO-8601 start time */
  started: string;
  duration_s: number;
  status: RunStatus;
  exit_code: number | null;
  /** HEAD commit when repro started, null outside git or before the first commit */
  commit: string | null;
  /** tracked files differed from HEAD when repro started; null when unknown */
  dirty: boolean | null;
  hash: string;
  deps: RunRecordItem[];
  outs: RunRecordItem[];
  /** dotted keys as `params show` gives them; keys from files other than params.yaml are `file:key` */
  params: Record<string, RunValue>;
  /** dotted keys of the stage's metrics files after the run */
  metrics: Record<string, RunValue>;
}

export type RunRecordInput = Omit<RunRecord, 'id'>;

function stable(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stable(o[k])}`).join(',')}}`;
}

/** 16 hex digits of sha256 over the record's canonical JSON (id left out). */
export function runRecordId(r: RunRecordInput | RunRecord): string {
  const { id: _omit, ...rest } = r as RunRecord;
  return createHash('sha256').update(stable(rest)).digest('hex').slice(0, 16);
}

export function runLogDir(dotDir: string): string {
  return join(dotDir, RUN_LOG_DIR);
}

/** The record as one line of JSON, with its id first. */
export function runRecordLine(r: RunRecord): string {
  return JSON.stringify(r) + '\n';
}

/** Append lines to the log in one write each (O_APPEND: never torn, never interleaved). */
export function appendRunLines(dotDir: string, lines: string[]): void {
  if (!lines.length) return;
  const dir = runLogDir(dotDir);
  mkdirSync(dir, { recursive: true });
  const fd = openSync(join(dir, RUN_LOG_FILE), 'a', 0o644);
  try {
    for (const line of lines) {
      const buf = Buffer.from(line);
      const n = writeSync(fd, buf, 0, buf.length);
      if (n !== buf.length) throw new CairnError('CAIRN_IO', `short append to ${join(dir, RUN_LOG_FILE)} (${n} of ${buf.length} bytes)`);
    }
  } finally {
    closeSync(fd);
  }
}

export function appendRunRecord(dotDir: string, input: RunRecordInput): RunRecord {
  const rec: RunRecord = { id: runRecordId(input), ...input };
  appendRunLines(dotDir, [runRecordLine(rec)]);
  return rec;
}

const ITEM_KEYS = ['path', 'id'];

/** Validate one parsed line; undefined when it is not a well-formed record with a matching id. */
export function checkRunRecord(v: unknown): RunRecord | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const r = v as Record<string, unknown>;
  const str = (k: string) => typeof r[k] === 'string';
  if (!str('id') || !/^[0-9a-f]{16}$/.test(r.id as string) || !str('stage') || !str('file') || !str('started') || !str('status') || !str('hash')) return undefined;
  if (!Array.isArray(r.cmd) || !r.cmd.every((c) => typeof c === 'string')) return undefined;
  if (typeof r.duration_s !== 'number' || !['ran', 'failed', 'interrupted'].includes(r.status as string)) return undefined;
  if (!(r.commit === null || (typeof r.commit === 'string' && /^[0-9a-f]{40}$/.test(r.commit)))) return undefined;
  if (!(r.dirty === null || typeof r.dirty === 'boolean')) return undefined;
  for (const k of ['deps', 'outs']) {
    const list = r[k];
    if (!Array.isArray(list) || !list.every((x) => x && typeof x === 'object' && ITEM_KEYS.every((ik) => typeof (x as Record<string, unknown>)[ik] === 'string'))) return undefined;
  }
  for (const k of ['params', 'metrics']) if (!r[k] || typeof r[k] !== 'object' || Array.isArray(r[k])) return undefined;
  const rec = r as unknown as RunRecord;
  return runRecordId(rec) === rec.id ? rec : undefined;
}

export interface RunLog {
  records: RunRecord[];
  /** lines that did not parse or whose id did not match: file:line */
  bad: string[];
}

/** Every record in .cairn/runs/*.jsonl, oldest first, each id once. */
export function readRunLog(dotDir: string): RunLog {
  const dir = runLogDir(dotDir);
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
  } catch {
    return { records: [], bad: [] };
  }
  const seen = new Set<string>();
  const records: RunRecord[] = [];
  const bad: string[] = [];
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      let rec: RunRecord | undefined;
      try {
        rec = checkRunRecord(JSON.parse(line));
      } catch {
        rec = undefined;
      }
      if (!rec) {
        bad.push(`${join(RUN_LOG_DIR, f)}:${i + 1}`);
        return;
      }
      if (seen.has(rec.id)) return;
      seen.add(rec.id);
      records.push(rec);
    });
  }
  records.sort((a, b) => (a.started < b.started ? -1 : a.started > b.started ? 1 : 0));
  return { records, bad };
}

/** Find a record by id or unique prefix (at least 4 hex digits). */
export function findRun(records: RunRecord[], id: string): RunRecord {
  if (!/^[0-9a-f]{4,16}$/.test(id)) {
    throw new CairnError('CAIRN_USAGE', `'${id}' is not a run id (4 to 16 hex digits)`, { hint: 'run `cairn runs list` to see the ids' });
  }
  const hits = records.filter((r) => r.id.startsWith(id));
  if (hits.length === 1) return hits[0]!;
  if (hits.length === 0) throw new CairnError('CAIRN_NOT_FOUND', `no run record with id '${id}' in .cairn/runs/`, { hint: 'run `cairn runs list`, or `cairn pull --run-cache` to get the records of other machines' });
  throw new CairnError('CAIRN_USAGE', `run id '${id}' is ambiguous (${hits.length} records start with it)`, { hint: 'type more digits of the id' });
}


/** Nested mappings and lists as dotted keys (lists by index), like metrics/flatten.ts. */
function flattenParams(o: Record<string, unknown> | unknown[], prefix = '', out: Record<string, RunValue> = {}): Record<string, RunValue> {
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') flattenParams(v as Record<string, unknown>, key, out);
    else out[key] = v === undefined ? null : (v as RunValue);
  }
  return out;
}

/** params as file → key → value, flattened to one map; keys outside params.yaml get `file:` before them. */
export function flatParams(params: Record<string, Record<string, unknown>>): Record<string, RunValue> {
  const out: Record<string, RunValue> = {};
  for (const file of Object.keys(params).sort()) {
    const flat = flattenParams(params[file] ?? {});
    const base = file.split('/').pop();
    for (const [k, v] of Object.entries(flat)) out[base === 'params.yaml' && !(k in out) ? k : `${file}:${k}`] = v;
  }
  return out;
}

