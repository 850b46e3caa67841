// Helpers for the spawned-CLI security tests of this branch: a snapshot of a tree (every
// entry's kind, mode and content hash) to prove a refused command touched nothing.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** relpath → 'kind mode hash' for every entry under dir (symlinks not followed). */
export function snapshotTree(dir: string, skip: (rel: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (skip(r)) continue;
      const p = join(abs, name);
      const st = lstatSync(p);
      const mode = (st.mode & 0o777).toString(8);
      if (st.isSymbolicLink()) out[r] = `link ${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[r] = `dir ${mode}`;
        walk(p, r);
      } else out[r] = `file ${mode} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
    }
  };
  walk(dir, '');
  return out;
}

/** The repo's tracked state, ignoring files every cairn run may refresh (.cairn/state, .cairn/tmp). */
export function snapshotRepo(dir: string): Record<string, string> {
  return snapshotTree(dir, (r) => r === '.cairn/state' || r === '.cairn/tmp' || r === '.git/index' || r.startsWith('.git/logs'));
}
