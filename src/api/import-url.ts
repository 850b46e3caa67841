// cairn import-url URL PATH: track an external source (s3://bucket/key, s3://bucket/prefix/,
// https://...) as a stage of the root cairn.yaml whose only dep is the URL and whose out is
// PATH, its cmd `cairn get-url URL PATH`; then run it. `cairn update PATH` reruns it when the
// source changed (api/update.ts). The URL is checked (no credentials: they would be committed),
// PATH must be inside the repo, and an existing PATH or stage is never replaced without force.
import type { YAMLMap } from 'yaml';
import { yaml } from '../io/yaml.js';
import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { CairnError } from '../core/errors.js';
import { repoPathProblem, repoRelative } from '../core/paths.js';
import { hasUrlCredentials, maskText } from '../core/secrets.js';
import { writeFileAtomic } from '../io/atomic.js';
import { readOwnText, PIPELINE_KIND } from '../io/own-file.js';
import { PIPELINE_FILE } from '../pipeline/load.js';
import { runStages } from '../pipeline/run-stages.js';
import type { StageResult } from '../pipeline/execute.js';
import { parseExternalUrl } from '../remote/external-url.js';
import { Repo } from '../repo/repo.js';

export interface ImportUrlOptions {
  cwd: string;
  url: string;
  /** where the data goes, relative to cwd */
  path: string;
  /** stage name (default `import-<file name>`) */
  name?: string;
  /** replace an existing stage of that name and overwrite PATH */
  force?: boolean;
  /** bytes the download may have (passed to get-url) */
  maxSize?: number;
  /** HTTP client (tests) */
  fetch?: typeof fetch;
}

export interface ImportUrlResult {
  stage: string;
  file: string;
  path: string;
  url: string;
  status: StageResult['status'];
  error?: string;
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export async function importUrl(opts: ImportUrlOptions): Promise<ImportUrlResult> {
  const repo = await Repo.open(opts.cwd);
  if (hasUrlCredentials(opts.url)) {
    throw new CairnError('CAIRN_USAGE', `'${maskText(opts.url)}' carries credentials: they would be committed in ${PIPELINE_FILE}`, {
      hint: 'give the URL without them; S3 credentials come from the environment or the remote config (`cairn remote modify --local`)',
    });
  }
  const u = parseExternalUrl(opts.url);
  const rel = repoRelative(repo.root, join(opts.cwd, opts.path));
  const why = rel === undefined ? 'points outside the repository' : repoPathProblem(rel);
  if (rel === undefined || why) throw new CairnError('CAIRN_BAD_PATH', `'${opts.path}' ${why}`, { data: { path: opts.path } });
  repo.guard.checkTarget(rel, { action: 'import into' });
  const target = u.kind === 's3-prefix' && !rel.endsWith('/') ? rel : rel;
  const base = posix.basename(target).replace(/[^A-Za-z0-9_.-]/g, '_') || 'data';
  const name = opts.name ?? `import-${base}`;
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) throw new CairnError('CAIRN_USAGE', `invalid stage name '${name}'`);
  return repo.withLock('import-url', async () => {
    const file = join(repo.root, PIPELINE_FILE);
    const text = readOwnText(file, PIPELINE_KIND, { display: PIPELINE_FILE, root: repo.root }) ?? '';
    const doc = yaml().parseDocument(text || 'stages: {}\n');
    let stages = doc.get('stages', true);
    if (!yaml().isMap(stages)) {
      stages = new (yaml().YAMLMap)();
      doc.set('stages', stages);
    }
    const exists = (stages as YAMLMap).has(name);
    if (exists && !opts.force) {
      throw new CairnError('CAIRN_USAGE', `stage '${name}' already exists in ${PIPELINE_FILE}`, { hint: 'pass --force to replace it, or --name NAME' });
    }
    if (existsSync(join(repo.root, target)) && !opts.force) {
      throw new CairnError('CAIRN_USAGE', `'${target}' already exists`, { hint: 'pass --force to overwrite it, or pick another PATH' });
    }
    const cmd = `cairn get-url ${shq(opts.url)} ${shq(target)}${opts.maxSize ? ` --max-size ${opts.maxSize}` : ''}`;
    (stages as YAMLMap).set(name, doc.createNode({ cmd, deps: [opts.url], outs: [target] }));
    writeFileAtomic(file, doc.toString({ lineWidth: 0 }));
    const [r] = await runStages(repo, [name], { force: true, fetch: opts.fetch });
    return { stage: name, file: PIPELINE_FILE, path: target, url: opts.url, status: r!.status, ...(r!.error ? { error: r!.error } : {}) };
  });
}
