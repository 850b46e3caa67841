// Small stat helpers shared by the walk, the build, the materialiser and the checkout plan.
import { statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { ioError } from '../core/errors.js';
import type { ObjectId } from '../core/ids.js';
import type { StatRow } from './state.js';
import type { Workspace } from './workspace.js';

export function abs(ws: Workspace, rel: string): string {
  return rel === '.' ? ws.root : join(ws.root, rel);
}

export function bstat(p: string): Stats | undefined {
  try {
    return statSync(p, { throwIfNoEntry: false });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw ioError(e, 'cannot stat', p);
  }
}

/** What the stat cache needs of a stat: fs.Stats and FileStat both fit. */
export type StatFields = { ino: number; mtimeMs: number; size: number; mode: number };

export function isExec(st: StatFields): boolean {
  return (st.mode & 0o111) !== 0;
}

export function statRow(st: StatFields, id: ObjectId): StatRow {
  return [st.ino, st.mtimeMs, st.size, id, isExec(st)];
}
