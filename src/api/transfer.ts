// What push, fetch, pull and status --cloud share: which objects the workspace (or the
// named targets) refers to, the remote to use, run-cache entries, and how a transfer's
// failures become one error.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CairnError } from '../core/errors.js';
import { isValidId } from '../core/ids.js';
import { listRunEntries, readRunEntry, writeRunEntry, RUNS_DIR } from '../cache/run-cache.js';
import { appendRunLines, checkRunRecord, readRunLog, runRecordLine } from '../cache/runs.js';
import { openRemote, remoteSpec } from '../remote/open.js';
import type { Remote } from '../remote/remote.js';
import { runPool } from '../remote/pool.js';
import type { TransferItem, TransferResult } from '../remote/transfer.js';
import { uncachedOutsAt } from './history.js';
import { History } from '../git/revision.js';
import { collectRefs, hasHistory, type RefScope } from '../repo/revisions.js';
import type { Repo } from '../repo/repo.js';
import { resolveTarget } from '../repo/tracked.js';
import { tempIn } from '../io/tempname.js';
import type { ByteMeter } from '../core/progress.js';

export interface TransferCommonOptions {
  cwd: string;
  /** data paths (or pointer files) as typed, relative to cwd; everything when empty */
  targets?: string[];
  /** remote name; the default remote when omitted */
  remote?: string;
  /** parallel transfers; the remote's `jobs` setting or 16 when omitted */
  jobs?: number;
  /** also transfer run-cache entries (and the objects they name) */
  runCache?: boolean;
  /** also what these revisions' pointer and lock files name (read through git history) */
  allBranches?: boolean;
  allTags?: boolean;
  allCommits?: boolean;
  revs?: string[];
  onProgress?: (done: number, total: number, what: string) => void;
  /** bytes sent or received (core/progress.ts) */
  meter?: ByteMeter;
}

export interface TransferSummary {
  remote: string;
  url: string;
  /** objects sent or received (directory manifests count as objects) */
  transferred: number;
  /** objects the other side already had */
  skipped: number;
  bytes: number;
  seconds: number;
  missing: TransferResult['missing'];
  failed: TransferResult['failed'];
  incompleteDirs: TransferResult['incompleteDirs'];
  /** push: objects whose remote copy was bad and was replaced (empty for fetch) */
  replaced: TransferResult['replaced'];
  runs?: { transferred: number; skipped: number; failed: number };
  /** run records (.cairn/runs/) moved with the run-cache */
  runRecords?: { transferred: number; skipped: number; failed: number };
  requests: { requests: number; heads: number; lists: number; retries: number };
}

