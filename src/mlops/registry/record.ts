// The version record (the YAML message of a `NAME@vX.Y.Z` tag) and the alias event (the
// message of a `NAME#ALIAS#N` tag). Each carries a checksum over its canonical JSON, so a tag
// re-created by hand with an edited message is detected; the record's commit must also be
// the commit the tag points to. Messages come from any clone: they are parsed as hostile.
import { createHash } from 'node:crypto';
import type { parse, stringify } from 'yaml';
import { yaml } from '../../io/yaml.js';

export type Value = number | string | boolean | null;

export interface DataRef {
  path: string;
  id: string;
  /** where the bytes come from: a raw pointer (`X.cairn`), a stage out, or a file in git */
  kind?: 'pointer' | 'output' | 'git';
}

export interface VersionRecord {
  name: string;
  version: string;
  commit: string;
  branch: string | null;
  author: string;
  dirty: boolean;
  registered_at: string;
  path: string;
  hash: string;
  id: string;
  size: number;
  nfiles?: number;
  stage: string | null;
  cmd: string[] | null;
  run: string | null;
  data: DataRef[];
  params: Record<string, Value>;
  metrics: Record<string, Value>;
  eval_set: { path: string; id: string } | null;
  predictions: { path: string; id: string } | null;
  gate: { verdict: string; report_id: string } | null;
  forced?: { allow_dirty: true };
  checksum?: string;
}

export interface AliasEvent {
  name: string;
  alias: string;
  version: string;
  reason: string | null;
  by: string;
  at: string;
  forced?: { reason: string | null; violations: string[] };
  /** what moved the alias when not a person's `model promote`: 'rollout' (cairn deploy) */
  moved_by?: string;
  checksum?: string;
}

export interface DeprecationEvent {
  name: string;
  version: string;
  reason: string | null;
  by: string;
  at: string;
  checksum?: string;
}

function stable(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stable(o[k])}`).join(',')}}`;
}

export function checksumOf(rec: object): string {
  const { checksum: _c, ...rest } = rec as { checksum?: string };
  return `sha256:${createHash('sha256').update(stable(rest)).digest('hex')}`;
}

/** The tag message: a first line GTO shows as the message, then the record as YAML. */
export function toMessage(kind: 'version' | 'alias' | 'deprecation', rec: object): string {
  const body = { ...rec, checksum: checksumOf(rec) };
  return `# cairn ${kind} record\n${yaml().stringify(body, { lineWidth: 0, sortMapEntries: false })}`;
}

