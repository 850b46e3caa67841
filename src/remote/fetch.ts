// The fetch itself (fetch and pull run it, holding the repo lock): the selected objects and,
// with the run-cache, its entries and the objects they name, into the local cache. Every
// object is rehashed before it enters the cache.
import type { Repo } from '../repo/repo.js';
import { fetchRuns } from './run-sync.js';
import { jobsFor, remoteFor, summarize, type TransferCommonOptions, type TransferSummary } from './selection.js';
import { fetchObjects, type TransferItem } from './transfer.js';

export async function fetchItems(repo: Repo, items: TransferItem[], opts: TransferCommonOptions): Promise<TransferSummary> {
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
