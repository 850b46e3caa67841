// What push, fetch, pull and status --cloud share on the remote side: the options they take,
// which remote and how many parallel transfers, the summary of a transfer, and how its
// failures become one error.
import { CairnError } from '../core/errors.js';
import type { ByteMeter } from '../core/progress.js';
import type { Repo } from '../repo/repo.js';
import { openRemote, remoteSpec } from './open.js';
import type { Remote } from './remote.js';
import type { TransferResult } from './transfer.js';

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
