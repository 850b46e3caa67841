// Registry tags in git: read in bulk through `git for-each-ref` (one process for 10,000 tags),
// cached as a JSON index in .cairn/state/ keyed by the state of the tag refs (packed-refs and
// every refs/tags folder: creating, re-creating or deleting a loose tag renames a file in its
// folder, which changes that folder's mtime), and written with `git tag -a`.
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CairnError } from '../../core/errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { gitSync } from '../../git/cli.js';
import { interpretTag, type TagInfo, type VersionRecord } from './record.js';
import { buildState, type AliasEntry, type ModelState, type VersionEntry } from './state.js';
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
const INDEX_VERSION = 3;
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

const SEEN_FILE = 'registry-seen.json';
const MODELS_DIR = 'registry';

interface IndexHead<S> {
  v: number;
  key: string;
  rewritten: Record<string, { was: string; now: string }>;
  /** model name → its summary (for `model list`) and the file holding its tags */
  models: Record<string, { file: string; summary: S }>;
}

export interface RegistryIndex<S> {
  key: string;
  /** version tags deleted and re-created under the same name since this clone first saw them */
  rewritten: Record<string, { was: string; now: string }>;
  summaries: Record<string, S>;
  /** one model's state, folded from its tags (read from its own index file); undefined for a model without tags */
  model(name: string): ModelState | undefined;
  /** the tags of one model (parsed from its index file only when asked for) */
  tagsOf(name: string): RawTag[];
  fromIndex: boolean;
}

const readJson = <T>(file: string): T | undefined => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
};

/**
 * A model's index file: one line of JSON with its state as buildState folded it (each version
 * entry naming its tag by position instead of carrying its record) and the byte offsets of the
 * tags, then the tags' JSON one after another. Reading a model parses the line (a third of the
 * bytes, no folding); a version's record is parsed from its tag's bytes when first read, and
 * the tags only when asked for (push, pull, the next rebuild).
 */
interface ModelFileHead {
  state: { name: string; counter: number; versions: (Omit<VersionEntry, 'record'> & { t: number })[]; aliases: [string, AliasEntry[]][] };
  at: number[];
}

function encodeModel(m: ModelState, tags: RawTag[]): string {
  const pos = new Map(tags.map((t, i) => [t.tag, i]));
  const parts = tags.map((t) => JSON.stringify(t));
  const at = [0];
  for (const p of parts) at.push(at[at.length - 1]! + Buffer.byteLength(p));
  const versions = m.versions.map(({ record: _r, ...v }) => ({ ...v, t: pos.get(v.tag)! }));
  const head: ModelFileHead = { state: { name: m.name, counter: m.counter, versions, aliases: [...m.aliases] }, at };
  // JSON.stringify writes no raw newline: the first one ends the head
  return JSON.stringify(head) + '\n' + parts.join('');
}

interface ModelFile {
  state: ModelState;
  tags(): RawTag[];
}

function readModelFile(file: string): ModelFile | undefined {
  let buf: Buffer;
  let head: ModelFileHead;
  let nl: number;
  try {
    buf = readFileSync(file);
    nl = buf.indexOf(10);
    if (nl < 0) return undefined;
    head = JSON.parse(buf.toString('utf8', 0, nl)) as ModelFileHead;
    if (!head?.state || !Array.isArray(head.state.versions) || !Array.isArray(head.state.aliases) || !Array.isArray(head.at)) return undefined;
  } catch {
    return undefined;
  }
  const base = nl + 1;
  const { at } = head;
  const tagAt = (i: number): RawTag => JSON.parse(buf.toString('utf8', base + at[i]!, base + at[i + 1]!)) as RawTag;
  let all: RawTag[] | undefined;
  const versions = head.state.versions.map(({ t, ...v }): VersionEntry => {
    let record: VersionRecord | null | undefined;
    // the same keys in the same order as buildState's entries; the record parsed on first read
    return {
      name: v.name,
      version: v.version,
      tag: v.tag,
      commit: v.commit,
      get record(): VersionRecord | null {
        if (record === undefined) record = ((all?.[t] ?? tagAt(t)).info?.record ?? null) as VersionRecord | null;
        return record;
      },
      problems: v.problems,
      registered_at: v.registered_at,
      deprecated: v.deprecated,
    };
  });
  return {
    state: { name: head.state.name, versions, aliases: new Map(head.state.aliases), counter: head.state.counter },
    tags: () => (all ??= at.slice(0, -1).map((_, i) => tagAt(i))),
  };
}

