// The registry as data: models, their versions and the alias history, folded from the tags.
// Pure: takes the tags, returns the state (no git, no fs), so it is tested without a repo.
import { interpretTag, type AliasEvent, type DeprecationEvent, type VersionRecord } from './record.js';
import type { RawTag } from './store.js';
import { compareVersions } from './tags.js';

export interface VersionEntry {
  name: string;
  version: string;
  tag: string;
  /** the commit the tag points to */
  commit: string;
  record: VersionRecord | null;
  /** why the record cannot be trusted (edited, moved, foreign); empty when sound */
  problems: string[];
  registered_at: string;
  deprecated: { at: string; reason: string | null; tag: string } | null;
}

export interface AliasEntry {
  name: string;
  alias: string;
  n: number;
  tag: string;
  action: 'assign' | 'unassign';
  /** the version it assigns (for unassign: the version it took the alias from) */
  version: string | null;
  at: string;
  by: string;
  reason: string | null;
  forced?: AliasEvent['forced'];
  /** 'rollout' when cairn deploy moved the alias */
  moved_by?: string;
  problems: string[];
}

export interface ModelState {
  name: string;
  versions: VersionEntry[];
  /** alias → its events, oldest (lowest N) first */
  aliases: Map<string, AliasEntry[]>;
  /** the highest N over all counted tags of the model */
  counter: number;
}

export interface HistoryRow {
  alias: string;
  version: string;
  from: string;
  to: string | null;
  reason: string | null;
  by: string;
  n: number;
  forced?: AliasEvent['forced'];
  moved_by?: string;
}

export function buildState(tags: RawTag[], rewritten: Record<string, { was: string; now: string }> = {}): Map<string, ModelState> {
  const models = new Map<string, ModelState>();
  const model = (name: string): ModelState => {
    let m = models.get(name);
    if (!m) models.set(name, (m = { name, versions: [], aliases: new Map(), counter: 0 }));
    return m;
  };
  const byTag = new Map<string, VersionEntry>();
  for (const t of tags) {
    const p = t.parsed;
    const m = model(p.name);
    if (p.n !== undefined) m.counter = Math.max(m.counter, p.n);
    if (p.action !== 'register') continue;
    const info = t.info ?? interpretTag(t);
    const record = info.record as VersionRecord | null;
    const problems = [...info.problems];
    const rw = rewritten[t.tag];
    if (rw) problems.push(`the tag was deleted and re-created (tag object ${rw.was.slice(0, 12)} became ${rw.now.slice(0, 12)})`);
    const e: VersionEntry = { name: p.name, version: p.version!, tag: t.tag, commit: t.target, record, problems, registered_at: record?.registered_at ?? t.date, deprecated: null };
    m.versions.push(e);
    byTag.set(t.tag, e);
  }
  const key = (v: string) => {
    const [a, b, c] = v.slice(1).split('.').map(Number) as [number, number, number];
    return a * 1e12 + b * 1e6 + c;
  };
  for (const m of models.values()) {
    const k = new Map(m.versions.map((v) => [v.version, key(v.version)]));
    m.versions.sort((a, b) => k.get(a.version)! - k.get(b.version)! || compareVersions(a.version, b.version));
  }
  // GTO-written alias tags name no version: the newest version on the tagged commit
  const onCommit = new Map<string, VersionEntry>();
  for (const m of models.values()) for (const v of m.versions) onCommit.set(`${m.name}\0${v.commit}`, v);
  for (const t of tags) {
    const p = t.parsed;
    const m = model(p.name);
    if (p.action === 'deregister') {
      const v = byTag.get(`${p.name}@${p.version}`);
      const d = (t.info ?? interpretTag(t)).record as DeprecationEvent | null;
      if (v) v.deprecated = { at: d?.at ?? t.date, reason: d?.reason ?? (t.message.trim() || null), tag: t.tag };
    } else if (p.action === 'assign' || p.action === 'unassign') {
      const info = t.info ?? interpretTag(t);
      const ev = { record: info.record as AliasEvent | null, problems: info.problems };
      // a tag GTO wrote has no record: its version is the newest one on the tagged commit
      const version = ev.record?.version ?? onCommit.get(`${p.name}\0${t.target}`)?.version ?? null;
      const list = m.aliases.get(p.alias!) ?? [];
      list.push({
        name: p.name,
        alias: p.alias!,
        n: p.n!,
        tag: t.tag,
        action: p.action,
        version,
        at: ev.record?.at ?? t.date,
        by: ev.record?.by ?? `${t.tagger} ${t.email}`.trim(),
        reason: ev.record ? ev.record.reason : t.message.trim() || null,
        ...(ev.record?.forced ? { forced: ev.record.forced } : {}),
        ...(typeof ev.record?.moved_by === 'string' ? { moved_by: ev.record.moved_by } : {}),
        problems: ev.record ? ev.problems : [],
      });
      m.aliases.set(p.alias!, list);
    }
  }
  for (const m of models.values()) for (const list of m.aliases.values()) list.sort((a, b) => a.n - b.n);
  return models;
}

/** Who held the alias when: one row per assignment, oldest first; `to` is null while it holds. */
export function aliasHistory(m: ModelState, alias: string): HistoryRow[] {
  const events = m.aliases.get(alias) ?? [];
  const rows: HistoryRow[] = [];
  events.forEach((e, i) => {
    if (e.action !== 'assign' || !e.version) return;
    const next = events[i + 1];
    rows.push({ alias, version: e.version, from: e.at, to: next ? next.at : null, reason: e.reason, by: e.by, n: e.n, ...(e.forced ? { forced: e.forced } : {}), ...(e.moved_by ? { moved_by: e.moved_by } : {}) });
  });
  return rows;
}

/** The version an alias names now (undefined when never assigned or unassigned last). */
export function aliasHolder(m: ModelState, alias: string): VersionEntry | undefined {
  const last = m.aliases.get(alias)?.at(-1);
  if (!last || last.action !== 'assign' || !last.version) return undefined;
  return m.versions.find((v) => v.version === last.version);
}

/** Aliases a version holds now. */
export function aliasesOf(m: ModelState, version: string): string[] {
  return [...m.aliases.keys()].filter((a) => aliasHolder(m, a)?.version === version).sort();
}

export function latestVersion(m: ModelState): VersionEntry | undefined {
  const live = m.versions.filter((v) => !v.deprecated);
  return live.at(-1);
}
