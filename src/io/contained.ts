// Containment: the one check every write, delete and rename in the workspace passes.
// A repo-relative path must obey the pure rule (core/paths.ts repoPathProblem: no absolute
// path, no '..', not the root, nothing named .git or .cairn), and every parent folder on
// the way to it, looked at with lstat from the repo root, must be a real folder or a
// symlink whose real path stays inside the repo and outside .git/ and .cairn/. The last
// component is not followed: writes rename over it and deletes unlink it, both of which
// act on a symlink itself, never on what it points to. A tracked folder itself may not be
// a symlink (as DVC refuses it).
//
// One Containment per command (Repo keeps one): folders already found good are remembered,
// so checking 100k files in one tracked folder costs one lstat per folder, not per file.
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { CairnError } from '../core/errors.js';
import { repoPathProblem, repoRelative, toPosix } from '../core/paths.js';

export interface PathContext {
  /** the file that named the path (a pointer file, `cairn.lock:stage`, `cairn.yaml`), for the message */
  source?: string;
  /** what cairn was about to do ('write', 'delete', 'check out', ...) */
  action?: string;
}

/** A CAIRN_BAD_PATH error naming the path and the file that named it. */
export function badPath(rel: string, why: string, ctx: PathContext = {}, data: Record<string, unknown> = {}, hint?: string): CairnError {
  const where = ctx.source ? `${ctx.source}: ` : '';
  return new CairnError('CAIRN_BAD_PATH', `${where}${ctx.action ? `refusing to ${ctx.action} ` : ''}'${rel}': ${why}`, {
    hint: hint ?? (ctx.source
      ? `fix or remove that entry in ${ctx.source.split(':')[0]} (see who changed it: \`git log -p -- ${ctx.source.split(':')[0]}\`); docs/security.md lists the rules`
      : 'cairn only writes inside the repository, never through a symlink that leaves it, and never into .git/ or .cairn/ (see docs/security.md)'),
    data: { path: rel, file: ctx.source, ...data },
  });
}

export class Containment {
  readonly root: string;
  private readonly realRoot: string;
  /** absolute folders (as spelled through the workspace) known to be safe to create entries in */
  private readonly okDirs = new Set<string>();

  constructor(root: string) {
    this.root = resolve(root);
    this.realRoot = realpathSync(this.root);
    this.okDirs.add(this.root);
  }

  /** Throw unless `rel` (repo-relative POSIX) may be written, deleted or renamed. */
  check(rel: string, ctx: PathContext = {}): void {
    const why = repoPathProblem(rel);
    if (why) throw badPath(rel, why, ctx);
    this.checkParents(rel, ctx);
  }

  /** check() for an absolute path; paths outside the root are refused. */
  checkAbs(abs: string, ctx: PathContext = {}): void {
    // fast path: a file in a folder already found good (materialising many files)
    const parent = dirname(abs);
    if (this.okDirs.has(parent) && abs.startsWith(this.root + sep) && repoPathProblem(abs.slice(parent.length + 1)) === undefined) return;
    const rel = repoRelative(this.root, abs);
    if (rel === undefined) throw badPath(toPosix(abs), 'lies outside the repository', ctx);
    this.check(rel, ctx);
  }

  /**
   * check() for a tracked target, plus: the target itself may not be a symlink to a
   * folder (tracking or checking out a symlinked folder would read or write the folder
   * it points to) nor a symlink loop.
   */
  checkTarget(rel: string, ctx: PathContext = {}): void {
    this.check(rel, ctx);
    const abs = `${this.root}/${rel}`;
    let st;
    try {
      st = lstatSync(abs);
    } catch {
      return; // absent: it will be created inside checked folders
    }
    if (!st.isSymbolicLink()) return;
    let target;
    try {
      target = statSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') throw badPath(rel, 'is a symlink loop', ctx);
      return; // dangling: a write replaces the link itself
    }
    if (target.isDirectory()) {
      throw badPath(rel, 'is a symlink to a folder; cairn does not track or check out symlinked folders (as DVC)', ctx, {}, `replace the link by the folder itself (\`rm ${rel}\`, then \`cairn checkout ${rel}\`, or move the data in)`);
    }
  }

  private checkParents(rel: string, ctx: PathContext): void {
    const segs = rel.split('/');
    let cur = this.root;
    for (let i = 0; i < segs.length - 1; i++) {
      cur = `${cur}/${segs[i]}`;
      if (this.okDirs.has(cur)) continue;
      const prefix = segs.slice(0, i + 1).join('/');
      let st;
      try {
        st = lstatSync(cur);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return; // the rest will be made as real folders inside a checked one
        if (code === 'ENOTDIR') throw badPath(rel, `a parent of it is a file, not a folder`, ctx);
        if (code === 'ENAMETOOLONG') throw badPath(rel, 'the path is too long for this filesystem', ctx);
        throw badPath(rel, `cannot look at '${prefix}': ${(e as Error).message}`, ctx);
      }
      if (st.isDirectory()) {
        this.okDirs.add(cur);
        continue;
      }
      if (st.isSymbolicLink()) {
        let real: string;
        try {
          real = realpathSync(cur);
        } catch (e) {
          const loop = (e as NodeJS.ErrnoException).code === 'ELOOP';
          throw badPath(rel, `its parent '${prefix}' is ${loop ? 'a symlink loop' : 'a dangling symlink'}`, ctx);
        }
        const inRepo = repoRelative(this.realRoot, real);
        if (inRepo === undefined) throw badPath(rel, `its parent '${prefix}' is a symlink to ${real}, outside the repository`, ctx, { link: prefix, target: real });
        const why = inRepo === '.' ? undefined : repoPathProblem(inRepo);
        if (why) throw badPath(rel, `its parent '${prefix}' is a symlink to '${inRepo}', which ${why}`, ctx, { link: prefix, target: real });
        if (!statSync(real).isDirectory()) throw badPath(rel, `its parent '${prefix}' is a symlink to a file, not a folder`, ctx);
        this.okDirs.add(cur);
        continue;
      }
      throw badPath(rel, `its parent '${prefix}' is a file, not a folder`, ctx);
    }
  }
}