/**
 * The registry index: a head (key, per-model summaries) and one file per model (its folded
 * state and its parsed tags), so `model show NAME@ALIAS` reads one model's state and `model
 * list` only the head. Rebuilt when the tag refs changed; a tag whose object is unchanged keeps
 * its parsed message from the old index, so a rebuild parses only new tags.
 */
export function readRegistryIndex<S>(root: string, stateDir: string, summarize: (m: ModelState) => S): RegistryIndex<S> {
  const gitDir = gitCommonDir(root);
  const key = tagsStateKey(gitDir);
  const headFile = join(stateDir, INDEX_FILE);
  const old = readJson<IndexHead<S>>(headFile);
  const valid = old && old.v === INDEX_VERSION && old.models && typeof old.models === 'object';
  const fileOf = (name: string) => join(stateDir, MODELS_DIR, `${name}.json`);
  let rebuilt: RegistryIndex<S> | undefined;
  const again = () => (rebuilt ??= rebuild());
  if (valid && old.key === key) {
    const summaries: Record<string, S> = {};
    for (const [n, m] of Object.entries(old.models)) summaries[n] = m.summary;
    const files = new Map<string, ModelFile | undefined>();
    const fileFor = (name: string): ModelFile | undefined => {
      if (!files.has(name)) files.set(name, readModelFile(fileOf(name)));
      return files.get(name);
    };
    const has = (name: string) => Object.hasOwn(old.models, name);
    return {
      key,
      rewritten: old.rewritten ?? {},
      summaries,
      model: (name) => (has(name) ? (fileFor(name)?.state ?? again().model(name)) : undefined),
      tagsOf: (name) => (has(name) ? (fileFor(name)?.tags() ?? again().tagsOf(name)) : []),
      fromIndex: true,
    };
  }
  return again();

  function rebuild(): RegistryIndex<S> {
    // parsed messages of the previous index, by tag object id
    const prev = new Map<string, TagInfo>();
    if (valid) {
      for (const n of Object.keys(old.models)) for (const t of readModelFile(fileOf(n))?.tags() ?? []) if (t.info) prev.set(t.oid, t.info);
    }
    const tags = listRegistryTagsFromGit(root).map((t) => {
      const info = prev.get(t.oid) ?? interpretTag(t);
      return { ...t, info, message: info.record ? '' : t.message };
    });
    const seenFile = join(stateDir, SEEN_FILE);
    const seen: Record<string, string> = readJson<Record<string, string>>(seenFile) ?? {};
    const rewritten: Record<string, { was: string; now: string }> = { ...(valid ? (old.rewritten ?? {}) : {}) };
    let seenChanged = false;
    for (const t of tags) {
      if (t.parsed.action !== 'register') continue;
      const was = seen[t.tag];
      if (was === undefined) {
        seen[t.tag] = t.oid;
        seenChanged = true;
      } else if (was !== t.oid) rewritten[t.tag] = { was, now: t.oid };
      else delete rewritten[t.tag];
    }
    const byModel = new Map<string, RawTag[]>();
    for (const t of tags) {
      const l = byModel.get(t.parsed.name);
      if (l) l.push(t);
      else byModel.set(t.parsed.name, [t]);
    }
    const models: IndexHead<S>['models'] = {};
    const summaries: Record<string, S> = {};
    const states = new Map<string, ModelState>();
    for (const [n, list] of byModel) {
      // each model folds on its own tags only (GTO alias tags resolve within their model)
      const m = buildState(list, rewritten).get(n)!;
      states.set(n, m);
      summaries[n] = summarize(m);
      models[n] = { file: `${MODELS_DIR}/${n}.json`, summary: summaries[n]! };
    }
    // written only when the refs did not move while we read them; the head last
    if (tagsStateKey(gitDir) === key) {
      try {
        for (const [n, list] of byModel) writeFileAtomic(fileOf(n), encodeModel(states.get(n)!, list), { fsync: false });
        if (seenChanged) writeFileAtomic(seenFile, JSON.stringify(seen), { fsync: false });
        writeFileAtomic(headFile, JSON.stringify({ v: INDEX_VERSION, key, rewritten, models } satisfies IndexHead<S>), { fsync: false });
      } catch {
        /* a read-only state dir only costs speed */
      }
    }
    return { key, rewritten, summaries, model: (name) => states.get(name), tagsOf: (name) => byModel.get(name) ?? [], fromIndex: false };
  }
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
