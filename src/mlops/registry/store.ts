// Registry tags in git: read in bulk through `git for-each-ref` (one process for 10,000 tags),
// cached as a JSON index in .cairn/state/ keyed by the state of the tag refs (packed-refs and
// every refs/tags folder: creating, re-creating or deleting a loose tag renames a file in its
// folder, which changes that folder's mtime), and written with `git tag -a`.
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CairnError } from '../../core/errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { gitSync } from '../../git/cli.js';
import { interpretTag, type TagInfo } from './record.js';
import { parseTagName, type TagName } from './tags.js';

export interface RawTag {
  tag: string;
  parsed: TagName;
  /** the tag object's id */
  oid: string;
  /** the commit it points to (peeled) */
  target: string;
  tagger: string;
  email: string;
  /** the tagger date, ISO-8601 (second precision) */
  date: string;
  /** the message (dropped from the index when it parsed as a record: `info` holds it) */
  message: string;
  /** the parsed, checked message (filled when the index is built) */
  info?: TagInfo;
}

const INDEX_FILE = 'registry-index.json';
const INDEX_VERSION = 1;
/** a tag message larger than this is not a record (hostile or foreign) */
export const MAX_MESSAGE = 1 << 20;

/** The git directory that holds refs (the common dir of a worktree), found without spawning git. */
export function gitCommonDir(root: string): string {
  let dir = resolve(root);
  for (;;) {
    const dotGit = join(dir, '.git');
    let st;
    try {
      st = lstatSync(dotGit);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) return dotGit;
    if (st?.isFile()) {
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
      if (m) {
        const gd = isAbsolute(m[1]!) ? m[1]! : resolve(dir, m[1]!);
        const cd = join(gd, 'commondir');
        if (existsSync(cd)) {
          const c = readFileSync(cd, 'utf8').trim();
          return isAbsolute(c) ? c : resolve(gd, c);
        }
        return gd;
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new CairnError('CAIRN_NOT_A_GIT_REPO', `not inside a git repository: ${root}`, { hint: 'the model registry lives in git tags: run `git init`' });
    dir = up;
  }
}

/** A string that changes whenever any tag ref is created, moved or deleted. */
export function tagsStateKey(gitDir: string): string {
  const parts: string[] = [];
  try {
    const s = statSync(join(gitDir, 'packed-refs'), { bigint: true });
    parts.push(`p:${s.size}:${s.mtimeNs}:${s.ino}`);
  } catch {
    parts.push('p:-');
  }
  const walk = (d: string, rel: string) => {
    let s;
    try {
      s = statSync(d, { bigint: true });
    } catch {
      return;
    }
    parts.push(`d:${rel}:${s.mtimeNs}:${s.ino}`);
    let names: string[];
    try {
      names = readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      return;
    }
    for (const n of names.sort()) walk(join(d, n), `${rel}/${n}`);
  };
  walk(join(gitDir, 'refs', 'tags'), 'tags');
  return parts.join('|');
}

const FORMAT = ['%(refname:lstrip=2)', '%(objecttype)', '%(objectname)', '%(*objectname)', '%(*objecttype)', '%(taggername)', '%(taggeremail:trim)', '%(taggerdate:iso-strict)', '%(contents)'].join('%00') + '%00%00';

/** Every registry tag, read from git (annotated tags of commits only: GTO skips the rest too). */
export function listRegistryTagsFromGit(root: string): RawTag[] {
  const text = gitSync(root, ['for-each-ref', `--format=${FORMAT}`, 'refs/tags']);
  const out: RawTag[] = [];
  for (const rec of text.split('\0\0\n')) {
    if (!rec) continue;
    const f = rec.split('\0');
    const [tag, type, oid, peeled, peeledType, tagger, email, date] = f as string[];
    const message = f.slice(8).join('\0');
    if (!tag || type !== 'tag' || peeledType !== 'commit') continue;
    const parsed = parseTagName(tag);
    if (!parsed) continue;
    out.push({ tag, parsed, oid: oid!, target: peeled!, tagger: tagger ?? '', email: email ?? '', date: date ? new Date(date).toISOString() : '', message: message.length > MAX_MESSAGE ? '' : message });
  }
  return out;
}

interface IndexFile {
  v: number;
  key: string;
  tags: RawTag[];
  /** tag → the tag object first seen under that name (a later, different one was re-created) */
  seen: Record<string, string>;
  rewritten: Record<string, { was: string; now: string }>;
}

export interface RegistryTags {
  tags: RawTag[];
  /** version tags deleted and re-created under the same name since this clone first saw them */
  rewritten: Record<string, { was: string; now: string }>;
  fromIndex: boolean;
}

/**
 * The registry tags, from the index when the tag refs have not changed since it was written,
 * otherwise read again from git (and the index rewritten).
 */
export function readRegistryTags(root: string, stateDir: string): RegistryTags {
  const gitDir = gitCommonDir(root);
  const key = tagsStateKey(gitDir);
  const file = join(stateDir, INDEX_FILE);
  let old: IndexFile | undefined;
  try {
    old = JSON.parse(readFileSync(file, 'utf8')) as IndexFile;
    if (!old || old.v !== INDEX_VERSION || !Array.isArray(old.tags)) old = undefined;
  } catch {
    old = undefined;
  }
  if (old && old.key === key) return { tags: old.tags, rewritten: old.rewritten ?? {}, fromIndex: true };
  const tags = listRegistryTagsFromGit(root).map((t) => {
    const info = interpretTag(t);
    return { ...t, info, message: info.record ? '' : t.message };
  });
  const seen: Record<string, string> = { ...(old?.seen ?? {}) };
  const rewritten: Record<string, { was: string; now: string }> = { ...(old?.rewritten ?? {}) };
  for (const t of tags) {
    if (t.parsed.action !== 'register') continue;
    const was = seen[t.tag];
    if (was === undefined) seen[t.tag] = t.oid;
    else if (was !== t.oid) rewritten[t.tag] = { was, now: t.oid };
    else delete rewritten[t.tag];
  }
  // written only when the refs did not move while we read them
  if (tagsStateKey(gitDir) === key) {
    try {
      writeFileAtomic(file, JSON.stringify({ v: INDEX_VERSION, key, tags, seen, rewritten } satisfies IndexFile), { fsync: false });
    } catch {
      /* a read-only state dir only costs speed */
    }
  }
  return { tags, rewritten, fromIndex: false };
}

/** Create an annotated tag; false when a tag of that name exists already (never overwrites). */
export function createTag(root: string, tag: string, commit: string, message: string): boolean {
  try {
    gitSync(root, ['tag', '-a', '-F', '-', '--cleanup=verbatim', tag, commit], message);
    return true;
  } catch (e) {
    const stderr = String((e as CairnError).data?.stderr ?? '');
    if (/already exists/.test(stderr)) return false;
    throw e;
  }
}

/** `Name <email>` of whoever git says is committing (GIT_COMMITTER_* and user.* config). */
export function committerIdent(root: string): string {
  const s = gitSync(root, ['var', 'GIT_COMMITTER_IDENT']).trim();
  return s.replace(/\s+\d+\s+[+-]\d{4}$/, '');
}
