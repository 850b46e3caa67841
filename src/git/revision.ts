// Reading git history through isomorphic-git only: resolve what a user types (branch, tag,
// full/short sha, HEAD, HEAD~2, main^), read a file at a commit, find cairn files in a
// commit's tree. Never checks out, never shells out, works in shallow clones (as far as the
// history goes). Trees, blobs and file lists are memoised by object id, so walking hundreds
// of commits that share most of their trees costs little more than one.
import * as fs from 'node:fs';
import { CairnError } from '../core/errors.js';

type Git = typeof import('isomorphic-git').default;

/** The file system isomorphic-git reads through (its `fs` argument, promises flavour). */
export type GitFs = import('isomorphic-git').PromiseFsClient;

/**
 * isomorphic-git over synchronous fs calls: reading history is hundreds of tiny reads, and
 * each async call's thread-pool round trip cost more than the read itself (2x slower).
 * The default for History.open; a test passes its own (counting, failing, in memory).
 */
export const nodeGitFs: GitFs = {
  promises: {
    readFile: async (p: string, o?: unknown) => fs.readFileSync(p, o as never),
    writeFile: async (p: string, d: never, o?: unknown) => fs.writeFileSync(p, d, o as never),
    mkdir: async (p: string, o?: unknown) => fs.mkdirSync(p, o as never),
    rmdir: async (p: string) => fs.rmdirSync(p),
    unlink: async (p: string) => fs.unlinkSync(p),
    stat: async (p: string) => fs.statSync(p),
    lstat: async (p: string) => fs.lstatSync(p),
    readdir: async (p: string) => fs.readdirSync(p),
    readlink: async (p: string) => fs.readlinkSync(p),
    symlink: async (t: string, p: string) => fs.symlinkSync(t, p),
    chmod: async (p: string, m: number) => fs.chmodSync(p, m),
  },
};

async function loadGit(): Promise<Git> {
  return (await import('isomorphic-git')).default;
}

interface TreeEntry {
  oid: string;
  type: 'blob' | 'tree' | 'commit';
}

export interface CommitInfo {
  oid: string;
  tree: string;
  parents: string[];
}

/** File kinds cairn cares about in a tree walk. */
export interface CairnFiles {
  pipelines: string[];
  locks: string[];
  pointers: string[];
}

const PIPELINE = 'cairn.yaml';
const LOCK = 'cairn.lock';
const POINTER_SUFFIX = '.cairn';

/** One git repository opened for reading history; keep one per command so caches are shared. */
export class History {
  /** isomorphic-git's own object cache (packfile indexes, inflated objects) */
  private readonly cache: object = {};
  private readonly trees = new Map<string, Map<string, TreeEntry>>();
  private readonly commits = new Map<string, CommitInfo>();
  private readonly blobs = new Map<string, Buffer>();
  private readonly found = new Map<string, CairnFiles>();

  private constructor(
    readonly git: Git,
    /** the work tree root (the folder holding .git) */
    readonly dir: string,
    private readonly fs: GitFs,
  ) {}

  static async open(dir: string, opts: { fs?: GitFs } = {}): Promise<History> {
    const git = await loadGit();
    const gitFs = opts.fs ?? nodeGitFs;
    let root: string;
    try {
      root = await git.findRoot({ fs: gitFs, filepath: dir });
    } catch {
      throw new CairnError('CAIRN_NOT_A_GIT_REPO', `not inside a git repository: ${dir}`, { hint: 'run `git init` (history commands read git commits)' });
    }
    // A linked worktree (or submodule) has a .git *file* pointing elsewhere; isomorphic-git
    // cannot read its objects, refs or HEAD, and would answer "no commits". History that
    // cannot be read is an error, never an empty history.
    let st;
    try {
      st = (await gitFs.promises.stat(`${root}/.git`)) as fs.Stats;
    } catch (e) {
      throw new CairnError('CAIRN_FAILED', `cannot read the git history of ${root}: ${(e as Error).message}`, { data: { dir: root } });
    }
    if (!st.isDirectory()) {
      throw new CairnError('CAIRN_FAILED', `cannot read the git history of ${root}: its .git is a file (a linked git worktree or a submodule), which cairn cannot read`, {
        hint: 'run this command in the main worktree (the folder whose .git is a directory)',
        data: { dir: root },
      });
    }
    return new History(git, root, gitFs);
  }

  private args() {
    return { fs: this.fs, dir: this.dir, cache: this.cache };
  }

  private badRev(rev: string, why: string): CairnError {
    return new CairnError('CAIRN_BAD_REVISION', `unknown revision '${rev}': ${why}`, {
      hint: 'use a branch, tag, commit sha, HEAD, HEAD~N or `workspace` (see `git log --oneline`)',
      data: { rev },
    });
  }

