// cairn add: hash targets into the cache, write pointer files, ignore the data in git.
import { copyFileSync, lstatSync, renameSync, rmSync, statSync } from 'node:fs';
import { posix, join } from 'node:path';
import { CairnError, ioError } from '../core/errors.js';
import { hashTarget, saveTarget } from '../cache/build.js';
import type { Workspace } from '../cache/workspace.js';
import { gitAdd, isGitIgnored, listIndexFiles } from '../git/worktree.js';
import { tempBeside } from '../io/tempname.js';
import { loadPipelines } from '../pipeline/load.js';
import { overlaps } from '../core/paths.js';
import { checkIgnorable, ignoreInGit } from '../repo/gitignore.js';
import { writePointer, type Pointer, type PointerOut } from '../repo/pointer.js';
import { Repo } from '../repo/repo.js';
import { updateKnownTargets } from '../repo/known-targets.js';
import { findOverlap, listTracked, pointerFileFor, resolveTarget } from '../repo/tracked.js';
import { findGitRoot } from '../git/worktree.js';
import type { ByteMeter } from '../core/progress.js';

export interface AddOptions {
  cwd: string;
  targets: string[];
  /** stage the pointer files and .gitignore changes in git */
  gitAdd?: boolean;
  onProgress?: Workspace['onProgress'];
  /** bytes hashed into the cache, per big file target (core/progress.ts) */
  meter?: ByteMeter;
}

export interface AddedTarget {
  path: string;
  pointerFile: string;
  kind: 'file' | 'dir';
  id: string;
  size: number;
  nfiles?: number;
  /** files read and hashed (0 when the stat cache knew them all) */
  hashed: number;
  /** objects newly written to the cache */
  added: number;
  /** false when the pointer already said exactly this */
  changed: boolean;
  /** entries skipped inside directories (dangling or directory symlinks) */
  skipped: string[];
}

export interface AddResult {
  targets: AddedTarget[];
  /** files to `git add` (already staged when gitAdd was set) */
  gitFiles: string[];
  staged: boolean;
}

/** a regular file's size (the byte meter's total); undefined for folders and the rest */
function fileSize(abs: string): number | undefined {
  try {
    const st = lstatSync(abs);
    return st.isFile() ? st.size : undefined;
  } catch {
    return undefined;
  }
}