export interface Parsed<T> {
  record: T | null;
  problems: string[];
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrOrNull = (v: unknown) => v === null || typeof v === 'string';
const isFlat = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every((x) => x === null || ['number', 'string', 'boolean'].includes(typeof x));
const isRef = (v: unknown) => !!v && typeof v === 'object' && isStr((v as DataRef).path) && isStr((v as DataRef).id);

function parseYaml(message: string): { data: Record<string, unknown> | null; problem?: string } {
  if (!message.trim()) return { data: null, problem: 'the tag message is empty (not written by cairn)' };
  let data: unknown;
  try {
    data = yaml().parse(message, { maxAliasCount: 50, uniqueKeys: true, prettyErrors: false });
  } catch (e) {
    return { data: null, problem: `the tag message is not a YAML record: ${(e as Error).message.split('\n')[0]}` };
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { data: null, problem: 'the tag message is not a record (not written by cairn)' };
  return { data: data as Record<string, unknown> };
}

function checkSum(data: Record<string, unknown>, problems: string[]): void {
  if (!isStr(data.checksum)) problems.push('the record has no checksum');
  else if (checksumOf(data) !== data.checksum) problems.push(`the record's checksum does not match its content (the tag was edited by hand): expected ${checksumOf(data)}`);
}

/** Parse a version tag's message; `problems` says why it cannot be trusted. */
export function parseVersionRecord(message: string, tag: { name: string; version: string; target: string }): Parsed<VersionRecord> {
  const { data, problem } = parseYaml(message);
  if (!data) return { record: null, problems: [problem!] };
  const problems: string[] = [];
  const r = data as unknown as VersionRecord;
  const bad = (f: string) => problems.push(`field '${f}' is missing or malformed`);
  if (r.name !== tag.name) problems.push(`the record names model '${String(r.name)}', the tag '${tag.name}'`);
  if (r.version !== tag.version) problems.push(`the record names version '${String(r.version)}', the tag '${tag.version}'`);
  if (!isStr(r.commit) || !/^[0-9a-f]{40}$/.test(r.commit)) bad('commit');
  else if (r.commit !== tag.target) problems.push(`the record names commit ${r.commit}, the tag points to ${tag.target} (the tag was moved)`);
  for (const f of ['path', 'hash', 'id', 'author', 'registered_at'] as const) if (!isStr(r[f])) bad(f);
  if (isStr(r.path) && (r.path.startsWith('/') || r.path.split('/').includes('..'))) problems.push(`path '${r.path}' leaves the repository`);
  if (typeof r.size !== 'number') bad('size');
  if (typeof r.dirty !== 'boolean') bad('dirty');
  if (!isStrOrNull(r.branch)) bad('branch');
  if (!isStrOrNull(r.stage)) bad('stage');
  if (!isStrOrNull(r.run)) bad('run');
  if (!(r.cmd === null || (Array.isArray(r.cmd) && r.cmd.every(isStr)))) bad('cmd');
  if (!Array.isArray(r.data) || !r.data.every(isRef)) bad('data');
  if (!isFlat(r.params)) bad('params');
  if (!isFlat(r.metrics)) bad('metrics');
  for (const f of ['eval_set', 'predictions'] as const) if (!(r[f] === null || isRef(r[f]))) bad(f);
  if (!(r.gate === null || (r.gate && isStr(r.gate.verdict) && isStr(r.gate.report_id)))) bad('gate');
  checkSum(data, problems);
  return { record: problems.some((p) => p.startsWith('field')) ? null : r, problems };
}

export function parseAliasEvent(message: string, tag: { name: string; alias: string }): Parsed<AliasEvent> {
  const { data, problem } = parseYaml(message);
  if (!data) return { record: null, problems: [problem!] };
  const problems: string[] = [];
  const r = data as unknown as AliasEvent;
  if (r.name !== tag.name || r.alias !== tag.alias) problems.push(`the event names ${String(r.name)}#${String(r.alias)}, the tag ${tag.name}#${tag.alias}`);
  if (!isStr(r.version) || !isStr(r.at) || !isStr(r.by) || !isStrOrNull(r.reason)) return { record: null, problems: [...problems, 'the event is malformed'] };
  checkSum(data, problems);
  return { record: r, problems };
}

export function parseDeprecation(message: string, tag: { name: string; version: string }): Parsed<DeprecationEvent> {
  const { data } = parseYaml(message);
  const problems: string[] = [];
  if (!data) return { record: null, problems };
  const r = data as unknown as DeprecationEvent;
  if (r.version !== tag.version || !isStr(r.at)) return { record: null, problems: ['the deprecation is malformed'] };
  checkSum(data, problems);
  return { record: r, problems };
}

export interface TagInfo {
  record: VersionRecord | AliasEvent | DeprecationEvent | null;
  problems: string[];
}

/** Parse and check a registry tag's message once (the index keeps the result). */
export function interpretTag(t: { parsed: { action: string; name: string; version?: string; alias?: string }; message: string; target: string }): TagInfo {
  const p = t.parsed;
  if (p.action === 'register') return parseVersionRecord(t.message, { name: p.name, version: p.version!, target: t.target });
  if (p.action === 'assign' || p.action === 'unassign') return parseAliasEvent(t.message, { name: p.name, alias: p.alias! });
  if (p.action === 'deregister') return parseDeprecation(t.message, { name: p.name, version: p.version! });
  return { record: null, problems: [] };
}
