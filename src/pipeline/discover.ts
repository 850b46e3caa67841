// Finding the pipeline files of a workspace, and reading the files cairn interprets there.
import { join } from 'node:path';
import { PARAMS_KIND, PIPELINE_KIND, readOwnText } from '../io/own-file.js';
import { findRepoFiles } from '../repo/walk.js';

export const PIPELINE_FILE = 'cairn.yaml';

/**
 * Read a workspace file cairn itself interprets (cairn.yaml, params, vars) by repo-relative
 * path, through io/own-file.ts: no symlinks followed, size-capped; undefined when absent.
 */
export function ownFileReader(root: string): (repoRel: string) => string | undefined {
  return (r) => readOwnText(join(root, r), r.endsWith(PIPELINE_FILE) ? PIPELINE_KIND : PARAMS_KIND, { display: r, root });
}

/** The repo-relative path of every cairn.yaml under the workspace root (skipping .git, .cairn, node_modules, tracked dirs). */
export function findPipelineFiles(root: string): string[] {
  return findRepoFiles(root, (n) => n === PIPELINE_FILE);
}