export async function add(opts: AddOptions): Promise<AddResult> {
  if (opts.targets.length === 0) {
    throw new CairnError('CAIRN_USAGE', 'nothing to add', { hint: 'name a file or directory: `cairn add data/`' });
  }
  const repo = await Repo.open(opts.cwd);
  return repo.withLock('add', async () => {
    const ws = repo.workspace(opts.onProgress);
    const rels = opts.targets.map((t) => resolveTarget(repo, opts.cwd, t));
    const tracked = listTracked(repo);
    const gitRoot = await findGitRoot(repo.root);
    const indexed = gitRoot ? await listIndexFiles(gitRoot) : [];
    const indexedSet = new Set(indexed);
    const stageOuts = pipelineOuts(repo.root);
    for (const rel of rels) {
      // every file add writes (the pointer, the .gitignore) and the target itself pass the
      // containment check before anything is hashed: `add link/x` with link -> /elsewhere
      // and a symlinked folder are refused here
      repo.guard.checkTarget(rel, { action: 'add' });
      repo.guard.check(pointerFileFor(rel), { action: 'write' });
      const dir = posix.dirname(rel);
      repo.guard.check(dir === '.' ? '.gitignore' : `${dir}/.gitignore`, { action: 'write' });
      checkIgnorable(posix.basename(rel));
      const other = findOverlap(tracked, rel);
      if (other) {
        throw new CairnError('CAIRN_BAD_TARGET', `'${rel}' overlaps '${other.path}', which ${other.pointerFile} already tracks`, {
          hint: `track either the folder or what is inside it, not both (\`cairn remove ${other.path}\` first to switch)`,
          data: { target: rel, tracked: other.path },
        });
      }
      for (const r2 of rels) {
        if (r2 !== rel && (r2.startsWith(rel + '/') || rel.startsWith(r2 + '/'))) {
          throw new CairnError('CAIRN_BAD_TARGET', `targets '${rel}' and '${r2}' overlap`, { hint: 'add only the outer one' });
        }
      }
      const out = stageOuts.find((o) => overlaps(o.path, rel));
      if (out) {
        throw new CairnError(
          'CAIRN_BAD_TARGET',
          out.path === rel ? `'${rel}' is an output of stage '${out.stage}' (${out.file})` : `'${rel}' overlaps '${out.path}', an output of stage '${out.stage}' (${out.file})`,
          {
            hint: `the pipeline tracks it: run \`cairn repro ${out.stage}\` or \`cairn commit ${out.stage}\` instead of adding it`,
            data: { target: rel, output: out.path, stage: out.stage, file: out.file },
          },
        );
      }
      if (gitRoot) {
        const pf = relFromGit(gitRoot, repo.root, pointerFileFor(rel));
        if (await isGitIgnored(gitRoot, pf)) {
          throw new CairnError('CAIRN_BAD_TARGET', `'${rel}': its pointer file ${pointerFileFor(rel)} would be ignored by git (a .gitignore rule matches it), so git would never record it`, {
            hint: `change the .gitignore rule that matches it (\`git check-ignore -v ${pf}\` names it), then \`cairn add ${rel}\``,
            data: { target: rel, pointerFile: pointerFileFor(rel) },
          });
        }
        const prefix = relFromGit(gitRoot, repo.root, rel);
        const hit = indexedSet.has(prefix) ? prefix : indexed.find((f) => f.startsWith(prefix + '/'));
        if (hit) {
          throw new CairnError('CAIRN_BAD_TARGET', `'${rel}' is already tracked by git ('${hit}' is in the git index)`, {
            hint: `stop tracking it in git first: \`git rm -r --cached ${prefix}\` and commit, then \`cairn add ${rel}\``,
            data: { target: rel, gitPath: hit },
          });
        }
      }
    }

    const results: AddedTarget[] = [];
    const gitFiles = new Set<string>();
    for (const rel of rels) {
      // a symlink to a file becomes the file itself (as DVC): a private copy of its bytes
      // replaces the link, so the pointer tracks a regular file that checkout can restore
      replaceFileLink(repo.root, rel);
      const size = opts.meter ? fileSize(join(repo.root, rel)) : undefined;
      if (size !== undefined) {
        opts.meter!.start(`adding ${rel}`, size);
        repo.cache.meter = opts.meter;
      }
      let th: ReturnType<typeof hashTarget>;
      try {
        th = hashTarget(ws, rel, { store: true });
      } finally {
        if (size !== undefined) {
          repo.cache.meter = undefined;
          opts.meter!.end();
        }
      }
      const saved = saveTarget(ws, th);
      const pointerFile = pointerFileFor(rel);
      const fresh: PointerOut = {
        path: posix.basename(rel),
        hash: repo.algo,
        id: th.id,
        size: th.size,
        ...(th.kind === 'dir' ? { nfiles: th.nfiles } : {}),
        ...(th.kind === 'file' && th.isexec ? { isexec: true } : {}),
      };
      const prev = tracked.find((t) => t.path === rel);
      const changed =
        !prev || prev.out.id !== fresh.id || prev.out.hash !== fresh.hash || prev.out.size !== fresh.size || !!prev.out.isexec !== !!fresh.isexec;
      if (changed) {
        // re-adding keeps what the user wrote in the pointer: other outs, per-output fields
        // (desc, meta, type, labels, ...), top-level keys and comments
        const out: PointerOut = prev ? { ...fresh, path: prev.out.path, ...(prev.out.extra ? { extra: prev.out.extra } : {}) } : fresh;
        const pointer: Pointer = prev
          ? { outs: prev.pointer.outs.map((o) => (o === prev.out ? out : o)), extra: prev.pointer.extra, text: prev.pointer.text }
          : { outs: [out] };
        writePointer(join(repo.root, pointerFile), pointer);
      }
      const dir = posix.dirname(rel);
      // the git hint names only what this run wrote, and nothing when nothing changed
      if (ignoreInGit(join(repo.root, dir), posix.basename(rel))) gitFiles.add(dir === '.' ? '.gitignore' : `${dir}/.gitignore`);
      if (changed) gitFiles.add(pointerFile);
      results.push({
        path: rel,
        pointerFile,
        kind: th.kind,
        id: th.id,
        size: th.size,
        nfiles: th.nfiles,
        hashed: th.hashed,
        added: saved.added + (th.addedObjects ?? 0),
        changed,
        skipped: th.skipped,
      });
    }
    updateKnownTargets(repo, { set: results.map((r) => [r.path, r.id] as [string, string]) });
    const files = [...gitFiles].sort();
    let staged = false;
    if (opts.gitAdd && gitRoot) {
      await gitAdd(gitRoot, files.map((f) => relFromGit(gitRoot, repo.root, f)));
      staged = true;
    }
    return { targets: results, gitFiles: files, staged };
  });
}

/** Stage outputs declared in every cairn.yaml (a file that does not parse declares none here; the pipeline commands report it). */
function pipelineOuts(root: string): { path: string; stage: string; file: string }[] {
  try {
    return loadPipelines(root).flatMap((p) => p.stages.flatMap((st) => st.outs.map((o) => ({ path: o.path, stage: st.name, file: st.file }))));
  } catch {
    return [];
  }
}

/** Replace a symlink to a regular file by a copy of that file (temp beside it, renamed over the link). */
function replaceFileLink(root: string, rel: string): void {
  const p = join(root, rel);
  let st;
  try {
    if (!lstatSync(p).isSymbolicLink()) return;
    st = statSync(p);
  } catch {
    return; // absent or dangling: hashTarget reports it
  }
  if (!st.isFile()) return;
  const tmp = tempBeside(p);
  try {
    copyFileSync(p, tmp);
    renameSync(tmp, p);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw ioError(e, 'cannot replace the symlink by the file it points to', p);
  }
}

function relFromGit(gitRoot: string, repoRoot: string, rel: string): string {
  const base = posix.relative(gitRoot.split('\\').join('/'), repoRoot.split('\\').join('/'));
  return base ? posix.join(base, rel) : rel;
}