  /** Peel a tag object (or chain of them) down to the commit it names. */
  private async peel(oid: string, rev: string): Promise<string> {
    for (let i = 0; i < 10; i++) {
      let obj;
      try {
        obj = await this.git.readObject({ ...this.args(), oid, format: 'parsed' });
      } catch {
        throw this.badRev(rev, `object ${oid} is not in this clone (shallow or incomplete history?)`);
      }
      if (obj.type === 'commit') return oid;
      if (obj.type === 'tag') {
        oid = (obj.object as { object: string }).object;
        continue;
      }
      throw this.badRev(rev, `${oid} is a ${obj.type}, not a commit`);
    }
    throw this.badRev(rev, 'tag chain too long');
  }

  private async resolveBase(base: string, rev: string): Promise<string> {
    if (/^[0-9a-f]{40}$/i.test(base)) return this.peel(base.toLowerCase(), rev);
    try {
      const oid = await this.git.resolveRef({ fs: this.fs, dir: this.dir, ref: base });
      return await this.peel(oid, rev);
    } catch (e) {
      if (e instanceof CairnError) throw e;
    }
    if (/^[0-9a-f]{4,39}$/i.test(base)) {
      let oid: string;
      try {
        oid = await this.git.expandOid({ ...this.args(), oid: base.toLowerCase() });
      } catch (e) {
        const code = (e as { code?: string }).code;
        throw this.badRev(rev, code === 'AmbiguousError' ? `short sha '${base}' is ambiguous` : 'no branch, tag or commit by that name');
      }
      return this.peel(oid, rev);
    }
    throw this.badRev(rev, 'no branch, tag or commit by that name');
  }

  /** Resolve a revision expression to a commit oid. `workspace` is not a commit: callers handle it. */
  async resolve(rev: string): Promise<string> {
    const m = /^(.+?)((?:[~^]\d*)*)$/.exec(rev.trim());
    if (!m || !m[1]) throw this.badRev(rev, 'empty revision');
    let oid = await this.resolveBase(m[1], rev);
    const suffix = m[2] ?? '';
    for (const s of suffix.match(/[~^]\d*/g) ?? []) {
      const n = s.length > 1 ? Number(s.slice(1)) : 1;
      if (s[0] === '~') {
        for (let i = 0; i < n; i++) {
          const c = await this.commit(oid, rev);
          if (!c.parents[0]) throw this.badRev(rev, `${oid.slice(0, 7)} has no parent (root commit, or the clone is shallow)`);
          oid = c.parents[0];
        }
      } else if (n > 0) {
        const c = await this.commit(oid, rev);
        const p = c.parents[n - 1];
        if (!p) throw this.badRev(rev, `${oid.slice(0, 7)} has no parent number ${n}`);
        oid = p;
      }
    }
    await this.commit(oid, rev); // a parent beyond a shallow boundary is named but absent
    return oid;
  }

  async commit(oid: string, rev = oid): Promise<CommitInfo> {
    const hit = this.commits.get(oid);
    if (hit) return hit;
    let c;
    try {
      c = await this.git.readCommit({ ...this.args(), oid });
    } catch {
      throw this.badRev(rev, `commit ${oid.slice(0, 7)} is not in this clone (shallow or incomplete history?)`);
    }
    const info: CommitInfo = { oid, tree: c.commit.tree, parents: c.commit.parent };
    this.commits.set(oid, info);
    return info;
  }

  private async tree(oid: string): Promise<Map<string, TreeEntry>> {
    const hit = this.trees.get(oid);
    if (hit) return hit;
    let tree;
    try {
      ({ tree } = await this.git.readTree({ ...this.args(), oid }));
    } catch (e) {
      throw new CairnError('CAIRN_FAILED', `git tree ${oid.slice(0, 7)} cannot be read: ${(e as Error).message}`, { data: { oid } });
    }
    const m = new Map<string, TreeEntry>();
    for (const e of tree) m.set(e.path, { oid: e.oid, type: e.type as TreeEntry['type'] });
    this.trees.set(oid, m);
    return m;
  }

  /** The blob oid of `path` (repo-relative POSIX) at a commit, or undefined when absent. */
  async blobOid(commitOid: string, path: string): Promise<string | undefined> {
    const c = await this.commit(commitOid);
    let cur = c.tree;
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    for (let i = 0; i < parts.length; i++) {
      const e = (await this.tree(cur)).get(parts[i]!);
      if (!e) return undefined;
      if (i === parts.length - 1) return e.type === 'blob' ? e.oid : undefined;
      if (e.type !== 'tree') return undefined;
      cur = e.oid;
    }
    return undefined;
  }

  /** Bytes of `path` at a commit, or undefined when the commit does not hold it. */
  async readFile(commitOid: string, path: string): Promise<Buffer | undefined> {
    const oid = await this.blobOid(commitOid, path);
    if (!oid) return undefined;
    const hit = this.blobs.get(oid);
    if (hit) return hit;
    let blob;
    try {
      ({ blob } = await this.git.readBlob({ ...this.args(), oid }));
    } catch (e) {
      throw new CairnError('CAIRN_FAILED', `${path} at ${commitOid.slice(0, 7)}: git object ${oid.slice(0, 7)} cannot be read: ${(e as Error).message}`, { data: { oid, path } });
    }
    const buf = Buffer.from(blob);
    if (buf.length < 1 << 20) this.blobs.set(oid, buf);
    return buf;
  }

