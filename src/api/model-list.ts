// cairn model list: every model, its latest version and the aliases it has now.
import { aliasHolder, latestVersion, loadRegistry } from '../mlops/registry/registry.js';
import { Repo } from '../repo/repo.js';

export interface ModelListOptions {
  cwd: string;
}

export interface ModelListEntry {
  name: string;
  latest: string | null;
  versions: number;
  deprecated: number;
  /** alias → version it names now */
  aliases: Record<string, string>;
  /** version tags whose record cannot be trusted (edited by hand, moved, foreign) */
  problems: { tag: string; problems: string[] }[];
}

export type ModelListResult = ModelListEntry[];

export async function modelList(opts: ModelListOptions): Promise<ModelListResult> {
  const repo = await Repo.open(opts.cwd);
  const reg = loadRegistry(repo);
  const out: ModelListEntry[] = [];
  for (const m of [...reg.models.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!m.versions.length) continue;
    const aliases: Record<string, string> = {};
    for (const a of [...m.aliases.keys()].sort()) {
      const h = aliasHolder(m, a);
      if (h) aliases[a] = h.version;
    }
    out.push({
      name: m.name,
      latest: latestVersion(m)?.version ?? null,
      versions: m.versions.length,
      deprecated: m.versions.filter((v) => v.deprecated).length,
      aliases,
      problems: m.versions.filter((v) => v.problems.length).map((v) => ({ tag: v.tag, problems: v.problems })),
    });
  }
  return out;
}
