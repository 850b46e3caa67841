// What cairn knew at one revision: its cairn.lock files, pointer files and pipelines, read
// from a git commit (through git/revision.ts, never checking out) or from the workspace.
// Kept to one small function (openSnapshot) so the one reference walk planned in
// repo/revisions.ts can replace it without touching the registry.
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { History } from '../../git/revision.js';
import { parseLock, type LockFile } from '../../repo/lockfile.js';
import { parsePointer, type Pointer } from '../../repo/pointer.js';
import { findRepoFiles } from '../../repo/walk.js';
import { parsePipeline, type Pipeline } from '../../pipeline/load.js';

export interface Snapshot {
  /** the commit, or null for the workspace */
  commit: string | null;
  locks: { file: string; dir: string; lock: LockFile }[];
  pointers: { file: string; dir: string; pointer: Pointer }[];
  pipelines: Pipeline[];
  /** files that did not parse (named, with the reason) */
  errors: string[];
  readFile(path: string): Promise<Buffer | undefined>;
}

const dirOf = (f: string) => (posix.dirname(f) === '' ? '.' : posix.dirname(f));

export async function openSnapshot(root: string, rev: string | 'workspace', history?: History): Promise<Snapshot> {
  let commit: string | null = null;
  let files: { pipelines: string[]; locks: string[]; pointers: string[] };
  let read: (p: string) => Promise<Buffer | undefined>;
  if (rev === 'workspace') {
    files = {
      pipelines: findRepoFiles(root, (n) => n === 'cairn.yaml'),
      locks: findRepoFiles(root, (n) => n === 'cairn.lock'),
      pointers: findRepoFiles(root, (n) => n.endsWith('.cairn') && n.length > 6),
    };
    read = async (p) => {
      try {
        return readFileSync(join(root, p));
      } catch {
        return undefined;
      }
    };
  } else {
    const h = history ?? (await History.open(root));
    commit = await h.resolve(rev);
    files = await h.cairnFiles(commit);
    const c = commit;
    read = (p) => h.readFile(c, p);
  }
  const errors: string[] = [];
  const at = commit ? `@${commit.slice(0, 7)}` : '';
  const locks: Snapshot['locks'] = [];
  for (const f of files.locks) {
    const b = await read(f);
    if (!b) continue;
    try {
      locks.push({ file: f, dir: dirOf(f), lock: parseLock(b.toString('utf8'), `${f}${at}`) });
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  const pointers: Snapshot['pointers'] = [];
  for (const f of files.pointers) {
    const b = await read(f);
    if (!b) continue;
    try {
      pointers.push({ file: f, dir: dirOf(f), pointer: parsePointer(b.toString('utf8'), `${f}${at}`) });
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  const pipelines: Pipeline[] = [];
  for (const f of files.pipelines) {
    const text = (await read(f))?.toString('utf8');
    if (text === undefined) continue;
    // parsePipeline reads params/vars files synchronously: preload the usual ones
    const pre = new Map<string, string>();
    for (const p of new Set(['params.yaml', posix.join(dirOf(f), 'params.yaml')])) {
      const b = await read(p);
      if (b) pre.set(p, b.toString('utf8'));
    }
    try {
      pipelines.push(parsePipeline({ text, file: f, readFile: (p) => pre.get(p) }));
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return { commit, locks, pointers, pipelines, errors, readFile: read };
}
