// cairn.lock: what each stage last ran with and produced. Deterministic bytes: stages by
// name, deps/outs by path, params files and keys sorted, keys in a fixed order.
import type { Node } from 'yaml';
import { yaml } from '../io/yaml.js';
import { statSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { CairnError } from '../core/errors.js';
import { assertHashAlgorithm, isHashAlgorithm, type HashAlgorithm } from '../core/hash.js';
import { isValidId, type ObjectId } from '../core/ids.js';
import { joinRepoPath, repoPathProblem, toPosix } from '../core/paths.js';
import { LOCK_KIND, parseOwnYaml, readOwnText } from '../io/own-file.js';
import { writeFileAtomic } from '../io/atomic.js';

export const LOCK_FILE = 'cairn.lock';
export const LOCK_SCHEMA = '1';

export interface LockEntry { path: string; hash: HashAlgorithm; id: ObjectId; size: number; nfiles?: number }
/**
 * An external dependency (s3://bucket/key, s3://bucket/prefix/, https://...) as the lock
 * records it, inside the stage's `deps:` list: `path` is the URL, `external` its kind, `id`
 * a fingerprint (32 hex) of what was seen without downloading (docs/formats.md).
 */
export interface ExternalEntry {
  path: string;
  external: 's3' | 's3-prefix' | 'http';
  id: string;
  size: number;
  nfiles?: number;
  etag?: string;
  version_id?: string;
  last_modified?: string;
}
/** `external` holds the stage's external deps (serialised among `deps:`, by path). */
export interface LockStage { cmd: string | string[]; deps: LockEntry[]; params: Record<string, Record<string, unknown>>; outs: LockEntry[]; external?: ExternalEntry[] }

const EXTERNAL_KINDS = ['s3', 's3-prefix', 'http'];
const URL_PATH = /^(s3|https?):\/\//;
export interface LockFile { stages: Record<string, LockStage> }

/**
 * The repo-relative path a lock entry names, or why it is refused. Entry paths are
 * relative to the lock's folder and may climb out of it (`../data` for a stage in a
 * subfolder), never out of the repo; the result obeys the containment rule
 * (core/paths.ts repoPathProblem). Without `dir` (a lock read from a git blob whose
 * folder the caller does not pass) the entry must obey the rule on its own, after its
 * leading '..' segments.
 */
export function lockEntryPath(dir: string | undefined, p: unknown): { path?: string; why?: string } {
  if (typeof p !== 'string') return { why: 'must be a path (a string)' };
  const rest = p.replace(/^(\.\.\/)+/, '');
  if (p !== '.' && p !== '..' && !/^(\.\.\/)*\.\.$/.test(p)) {
    const why = repoPathProblem(rest);
    if (why) return { why };
  }
  if (dir === undefined) return { path: p };
  const joined = joinRepoPath(dir, p);
  if (joined === undefined) return { why: 'points outside the repository' };
  const why = repoPathProblem(joined);
  return why ? { why: `resolves to '${joined}', which ${why}` } : { path: joined };
}

export interface ParseLockOptions {
  /** repo-relative folder of the lock file: entry paths are checked against the repo root */
  dir?: string;
}

export function parseLock(text: string, file: string, opts: ParseLockOptions = {}): LockFile {
  const y = parseOwnYaml(text, file, LOCK_KIND);
  const doc = y.doc;
  const fail = (msg: string, node?: Node | null, line?: number, code: 'CAIRN_BAD_LOCK' | 'CAIRN_BAD_PATH' = 'CAIRN_BAD_LOCK'): CairnError => {
    const l = line ?? y.line(node);
    return new CairnError(code, `${file}${l ? `:${l}` : ''}: ${msg}`, {
      hint: `restore it with \`git checkout -- ${file}\`, or delete it and run \`cairn repro\``,
      data: { file, line: l },
    });
  };
  const root = doc.contents;
  if (root === null || (yaml().isScalar(root) && (root.value === null || root.value === ''))) return { stages: {} };
  if (!yaml().isMap(root)) throw fail('expected a mapping with `schema:` and `stages:`', root as Node);
  const get = (m: Node, key: string): Node | undefined => (yaml().isMap(m) ? (m.get(key, true) as Node | undefined) : undefined);
  const schema = get(root, 'schema');
  const schemaV = (y.value as Record<string, unknown>).schema;
  if (schema && String(schemaV) !== LOCK_SCHEMA) throw fail(`unsupported lock schema '${String(schemaV)}' (this cairn reads '${LOCK_SCHEMA}')`, schema);
  const stagesNode = get(root, 'stages');
  const out: LockFile = { stages: {} };
  if (!stagesNode || (yaml().isScalar(stagesNode) && stagesNode.value === null)) return out;
  if (!yaml().isMap(stagesNode)) throw fail('`stages:` must be a mapping', stagesNode);
  const externalOf = (n: Node, v: Record<string, unknown>, at: string): ExternalEntry => {
    if (typeof v.path !== 'string' || v.path.length > 4096 || /[\s\0]/.test(v.path)) throw fail(`${at}.path must be a URL without spaces`, get(n, 'path') ?? n);
    if (!EXTERNAL_KINDS.includes(String(v.external))) throw fail(`${at}.external must be one of ${EXTERNAL_KINDS.join(', ')}`, get(n, 'external') ?? n);
    if (typeof v.id !== 'string' || !/^[0-9a-f]{32}$/.test(v.id)) throw fail(`${at}.id: not a valid external fingerprint (32 hex)`, get(n, 'id') ?? n);
    if (typeof v.size !== 'number' || !Number.isInteger(v.size) || v.size < 0) throw fail(`${at}.size must be a non-negative integer`, get(n, 'size') ?? n);
    const e: ExternalEntry = { path: v.path, external: v.external as ExternalEntry['external'], id: v.id, size: v.size };
    if (typeof v.nfiles === 'number' && Number.isInteger(v.nfiles) && v.nfiles >= 0) e.nfiles = v.nfiles;
    for (const k of ['etag', 'version_id', 'last_modified'] as const) if (typeof v[k] === 'string') e[k] = (v[k] as string).slice(0, 1024);
    return e;
  };
  const entries = (node: Node | undefined, where: string, ext?: ExternalEntry[]): LockEntry[] => {
    if (!node || (yaml().isScalar(node) && node.value === null)) return [];
    if (!yaml().isSeq(node)) throw fail(`${where} must be a list`, node);
    const seen = new Set<string>();
    return node.items.flatMap((it, i) => {
      const n = it as Node;
      if (!yaml().isMap(n)) throw fail(`${where}[${i}] must be a mapping`, n);
      const v = y.js(n) as Record<string, unknown>;
      if (ext && (v.external !== undefined || (typeof v.path === 'string' && URL_PATH.test(v.path)))) {
        ext.push(externalOf(n, v, `${where}[${i}]`));
        return [];
      }
      const lp = lockEntryPath(opts.dir, v.path);
      if (lp.why) throw fail(`${where}[${i}].path ${JSON.stringify(v.path)} ${lp.why}`, get(n, 'path') ?? n, undefined, 'CAIRN_BAD_PATH');
      if (seen.has(v.path as string)) throw fail(`${where}[${i}].path ${JSON.stringify(v.path)} is listed twice`, get(n, 'path') ?? n);
      seen.add(v.path as string);
      if (!isHashAlgorithm(v.hash)) throw fail(`${where}[${i}].hash: unknown hash algorithm '${String(v.hash)}'`, get(n, 'hash') ?? n);
      if (!isValidId(v.hash, v.id)) throw fail(`${where}[${i}].id: not a valid ${v.hash} object id`, get(n, 'id') ?? n);
      if (typeof v.size !== 'number' || !Number.isInteger(v.size) || v.size < 0) throw fail(`${where}[${i}].size must be a non-negative integer`, get(n, 'size') ?? n);
      const e: LockEntry = { path: v.path as string, hash: assertHashAlgorithm(v.hash, file), id: v.id as string, size: v.size };
      if (v.nfiles !== undefined) {
        if (typeof v.nfiles !== 'number' || !Number.isInteger(v.nfiles) || v.nfiles < 0) throw fail(`${where}[${i}].nfiles must be a non-negative integer`, get(n, 'nfiles') ?? n);
        e.nfiles = v.nfiles;
      }
      return [e];
    });
  };
  for (const pair of stagesNode.items) {
    const name = String(y.js(pair.key as Node) ?? pair.key);
    const sn = pair.value as Node;
    if (!yaml().isMap(sn)) throw fail(`stage '${name}' must be a mapping`, sn ?? (pair.key as Node));
    const cmdNode = get(sn, 'cmd');
    const cmd = cmdNode ? y.js(cmdNode) : undefined;
    const okCmd = typeof cmd === 'string' || (Array.isArray(cmd) && cmd.every((c) => typeof c === 'string'));
    if (!okCmd) throw fail(`stages.${name}.cmd must be a string or a list of strings`, cmdNode ?? sn);
    const paramsNode = get(sn, 'params');
    const params: Record<string, Record<string, unknown>> = {};
    if (paramsNode && !(yaml().isScalar(paramsNode) && paramsNode.value === null)) {
      if (!yaml().isMap(paramsNode)) throw fail(`stages.${name}.params must be a mapping of file -> key -> value`, paramsNode);
      const pj = y.js(paramsNode) as Record<string, unknown>;
      for (const [f, kv] of Object.entries(pj)) {
        if (!kv || typeof kv !== 'object' || Array.isArray(kv)) throw fail(`stages.${name}.params.${f} must be a mapping of key -> value`, get(paramsNode, f) ?? paramsNode);
        params[f] = kv as Record<string, unknown>;
      }
    }
    const external: ExternalEntry[] = [];
    out.stages[name] = {
      cmd: cmd as string | string[],
      deps: entries(get(sn, 'deps'), `stages.${name}.deps`, external),
      params,
      outs: entries(get(sn, 'outs'), `stages.${name}.outs`),
      ...(external.length ? { external } : {}),
    };
  }
  return out;
}

function entryOut(e: LockEntry): Record<string, unknown> {
  const o: Record<string, unknown> = { path: e.path, hash: e.hash, id: e.id, size: e.size };
  if (e.nfiles !== undefined) o.nfiles = e.nfiles;
  return o;
}

function externalOut(e: ExternalEntry): Record<string, unknown> {
  const o: Record<string, unknown> = { path: e.path, external: e.external, id: e.id, size: e.size };
  if (e.nfiles !== undefined) o.nfiles = e.nfiles;
  for (const k of ['etag', 'version_id', 'last_modified'] as const) if (e[k] !== undefined) o[k] = e[k];
  return o;
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
const sortStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Canonical form of one stage (sorted lists and keys), also used for run-cache keys. */
export function canonicalStage(s: LockStage): Record<string, unknown> {
  const o: Record<string, unknown> = { cmd: s.cmd };
  const deps: { path: string; out: Record<string, unknown> }[] = [
    ...s.deps.map((d) => ({ path: d.path, out: entryOut(d) })),
    ...(s.external ?? []).map((d) => ({ path: d.path, out: externalOut(d) })),
  ];
  if (deps.length) o.deps = deps.sort(byPath).map((d) => d.out);
  const files = Object.keys(s.params).sort(sortStr);
  if (files.length) {
    const p: Record<string, Record<string, unknown>> = {};
    for (const f of files) {
      const kv = s.params[f]!;
      p[f] = {};
      for (const k of Object.keys(kv).sort(sortStr)) p[f][k] = kv[k];
    }
    o.params = p;
  }
  if (s.outs.length) o.outs = [...s.outs].sort(byPath).map(entryOut);
  return o;
}

/** Whether two entries of one stage would be written the same (the canonical form serializeLock writes). */
export function sameLockStage(a: LockStage | undefined, b: LockStage): boolean {
  return a !== undefined && JSON.stringify(canonicalStage(a)) === JSON.stringify(canonicalStage(b));
}

export function serializeLock(lock: LockFile): string {
  const stages: Record<string, unknown> = {};
  for (const name of Object.keys(lock.stages).sort(sortStr)) stages[name] = canonicalStage(lock.stages[name]!);
  return yaml().stringify({ schema: LOCK_SCHEMA, stages }, { lineWidth: 0, sortMapEntries: false, singleQuote: true });
}

/**
 * Read a cairn.lock from the workspace (never through a symlink, size-capped); undefined
 * when absent. Entry paths are checked against the repo root: `root` when given, else the
 * nearest folder above holding .cairn/.
 */
export function readLock(absFile: string, root?: string): LockFile | undefined {
  const r = root ?? findRoot(dirname(absFile));
  const display = r !== undefined ? toPosix(relative(r, absFile)) : absFile;
  const text = readOwnText(absFile, LOCK_KIND, { display, root: r });
  if (text === undefined) return undefined;
  const dir = r === undefined ? undefined : posix.dirname(display);
  return parseLock(text, display, { dir });
}

function findRoot(from: string): string | undefined {
  for (let d = resolve(from); ; d = dirname(d)) {
    if (statSync(join(d, '.cairn'), { throwIfNoEntry: false })?.isDirectory()) return d;
    if (dirname(d) === d) return undefined;
  }
}

export function writeLock(absFile: string, lock: LockFile): void {
  writeFileAtomic(absFile, serializeLock(lock));
}
