// cairn push: send the objects the workspace (or the targets) refers to, which the remote
// lacks. Directory manifests go last, only once all their files are there.
import { pushObjects } from '../remote/transfer.js';
import { walkOptions } from '../pipeline/rev-views.js';
import { localRuns, pushRuns } from '../remote/run-sync.js';
import { jobsFor, remoteFor, summarize, type TransferCommonOptions, type TransferSummary } from '../remote/selection.js';
import { Repo } from '../repo/repo.js';
import { selectItems } from '../repo/selection.js';

export interface PushOptions extends TransferCommonOptions {
  /** download and hash every object the remote says it has; replace copies that are bad */
  verifyRemote?: boolean;
}
export type PushResult = TransferSummary;

export async function push(opts: PushOptions): Promise<PushResult> {
  const repo = await Repo.open(opts.cwd);
  const items = await selectItems(repo, opts.cwd, opts.targets, await walkOptions(repo, opts));
  const { remote, name, url } = await remoteFor(repo, opts.remote, opts.jobs);
  const jobs = jobsFor(repo, name, opts.jobs);
  const t0 = performance.now();
  try {
    // entries whose objects this cache lacks came from the remote (fetch/repro --pull of the
    // run-cache brings entries, not every object they name): nothing of theirs to send
    const runs = opts.runCache ? localRuns(repo).filter((e) => e.outs.every((o) => repo.cache.has(o.id))) : [];
    for (const r of runs) items.push(...r.outs);
    const r = await pushObjects(repo, remote, items, { jobs, onProgress: opts.onProgress, meter: opts.meter, verifyRemote: opts.verifyRemote });
    const s = summarize(name, url, r, 0);
    if (opts.runCache) {
      const { records, ...counts } = await pushRuns(repo, remote, runs, r.pushedIds, jobs);
      s.runs = counts;
      s.runRecords = records;
    }
    s.requests = { ...remote.stats };
    s.seconds = Math.round((performance.now() - t0)) / 1000;
    return s;
  } finally {
    await remote.close();
  }
}
