// cairn get-url URL PATH: download an external source into the workspace (the cmd of stages
// that `cairn import-url` writes). The data lands in .cairn/tmp/ first and is renamed into
// place, so an interrupted download leaves no half file; PATH must be inside the repo.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CairnError } from '../core/errors.js';
import { repoPathProblem, repoRelative } from '../core/paths.js';
import { tempIn } from '../io/tempname.js';
import { downloadExternal } from '../remote/external.js';
import { Repo } from '../repo/repo.js';

export interface GetUrlOptions {
  cwd: string;
  url: string;
  path: string;
  /** refuse sources bigger than this (bytes; default 20 GiB) */
  maxSize?: number;
  fetch?: typeof fetch;
}

const DEFAULT_MAX_SIZE = 20 * 1024 ** 3;

export async function getUrl(opts: GetUrlOptions): Promise<{ path: string; files: number; bytes: number }> {
  // inside a running stage the repo lock belongs to repro: only open the repo, take no lock
  const repo = await Repo.open(opts.cwd);
  const rel = repoRelative(repo.root, join(opts.cwd, opts.path));
  const why = rel === undefined ? 'points outside the repository' : repoPathProblem(rel);
  if (rel === undefined || why) throw new CairnError('CAIRN_BAD_PATH', `'${opts.path}' ${why}`, { data: { path: opts.path } });
  repo.guard.checkTarget(rel, { action: 'download into' });
  const tmp = tempIn(repo.paths.tmpDir, 'get-url');
  try {
    const r = await downloadExternal(opts.url, tmp, { config: repo.config, base: repo.root, maxBytes: opts.maxSize ?? DEFAULT_MAX_SIZE, fetch: opts.fetch });
    rmSync(join(repo.root, rel), { recursive: true, force: true });
    mkdirSync(dirname(join(repo.root, rel)), { recursive: true });
    renameSync(tmp, join(repo.root, rel));
    return { path: rel, ...r };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
