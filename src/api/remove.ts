// cairn remove: stop tracking a target. The pointer file (or its entry) and the .gitignore
// line go; the data stays in the workspace as plain writable files; the cache keeps its
// objects until `cairn gc`.
import { rmSync } from 'node:fs';
import { join, posix } from 'node:path';
import { CairnError } from '../core/errors.js';
import { unignoreInGit } from '../repo/gitignore.js';
import { writePointer } from '../repo/pointer.js';
import { Repo } from '../repo/repo.js';
import { updateKnownTargets } from '../repo/known-targets.js';
import { listTracked, pointerFileFor, resolveTarget } from '../repo/tracked.js';
import { makePrivateTree } from '../cache/protect.js';

export interface RemoveOptions {
  cwd: string;
  targets: string[];
}

export interface RemovedTarget {
  path: string;
  pointerFile: string;
  /** true when the pointer file was deleted (false: other outs remain in it) */
  pointerDeleted: boolean;
  /** linked files replaced by private copies */
  copied: number;
}

export interface RemoveResult {
  targets: RemovedTarget[];
  /** files whose change git should record (`git add -A` or `git rm --cached` for deleted pointers) */
  gitFiles: string[];
}

export async function remove(opts: RemoveOptions): Promise<RemoveResult> {
  if (opts.targets.length === 0) {
    throw new CairnError('CAIRN_USAGE', 'nothing to remove', { hint: 'name a tracked target: `cairn remove data/raw.csv`' });
  }
  const repo = await Repo.open(opts.cwd);
  return repo.withLock('remove', async () => {
    const rels = opts.targets.map((t) => resolveTarget(repo, opts.cwd, t));
    const tracked = listTracked(repo);
    const targets: RemovedTarget[] = [];
    const gitFiles = new Set<string>();
    for (const rel of rels) {
      const t = tracked.find((x) => x.path === rel);
      if (!t) {
        const outer = tracked.find((x) => rel.startsWith(x.path + '/'));
        throw new CairnError('CAIRN_BAD_TARGET', `'${rel}' is not tracked by cairn (no ${pointerFileFor(rel)})`, {
          hint: outer ? `it is part of '${outer.path}'; remove that whole target with \`cairn remove ${outer.path}\`` : 'see tracked targets with `cairn status`',
          data: { target: rel },
        });
      }
      repo.guard.checkTarget(t.path, { source: t.pointerFile, action: 'remove' });
      repo.guard.check(t.pointerFile, { action: 'rewrite' });
      const dir = posix.dirname(t.path);
      const ignoreFile = dir === '.' ? '.gitignore' : `${dir}/.gitignore`;
      repo.guard.check(ignoreFile, { action: 'rewrite' });
      const copied = makePrivateTree(join(repo.root, t.path));
      const rest = t.pointer.outs.filter((o) => o !== t.out);
      const pf = join(repo.root, t.pointerFile);
      if (rest.length === 0) rmSync(pf, { force: true });
      else writePointer(pf, { outs: rest, extra: t.pointer.extra, text: t.pointer.text });
      t.pointer.outs = rest;
      if (unignoreInGit(join(repo.root, dir), posix.basename(t.path))) gitFiles.add(ignoreFile);
      gitFiles.add(t.pointerFile);
      targets.push({ path: t.path, pointerFile: t.pointerFile, pointerDeleted: rest.length === 0, copied });
    }
    // data remove leaves behind is the user's: a later checkout must never delete it
    updateKnownTargets(repo, { forget: targets.map((t) => t.path) });
    return { targets, gitFiles: [...gitFiles].sort() };
  });
}
