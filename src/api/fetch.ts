// cairn fetch: download into the cache the objects the workspace (or the targets) refers
// to and the cache lacks. Every object is rehashed before it enters the cache.
import { fetchObjects } from '../remote/transfer.js';
import { Repo } from '../repo/repo.js';
import { fetchRuns, jobsFor, remoteFor, selectItems, summarize, type TransferCommonOptions, type TransferSummary } from './transfer.js';

export type FetchOptions = TransferCommonOptions;
export type FetchResult = TransferSummary;

export async function fetch(opts: FetchOptions): Promise<FetchResult> {
  const repo = await Repo.open(opts.cwd);
  // objects enter the cache: hold the repo lock so gc cannot run meanwhile
  return repo.withLock('fetch', () => fetchIn(repo, opts));
}

/** The fetch itself, for callers that already hold the repo lock. */
export async function fetchIn(repo: Repo, opts: FetchOptions): Promise<FetchResult> {
  const items = await selectItems(repo, opts.cwd, opts.targets, opts);
  const { remote, name, url } = await remoteFor(repo, opts.remote, opts.jobs);
  const jobs = jobsFor(repo, name, opts.jobs);
  const t0 = performance.now();
  try {
    let runs: Awaited<ReturnType<typeof fetchRuns>> | undefined;
    if (opts.runCache) {
      await remote.ready();
      runs = await fetchRuns(repo, remote, jobs);
      for (const k of runs.keys) items.push(...k.outs);
    }
    const r = await fetchObjects(repo, remote, items, { jobs, onProgress: opts.onProgress, meter: opts.meter });
    const s = summarize(name, url, r, 0);
    if (runs) {
      s.runs = { transferred: runs.transferred, skipped: runs.skipped, failed: runs.failed };
      s.runRecords = runs.records;
    }
    s.requests = { ...remote.stats };
    s.seconds = Math.round(performance.now() - t0) / 1000;
    return s;
  } finally {
    await remote.close();
  }
}
