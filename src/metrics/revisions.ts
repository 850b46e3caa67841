// Metrics and params as read at git revisions: the per-revision shapes and the diff of two
// revisions, shared by `metrics`, `params` and `plots`. The caller opens the revision views
// (git history lives below, in the revision module), so this module only compares.
import { relative, resolve } from 'node:path';
import { CairnError } from '../core/errors.js';
import { diffFlat, type DiffRow } from './diff.js';
import type { RevError, RevMetrics } from '../core/revs.js';

export type { RevError, RevLabel, RevMetrics } from '../core/revs.js';

export interface RevisionsDiff {
  a: RevMetrics;
  b: RevMetrics;
  /** every key, unchanged ones included */
  rowsAll: DiffRow[];
  /** the rows to show: all of them with `all`, else the changed ones */
  rows: DiffRow[];
  errors: RevError[];
}

/** Targets as typed (relative to cwd) → repo-relative paths; undefined when none were given. */
export function targetPaths(root: string, cwd: string, targets: string[] | undefined): string[] | undefined {
  if (!targets || targets.length === 0) return undefined;
  return targets.map((t) => {
    const rel = relative(root, resolve(cwd, t)).split('\\').join('/');
    if (rel.startsWith('..') || rel === '') throw new CairnError('CAIRN_BAD_TARGET', `'${t}' is outside the repository ${root}`, { data: { target: t } });
    return rel;
  });
}

/** Read two revisions with `read` and compare their flat values. */
export async function diffRevisions<V>(views: readonly [V, V], all: boolean, read: (v: V, errors: RevError[]) => Promise<RevMetrics>): Promise<RevisionsDiff> {
  const errors: RevError[] = [];
  const ra = await read(views[0], errors);
  const rb = await read(views[1], errors);
  const rowsAll = diffFlat(ra.files, rb.files, { all: true });
  return { a: ra, b: rb, rowsAll, rows: all ? rowsAll : rowsAll.filter((r) => r.change !== 'unchanged'), errors };
}
