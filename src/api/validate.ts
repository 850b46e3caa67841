// cairn validate: check a table (a file, a folder, a tracked target, or any of them as of a git
// revision) against a schema, reporting every violation in one run; or propose a schema the
// data passes (--infer). Returns plain data with a verdict; the CLI renders and exits.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, posix, relative, resolve } from 'node:path';
import { CairnError } from '../core/errors.js';
import { isDirId } from '../core/ids.js';
import { parseManifest } from '../core/manifest.js';
import { repoRelative } from '../core/paths.js';
import type { Verdict } from '../core/verdict.js';
import { batchLength, formatOf, readTable, tableFiles, type TableFile, type TableFormat } from '../io/tables/index.js';
import { Inferrer } from '../mlops/validate/infer.js';
import { MAX_SCHEMA_BYTES, parseSchema } from '../mlops/validate/schema.js';
import { dateColumns, numericColumns, Validator, type CheckResult, type Failure, type TableFileInfo } from '../mlops/validate/validator.js';
import type { PointerOut } from '../repo/pointer.js';
import type { Repo } from '../repo/repo.js';

// What only a tracked target or --rev needs (the repository, its cache, git history: ~40
// modules) is imported when needed, so validating a plain file starts with the table reader only.
const POINTER_SUFFIX = '.cairn';
const repoMod = () => import('../repo/repo.js');

export interface ValidateOptions {
  cwd: string;
  /** a file, a folder, a tracked target (path with a .cairn pointer) */
  data: string;
  /** the schema file (YAML); read from the workspace, also with rev */
  schema: string;
  /** validate the data as of this git revision (read-only: the workspace is not touched) */
  rev?: string;
  /** force a table format (default: by extension) */
  format?: TableFormat;
  /** keep at most N failing rows and values per check (counts stay exact) */
  maxExamples?: number;
}

export interface ValidateResult {
  verdict: Verdict;
  /** the data as named (with @rev when a revision was read) */
  data: string;
  schema: string;
  rev?: string;
  /** where the bytes came from: the workspace, the cache (through a pointer), git history */
  source: 'workspace' | 'cache' | 'git';
  rows: number;
  columns: string[];
  files: TableFileInfo[];
  failures: Failure[];
  checks: CheckResult[];
  summary: { checks: number; passed: number; failed: number; errors: number; warnings: number; skipped: number };
}

export interface InferOptions {
  cwd: string;
  data: string;
  rev?: string;
  format?: TableFormat;
}

export interface InferResult {
  data: string;
  rows: number;
  /** the proposed schema, YAML */
  schema: string;
}

interface Resolved {
  files: TableFile[];
  name: string;
  source: ValidateResult['source'];
  /** a tracked target whose workspace copy is absent: the pointer out to read from the cache */
  pointerOut?: PointerOut;
}

function readSchemaFile(cwd: string, path: string): string {
  const abs = resolve(cwd, path);
  let size: number;
  try {
    const st = statSync(abs);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    throw new CairnError('CAIRN_BAD_SCHEMA', `schema file ${path} does not exist or is not a file`, { hint: 'pass --schema FILE (or write one with `cairn validate DATA --infer > schema.yaml`)', data: { file: path } });
  }
  if (size > MAX_SCHEMA_BYTES) throw new CairnError('CAIRN_BAD_SCHEMA', `${path}: a schema file over ${MAX_SCHEMA_BYTES} bytes is refused`, { data: { file: path } });
  return readFileSync(abs, 'utf8');
}

/** The table files a cache object names: one file, or a directory manifest's table files. */
function cachedFiles(repo: Repo, out: PointerOut, name: string): TableFile[] {
  if (out.hash !== repo.algo) {
    throw new CairnError('CAIRN_MISSING_FROM_CACHE', `${name} is tracked with ${out.hash} but this cache uses ${repo.algo}`, { data: { path: name } });
  }
  if (!isDirId(out.id)) return [{ name, path: repo.cache.verified(out.id, undefined, name) }];
  const manifest = parseManifest(repo.cache.get(out.id, name), repo.algo, name);
  const files = manifest.filter((e) => formatOf(e.relpath) && !e.relpath.split('/').some((s) => s.startsWith('.') || s.startsWith('_')));
  if (!files.length) throw new CairnError('CAIRN_NOT_FOUND', `tracked folder ${name} holds no table files`, { data: { path: name } });
  return files.map((e) => ({ name: `${name}/${e.relpath}`, path: repo.cache.verified(e.hash, e.size, `${name}/${e.relpath}`) }));
}

/** Workspace data: the path itself when present, else the cached bytes its pointer names. */
async function resolveWorkspace(cwd: string, data: string): Promise<Resolved> {
  const target = data.endsWith(POINTER_SUFFIX) ? data.slice(0, -POINTER_SUFFIX.length) : data;
  const abs = resolve(cwd, target);
  if (existsSync(abs)) return { files: tableFiles(abs, target), name: target, source: 'workspace' };
  const ptr = abs + POINTER_SUFFIX;
  if (existsSync(ptr) && (await repoMod()).findRepoRoot(cwd)) {
    const p = (await import('../repo/pointer.js')).readPointer(ptr, target + POINTER_SUFFIX);
    const out = p.outs.find((o) => resolve(dirname(ptr), o.path) === abs) ?? p.outs[0]!;
    return { files: [], name: target, source: 'cache', pointerOut: out };
  }
  throw new CairnError('CAIRN_NOT_FOUND', `no such file or folder: ${target} (and no ${target}${POINTER_SUFFIX} pointer)`, { data: { path: target } });
}

