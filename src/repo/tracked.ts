// Tracked targets: what the workspace's pointer files say, resolved to repo-relative paths,
// and the checks every command applies to a target a user typed.
import { posix, resolve } from 'node:path';
import { CairnError } from '../core/errors.js';
import { overlaps, repoPathProblem, repoRelative } from '../core/paths.js';
import { POINTER_SUFFIX, readPointer, type Pointer, type PointerOut } from './pointer.js';
import { DOT_DIR, type Repo } from './repo.js';

export interface Tracked {
  /** repo-relative POSIX path of the pointer file */
  pointerFile: string;
  pointer: Pointer;
  out: PointerOut;
  /** repo-relative POSIX path of the data */
  path: string;
  /** a pointer file's out, or a stage out recorded in a cairn.lock (then pointerFile is `<lock>:<stage>`) */
  from: 'pointer' | 'lock';
}

export function trackedFromPointer(pointerFile: string, pointer: Pointer): Tracked[] {
  const dir = posix.dirname(pointerFile);
  return pointer.outs.map((out) => ({
    pointerFile,
    pointer,
    out,
    path: dir === '.' ? out.path : posix.join(dir, out.path),
    from: 'pointer' as const,
  }));
}

/** Every tracked target in the workspace. Malformed pointer files throw (naming the file). */
export function listTracked(repo: Repo): Tracked[] {
  const out: Tracked[] = [];
  for (const pf of repo.pointerFiles()) {
    out.push(...trackedFromPointer(pf, readPointer(resolve(repo.root, pf), pf, repo.root)));
  }
  return out;
}

/** The pointer file for a data path: data/raw.csv → data/raw.csv.cairn */
export function pointerFileFor(path: string): string {
  return path + POINTER_SUFFIX;
}

/**
 * Resolve a target the user typed (relative to cwd) to a repo-relative path. Accepts the
 * pointer file itself too (data.csv.cairn → data.csv). Rejects paths outside the repo
 * and inside .cairn/ or .git/.
 */
export function resolveTarget(repo: Repo, cwd: string, target: string): string {
  let rel = repoRelative(repo.root, resolve(cwd, target));
  if (rel === undefined) {
    throw new CairnError('CAIRN_BAD_TARGET', `'${target}' is outside the repository ${repo.root}`, {
      hint: 'cairn tracks data inside the repo; move or copy it in first',
      data: { target },
    });
  }
  if (rel === '.') {
    throw new CairnError('CAIRN_BAD_TARGET', `cannot track the repository root itself`, {
      hint: 'track a data folder inside it, e.g. `cairn add data`',
    });
  }
  // the containment rule every path obeys (docs/security.md)
  const why = repoPathProblem(rel);
  if (why) {
    const special = [DOT_DIR, '.git'].find((d) => rel === d || rel!.startsWith(d + '/'));
    throw new CairnError('CAIRN_BAD_TARGET', special ? `'${target}' is inside ${special}/, which cairn manages itself` : `'${target}' ${why}`, {
      data: { target },
    });
  }
  if (rel.endsWith(POINTER_SUFFIX)) rel = rel.slice(0, -POINTER_SUFFIX.length);
  return rel;
}

/** Tracked entries matching the given repo-relative targets (a target may contain several). */
export function selectTracked(all: Tracked[], targets: string[] | undefined): Tracked[] {
  if (!targets || targets.length === 0) return all;
  const picked: Tracked[] = [];
  for (const t of targets) {
    const hits = all.filter((x) => x.path === t || x.path.startsWith(t + '/') || t.startsWith(x.path + '/'));
    if (hits.length === 0) {
      throw new CairnError('CAIRN_BAD_TARGET', `'${t}' is not tracked by cairn (no ${pointerFileFor(t)})`, {
        hint: `track it with \`cairn add ${t}\``,
        data: { target: t },
      });
    }
    for (const h of hits) if (!picked.includes(h)) picked.push(h);
  }
  return picked;
}

export function findOverlap(all: Tracked[], path: string): Tracked | undefined {
  return all.find((x) => x.path !== path && overlaps(x.path, path));
}