  /** Every file (blob) under folder `dir` at a commit, as paths relative to it, sorted; undefined when `dir` is not a folder there. */
  async listFiles(commitOid: string, dir: string): Promise<string[] | undefined> {
    const c = await this.commit(commitOid);
    let cur = c.tree;
    for (const part of dir.split('/').filter((p) => p !== '' && p !== '.')) {
      const e = (await this.tree(cur)).get(part);
      if (!e || e.type !== 'tree') return undefined;
      cur = e.oid;
    }
    const out: string[] = [];
    const walk = async (oid: string, prefix: string): Promise<void> => {
      for (const [name, e] of await this.tree(oid)) {
        if (e.type === 'tree') await walk(e.oid, `${prefix}${name}/`);
        else if (e.type === 'blob') out.push(`${prefix}${name}`);
      }
    };
    await walk(cur, '');
    return out.sort();
  }

  /** cairn.yaml, cairn.lock and *.cairn files in a commit's tree (memoised by tree oid). */
  async cairnFiles(commitOid: string): Promise<CairnFiles> {
    const c = await this.commit(commitOid);
    return this.walk(c.tree);
  }

  private async walk(treeOid: string): Promise<CairnFiles> {
    const hit = this.found.get(treeOid);
    if (hit) return hit;
    const res: CairnFiles = { pipelines: [], locks: [], pointers: [] };
    const t = await this.tree(treeOid);
    for (const [name, e] of t) {
      if (e.type === 'tree') {
        if (name === '.git' || name === '.cairn' || name === 'node_modules') continue;
        const sub = await this.walk(e.oid);
        for (const k of ['pipelines', 'locks', 'pointers'] as const) for (const f of sub[k]) res[k].push(`${name}/${f}`);
      } else if (e.type === 'blob') {
        if (name === PIPELINE) res.pipelines.push(name);
        else if (name === LOCK) res.locks.push(name);
        else if (name.endsWith(POINTER_SUFFIX) && name.length > POINTER_SUFFIX.length) res.pointers.push(name);
      }
    }
    for (const k of ['pipelines', 'locks', 'pointers'] as const) res[k].sort();
    this.found.set(treeOid, res);
    return res;
  }

  /** Local branches: name → commit oid. A branch whose commit cannot be read throws. */
  async branches(): Promise<{ name: string; oid: string }[]> {
    const names = await this.git.listBranches({ fs, dir: this.dir });
    const out: { name: string; oid: string }[] = [];
    for (const name of names.sort()) out.push({ name, oid: await this.resolve(`refs/heads/${name}`) });
    return out;
  }

  /** Tags: name → commit oid (annotated tags peeled; tags of non-commits skipped). */
  async tags(): Promise<{ name: string; oid: string }[]> {
    const names = await this.git.listTags({ fs, dir: this.dir });
    const out: { name: string; oid: string }[] = [];
    for (const name of names.sort()) {
      try {
        out.push({ name, oid: await this.resolve(`refs/tags/${name}`) });
      } catch (e) {
        // a tag of a tree or blob names no commit; a tag whose object is absent is unreadable
        if (!(e instanceof CairnError && / is a (tree|blob), not a commit$/.test(e.message))) throw e;
      }
    }
    return out;
  }

  /** Commits whose parents a shallow clone left out (.git/shallow). */
  private async shallow(): Promise<Set<string>> {
    try {
      return new Set(String(await this.fs.promises.readFile(`${this.dir}/.git/shallow`, 'utf8')).split('\n').map((l) => l.trim()).filter(Boolean));
    } catch {
      return new Set();
    }
  }

  /**
   * Every commit reachable from branches, tags and HEAD. Stops at a shallow clone's
   * boundary (.git/shallow); any other commit that cannot be read throws.
   */
  async allCommits(): Promise<string[]> {
    const starts = new Set<string>();
    for (const b of await this.branches()) starts.add(b.oid);
    for (const t of await this.tags()) starts.add(t.oid);
    let head: string | undefined;
    try {
      head = await this.git.resolveRef({ fs: this.fs, dir: this.dir, ref: 'HEAD' });
    } catch {
      /* an unborn branch: no commits yet */
    }
    if (head) starts.add(await this.resolve(head));
    const shallow = await this.shallow();
    const seen = new Set<string>();
    const stack = [...starts];
    while (stack.length) {
      const oid = stack.pop()!;
      if (seen.has(oid)) continue;
      const c = await this.commit(oid);
      seen.add(oid);
      if (shallow.has(oid)) continue;
      for (const p of c.parents) if (!seen.has(p)) stack.push(p);
    }
    return [...seen];
  }
}
