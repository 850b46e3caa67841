// The run-cache (cache/run-cache.ts entries) and the run records (.cairn/runs/) on a remote:
// push sends the entries whose objects are all there, fetch brings back what the local cache
// lacks, each validated like any untrusted file before it is written.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CairnError } from '../core/errors.js';
import { isValidId } from '../core/ids.js';
import { listRunEntries, readRunEntry, writeRunEntry, RUNS_DIR } from '../cache/run-cache.js';
import { appendRunLines, checkRunRecord, readRunLog, runRecordLine } from '../cache/runs.js';
import type { Repo } from '../repo/repo.js';
import { tempIn } from '../io/tempname.js';
import { runPool } from './pool.js';
import type { Remote } from './remote.js';
import type { TransferItem } from './transfer.js';

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
        if (text.length > 1 << 20) throw new CairnError('CAIRN_INTEGRITY', `run record ${id} on the remote is too large`);
        const rec = checkRunRecord(JSON.parse(text));
        if (!rec || rec.id !== id) throw new CairnError('CAIRN_INTEGRITY', `run record ${id} does not match its id`);
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