async function resolveData(o: { cwd: string; data: string; rev?: string }): Promise<Resolved> {
  if (!o.rev) {
    const r = await resolveWorkspace(o.cwd, o.data);
    if (r.pointerOut) {
      const repo = await (await repoMod()).Repo.open(o.cwd);
      return { files: cachedFiles(repo, r.pointerOut, r.name), name: r.name, source: 'cache' };
    }
    return r;
  }
  // a revision: committed bytes, else the object its pointer or lock names at that revision
  const [{ Repo }, { parsePointer }, { commitView, openHistory, readDataAt, refsAt }] = await Promise.all([repoMod(), import('../repo/pointer.js'), import('../pipeline/rev-views.js')]);
  const repo = await Repo.open(o.cwd);
  const target = o.data.endsWith(POINTER_SUFFIX) ? o.data.slice(0, -POINTER_SUFFIX.length) : o.data;
  const rel = repoRelative(repo.root, resolve(o.cwd, target));
  if (!rel || rel === '.') throw new CairnError('CAIRN_BAD_TARGET', `'${o.data}' is outside the repository ${repo.root}`, { data: { target: o.data } });
  const h = await openHistory(repo);
  const oid = await h.resolve(o.rev);
  const view = commitView(h, o.rev, oid);
  const name = `${target}@${o.rev}`;
  const committed = await view.readFile(rel);
  if (committed) return { files: [{ name, bytes: committed, format: formatOf(rel) }], name, source: 'git' };
  const listed = await h.listFiles(oid, rel);
  if (listed) {
    // a committed folder: its table files, read from git objects
    const files: TableFile[] = [];
    for (const p of listed.filter((x) => formatOf(x) && !x.split('/').some((seg) => seg.startsWith('.') || seg.startsWith('_')))) {
      files.push({ name: `${name}/${p}`, bytes: (await view.readFile(`${rel}/${p}`))!, format: formatOf(p) });
    }
    if (files.length) return { files, name, source: 'git' };
  }
  const ptrText = await view.readFile(rel + POINTER_SUFFIX);
  let out: PointerOut | undefined;
  if (ptrText) {
    const p = parsePointer(ptrText.toString('utf8'), `${rel}${POINTER_SUFFIX}@${o.rev}`);
    out = p.outs.find((x) => posix.join(posix.dirname(rel), x.path) === rel) ?? p.outs[0];
  } else {
    const ref = (await refsAt(view)).find((r) => r.path === rel);
    if (ref) out = { path: rel, hash: ref.hash, id: ref.id, size: ref.size ?? 0, nfiles: ref.nfiles };
  }
  if (!out) throw new CairnError('CAIRN_NOT_FOUND', `${rel} does not exist at ${o.rev} (neither committed nor tracked by a pointer or cairn.lock)`, { hint: `list what the revision holds with \`git ls-tree -r ${o.rev}\``, data: { path: rel, rev: o.rev } });
  if (!isDirId(out.id) && !repo.cache.has(out.id)) {
    // fetched from the default remote into the cache (never into the workspace)
    const bytes = await readDataAt(repo, view, rel).catch(() => undefined);
    if (bytes) return { files: [{ name, bytes, format: formatOf(rel) }], name, source: 'cache' };
  }
  return { files: cachedFiles(repo, out, name).map((f) => ({ ...f, format: f.format ?? formatOf(f.name.replace(/@[^/]*$/, '')) ?? formatOf(rel) })), name, source: 'cache' };
}

/** Validate a table against a schema: every violation of every check, in one pass. */
export async function validate(o: ValidateOptions): Promise<ValidateResult> {
  if (o.maxExamples !== undefined && (!Number.isInteger(o.maxExamples) || o.maxExamples < 0)) {
    throw new CairnError('CAIRN_USAGE', `--max-examples must be a whole number >= 0, got ${o.maxExamples}`);
  }
  // the schema first: a schema that does not parse never gets as far as a report
  const schema = parseSchema(readSchemaFile(o.cwd, o.schema), o.schema);
  const v = new Validator(schema, { maxExamples: o.maxExamples });
  const d = await resolveData(o);
  for await (const b of readTable(d.files, { format: o.format, numeric: numericColumns(schema), dates: dateColumns(schema) })) v.push(b);
  const r = v.finish();
  return { verdict: r.verdict, data: d.name, schema: relative(o.cwd, resolve(o.cwd, o.schema)) || o.schema, ...(o.rev ? { rev: o.rev } : {}), source: d.source, rows: r.rows, columns: r.columns, files: r.files, failures: r.failures, checks: r.checks, summary: r.summary };
}

/** Propose a schema the data passes (stable: the same data gives the same text). */
export async function inferSchema(o: InferOptions): Promise<InferResult> {
  const d = await resolveData(o);
  const inf = new Inferrer();
  let rows = 0;
  for await (const b of readTable(d.files, { format: o.format })) {
    inf.push(b);
    rows += batchLength(b);
  }
  return { data: d.name, rows, schema: inf.finish() };
}
