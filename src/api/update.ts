// cairn update PATH: refresh data imported with import-url. The stage whose out is PATH and
// whose deps are external reruns only when its source changed (new ETag, version, listing).
import { join } from 'node:path';
import { CairnError } from '../core/errors.js';
import { overlaps, repoRelative } from '../core/paths.js';
import type { StageResult } from '../pipeline/execute.js';
import { loadGraph } from '../pipeline/project.js';
import { runStages } from '../pipeline/run-stages.js';
import { Repo } from '../repo/repo.js';

export interface UpdateOptions {
  cwd: string;
  /** imported paths, relative to cwd */
  targets: string[];
  /** download again even when the source looks unchanged */
  force?: boolean;
  fetch?: typeof fetch;
}

export interface UpdateResult {
  stages: { id: string; path: string; status: StageResult['status']; reasons: string[]; error?: string }[];
}

export async function update(opts: UpdateOptions): Promise<UpdateResult> {
  const repo = await Repo.open(opts.cwd);
  const { graph } = loadGraph(repo, { checkDeps: false });
  const picks: { id: string; path: string }[] = [];
  for (const t of opts.targets) {
    const rel = repoRelative(repo.root, join(opts.cwd, t)) ?? t;
    const hit = graph.nodes.find((n) => n.stage.external?.length && n.stage.outs.some((o) => overlaps(o.path, rel)));
    if (!hit) {
      throw new CairnError('CAIRN_BAD_TARGET', `'${t}' was not imported with \`cairn import-url\` (no stage with an external dep writes it)`, {
        hint: 'import it: `cairn import-url URL PATH`',
        data: { target: t },
      });
    }
    if (!picks.some((p) => p.id === hit.id)) picks.push({ id: hit.id, path: rel });
  }
  return repo.withLock('update', async () => {
    const results = await runStages(repo, picks.map((p) => p.id), { force: opts.force, fetch: opts.fetch });
    return {
      stages: results.map((r) => ({ id: r.id, path: picks.find((p) => p.id === r.id)!.path, status: r.status, reasons: r.reasons, ...(r.error ? { error: r.error } : {}) })),
    };
  });
}
