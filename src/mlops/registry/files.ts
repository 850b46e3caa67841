// A version's files put in a folder (model get, a gate's candidate, a deploy's bundle).
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { loadManifest } from '../../cache/build.js';
import { materialize } from '../../cache/materialize.js';
import { isDirId } from '../../core/ids.js';
import { Containment } from '../../io/contained.js';
import type { Repo } from '../../repo/repo.js';
import type { VersionRecord } from './record.js';

/** Put a version's files in `dir`: a file as dir/<its name>, a directory's files under dir/. */
export function materializeInto(repo: Repo, rec: VersionRecord, dir: string): { files: string[] } {
  // the caller chose `dir` (model get -o, a gate's or deploy's temp dir): writes are contained
  // there instead of in the repository, so a hostile manifest still cannot leave it
  const out = resolve(dir);
  mkdirSync(out, { recursive: true });
  const ws = { ...repo.workspace(), root: out, guard: new Containment(out) };
  const files: string[] = [];
  if (isDirId(rec.id)) {
    const m = loadManifest(ws, rec.id, `${rec.name}@${rec.version}`);
    for (const e of m) {
      const dst = join(out, ...e.relpath.split('/'));
      ws.cache.verified(e.hash, e.size, `${rec.path}/${e.relpath}`);
      materialize(ws, e.hash, dst, e.isexec);
      files.push(dst);
    }
  } else {
    const dst = join(out, basename(rec.path));
    ws.cache.verified(rec.id, rec.size, rec.path);
    materialize(ws, rec.id, dst, false);
    files.push(dst);
  }
  return { files };
}