export async function selectItems(repo: Repo, cwd: string, targets: string[] | undefined, scopes: RefScope = {}): Promise<TransferItem[]> {
  // the workspace, plus (for --all-branches/--all-tags/--all-commits/--rev) what those
  // revisions name: the same walk, and the same references, gc keeps for those scopes
  const history = hasHistory(scopes) ? await History.open(repo.root) : undefined;
  const { refs: all0 } = await collectRefs(repo, { ...scopes, history, uncachedOuts: uncachedOutsAt(repo, history) });
  const all = all0.filter((r) => r.hash === repo.algo);
  const seen = new Set<string>();
  const refs = all.filter((r) => {
    const k = `${r.path}\0${r.id}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  // the size (when the pointer records it) gives the byte meter its total
  const item = (r: (typeof refs)[number]): TransferItem => ({ path: r.path, id: r.id, ...(r.size !== undefined && !r.id.endsWith('.dir') ? { size: r.size } : {}) });
  if (!targets || targets.length === 0) return refs.map(item);
  const out: TransferItem[] = [];
  for (const t of targets) {
    const rel = resolveTarget(repo, cwd, t);
    const hits = refs.filter((r) => r.path === rel || r.path.startsWith(rel + '/'));
    if (hits.length === 0) {
      throw new CairnError('CAIRN_BAD_TARGET', `'${t}' is not tracked by cairn (no ${rel}.cairn or pipeline output)`, {
        hint: 'run `cairn status` to see what is tracked',
        data: { target: t },
      });
    }
    for (const h of hits) out.push(item(h));
  }
  return out;
}

export async function remoteFor(repo: Repo, name: string | undefined, jobs: number | undefined): Promise<{ remote: Remote; name: string; url: string }> {
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1 || jobs > 256)) {
    throw new CairnError('CAIRN_USAGE', `-j/--jobs must be a whole number from 1 to 256, not '${jobs}'`);
  }
  const spec = remoteSpec(repo.config, name);
  return { remote: await openRemote(spec, repo.root, jobs), name: spec.name, url: spec.url };
}

export function jobsFor(repo: Repo, name: string, jobs: number | undefined): number {
  if (jobs !== undefined) return jobs;
  const j = repo.config.get(`remote.${name}.jobs`);
  return typeof j === 'number' && j > 0 ? j : 16;
}

export function summarize(name: string, url: string, r: TransferResult, seconds: number): TransferSummary {
  return {
    remote: name,
    url,
    transferred: r.transferred,
    skipped: r.skipped,
    bytes: r.bytes,
    seconds: Math.round(seconds * 1000) / 1000,
    missing: r.missing,
    failed: r.failed,
    incompleteDirs: r.incompleteDirs,
    replaced: r.replaced,
    requests: { ...r.requests },
  };
}

/** One error for everything that went wrong, or undefined. Integrity problems exit 5. */
export function transferError(s: TransferSummary, verb: 'push' | 'fetch' | 'pull'): CairnError | undefined {
  const problems = s.failed.length + s.missing.length + (s.runs?.failed ?? 0);
  if (problems === 0 && s.incompleteDirs.length === 0) return undefined;
  const integrity = s.failed.find((f) => f.code === 'CAIRN_INTEGRITY' || f.code === 'CAIRN_BAD_MANIFEST');
  const lines: string[] = [];
  for (const f of s.failed.slice(0, 10)) lines.push(`  ${f.path}: ${f.message}`);
  if (s.failed.length > 10) lines.push(`  ... and ${s.failed.length - 10} more failures`);
  const where = verb === 'push' ? 'the local cache' : `remote '${s.remote}' (${s.url})`;
  for (const m of s.missing.slice(0, 10)) lines.push(`  ${m.path}: object ${m.id} is not in ${where}`);
  if (s.missing.length > 10) lines.push(`  ... and ${s.missing.length - 10} more missing`);
  for (const d of s.incompleteDirs.slice(0, 10)) lines.push(`  ${d.path}: directory ${d.id} ${verb === 'push' ? 'manifest not pushed' : 'not complete'} because files above failed`);
  const n = s.failed.length + s.missing.length;
  return new CairnError(
    integrity ? 'CAIRN_INTEGRITY' : 'CAIRN_FAILED',
    `${verb}: ${n} object${n === 1 ? '' : 's'} could not be transferred${integrity ? (verb === 'push' ? ' (corrupt in the local cache: quarantined, not pushed)' : ' (corrupt on the remote: rejected, not cached)') : ''}:\n${lines.join('\n')}`,
    {
      hint:
        verb === 'push'
          ? integrity
            ? 'run `cairn status` to see what is missing from the cache, then re-add the data (`cairn add`/`cairn commit`) or fetch a good copy, and push again'
            : s.missing.length && !s.failed.length
            ? 'the data is not in this cache: run `cairn status`, re-add it, or fetch it from another remote'
            : 'run `cairn push` again: it sends only what is still missing'
          : integrity
            ? 'on a machine that has good data run `cairn push --verify-remote` (it replaces the bad remote copies), then fetch again'
            : s.missing.length && !s.failed.length
              ? `the remote never received ${s.missing.length === 1 ? 'this object' : 'these objects'}: run \`cairn push\` where the data was added (\`cairn status --cloud\` shows what the remote holds)`
              : `run \`cairn ${verb}\` again: it fetches only what is still missing${s.missing.length ? ' (objects the remote never received need a `cairn push` where the data was added)' : ''}`,
      data: { failed: s.failed, missing: s.missing, incompleteDirs: s.incompleteDirs },
    },
  );
}

// ----------------------------------------------------------------------------- run-cache

export function runKeyPath(key: string): string {
  return `${RUNS_DIR}/${key.slice(0, 2)}/${key.slice(2)}`;
}

const RUN_KEY = /^[0-9a-f]{64}$/;

/** Local run-cache entries and the objects their outs name. */
export function localRuns(repo: Repo): { key: string; file: string; outs: TransferItem[] }[] {
  return listRunEntries(repo.cache.dir).map((e) => {
    const entry = readRunEntry(e.file);
    return { key: e.key, file: e.file, outs: entry.outs.filter((o) => o.hash === repo.algo).map((o) => ({ path: o.path, id: o.id })) };
  });
}

export async function pushRuns(
  repo: Repo,
  remote: Remote,
  runs: { key: string; file: string; outs: TransferItem[] }[],
  pushed: Set<string>,
  jobs: number,
): Promise<{ transferred: number; skipped: number; failed: number; records?: RecordCounts }> {
  const r = { transferred: 0, skipped: 0, failed: 0 };
  const there = await remote.existsMany(runs.map((e) => runKeyPath(e.key)));
  const todo = runs.filter((e) => {
    if (there.has(runKeyPath(e.key))) {
      r.skipped++;
      return false;
    }
    // an entry goes up only when every object it names is on the remote
    if (e.outs.some((o) => !pushed.has(o.id))) {
      r.failed++;
      return false;
    }
    return true;
  });
  await runPool(
    todo.map((e) => async () => {
      const bytes = readFileSync(e.file);
      await remote.put(runKeyPath(e.key), { bytes, size: bytes.length });
      r.transferred++;
    }),
    jobs,
  );
  return { ...r, records: await pushRunRecords(repo, remote, jobs) };
}

/** Download run-cache entries the local cache lacks; returns them (validated) for their outs. */
export async function fetchRuns(repo: Repo, remote: Remote, jobs: number): Promise<{ keys: { key: string; outs: TransferItem[] }[]; transferred: number; skipped: number; failed: number; records?: RecordCounts }> {
  const have = new Set(listRunEntries(repo.cache.dir).map((e) => e.key));
  const remoteKeys: string[] = [];
  for await (const k of remote.list(`${RUNS_DIR}/`)) {
    const m = /^runs\/([0-9a-f]{2})\/([0-9a-f]{62})$/.exec(k);
    if (m && RUN_KEY.test(m[1]! + m[2]!)) remoteKeys.push(m[1]! + m[2]!);
  }
  const r = { keys: [] as { key: string; outs: TransferItem[] }[], transferred: 0, skipped: 0, failed: 0 };
  mkdirSync(repo.paths.tmpDir, { recursive: true });
  await runPool(
    remoteKeys.map((key) => async () => {
      if (have.has(key)) {
        r.skipped++;
        const entry = readRunEntry(join(repo.cache.dir, runKeyPath(key)));
        r.keys.push({ key, outs: entry.outs.filter((o) => o.hash === repo.algo).map((o) => ({ path: o.path, id: o.id })) });
        return;
      }
      const tmp = tempIn(repo.paths.tmpDir, 'run');
      try {
        await remote.get(runKeyPath(key), tmp);
        const entry = readRunEntry(tmp); // untrusted: validated like any run-cache file
        if (entry.outs.some((o) => !isValidId(o.hash, o.id))) throw new CairnError('CAIRN_INTEGRITY', `run-cache entry ${key} names an invalid object id`);
        writeRunEntry(repo.cache.dir, key, entry);
        r.transferred++;
        r.keys.push({ key, outs: entry.outs.filter((o) => o.hash === repo.algo).map((o) => ({ path: o.path, id: o.id })) });
      } catch {
        r.failed++;
      } finally {
        rmSync(tmp, { force: true });
      }
    }),
    jobs,
  );
  return { ...r, records: await fetchRunRecords(repo, remote, jobs) };
}

// ----------------------------------------------------------------------------- run records

type RecordCounts = { transferred: number; skipped: number; failed: number };
const RUN_LOG_PREFIX = 'runlog';
const recordKey = (id: string) => `${RUN_LOG_PREFIX}/${id.slice(0, 2)}/${id.slice(2)}`;

/** Run records (.cairn/runs/) go up one object per record, named by their content-derived id. */
export async function pushRunRecords(repo: Repo, remote: Remote, jobs: number): Promise<{ transferred: number; skipped: number; failed: number }> {
  const r = { transferred: 0, skipped: 0, failed: 0 };
  const { records } = readRunLog(repo.paths.dotDir);
  const there = await remote.existsMany(records.map((x) => recordKey(x.id)));
  await runPool(
    records.map((rec) => async () => {
      if (there.has(recordKey(rec.id))) {
        r.skipped++;
        return;
      }
      try {
        const bytes = Buffer.from(runRecordLine(rec));
        await remote.put(recordKey(rec.id), { bytes, size: bytes.length });
        r.transferred++;
      } catch {
        r.failed++;
      }
    }),
    jobs,
  );
  return r;
}

/** Records the remote has and the log lacks; each is checked (shape, id = its content) before it is appended. */
export async function fetchRunRecords(repo: Repo, remote: Remote, jobs: number): Promise<{ transferred: number; skipped: number; failed: number }> {
  const have = new Set(readRunLog(repo.paths.dotDir).records.map((x) => x.id));
  const ids: string[] = [];
  for await (const k of remote.list(`${RUN_LOG_PREFIX}/`)) {
    const m = /^runlog\/([0-9a-f]{2})\/([0-9a-f]{14})$/.exec(k);
    if (m) ids.push(m[1]! + m[2]!);
  }
  const r = { transferred: 0, skipped: 0, failed: 0 };
  const lines: string[] = [];
  mkdirSync(repo.paths.tmpDir, { recursive: true });
  await runPool(
    ids.map((id) => async () => {
      if (have.has(id)) {
        r.skipped++;
        return;
      }
      const tmp = join(repo.paths.tmpDir, `runlog.${process.pid}.${id}`);
      try {
        await remote.get(recordKey(id), tmp);
        const text = readFileSync(tmp, 'utf8');
        if (text.length > 1 << 20) throw new Error('record too large');
        const rec = checkRunRecord(JSON.parse(text));
        if (!rec || rec.id !== id) throw new Error(`run record ${id} does not match its id`);
        lines.push(runRecordLine(rec));
        r.transferred++;
      } catch {
        r.failed++;
      } finally {
        rmSync(tmp, { force: true });
      }
    }),
    jobs,
  );
  appendRunLines(repo.paths.dotDir, lines);
  return r;
}
