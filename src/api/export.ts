// cairn export airflow|argo|github-matrix --out FILE: the pipeline as a workflow for an engine
// that runs tasks across machines (src/ci/export/). Each task clones the repo (origin URL, or
// repoUrl) at the exported commit into a fresh temp folder and runs one stage with
// `cairn repro --single-item STAGE --pull`, then `cairn push --run-cache`. Refuses pipelines
// that cannot be distributed (exit 2, naming the stage), never overwrites without force.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CairnError } from '../core/errors.js';
import { hasUrlCredentials, maskText } from '../core/secrets.js';
import { writeFileAtomic } from '../io/atomic.js';
import { gitSync, headCommit, isDirty } from '../git/cli.js';
import { renderAirflow } from '../ci/export/airflow.js';
import { renderArgo } from '../ci/export/argo.js';
import { renderGithubMatrix } from '../ci/export/github-matrix.js';
import { planExport, templateProblem, type ExportTask } from '../ci/export/plan.js';
import { loadGraph } from '../pipeline/project.js';
import { remoteSpec } from '../remote/open.js';
import { Repo } from '../repo/repo.js';

export type ExportTarget = 'airflow' | 'argo' | 'github-matrix';
const EXPORT_TARGETS: ExportTarget[] = ['airflow', 'argo', 'github-matrix'];

export interface ExportOptions {
  cwd: string;
  target: ExportTarget;
  /** where to write (relative to cwd) */
  out: string;
  /** clone URL for the workers (default: `git remote get-url origin`) */
  repoUrl?: string;
  /** airflow: dag_id (default cairn_<repo folder name>) */
  dagId?: string;
  /** argo: container image with git, bash and cairn (default node:20) */
  image?: string;
  /** argo: Kubernetes secret holding the remote's credentials (default cairn-remote) */
  secret?: string;
  /** overwrite an existing --out file */
  force?: boolean;
}

export interface ExportResult {
  target: ExportTarget;
  file: string;
  commit: string;
  repoUrl: string;
  /** airflow dag_id */
  dagId?: string;
  tasks: ExportTask[];
  /** things the user should know (uncommitted changes the workers will not see) */
  warnings: string[];
}

function version(): string {
  const pkg = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

export async function exportPipeline(opts: ExportOptions): Promise<ExportResult> {
  if (!EXPORT_TARGETS.includes(opts.target)) {
    throw new CairnError('CAIRN_USAGE', `unknown export target '${String(opts.target)}' (one of ${EXPORT_TARGETS.join(', ')})`);
  }
  if (!opts.out) throw new CairnError('CAIRN_USAGE', 'export needs --out FILE');
  const repo = await Repo.open(opts.cwd);
  const { graph } = loadGraph(repo, { checkDeps: false });
  if (!graph.order.length) throw new CairnError('CAIRN_NOT_FOUND', `no stages in any cairn.yaml under ${repo.root}`, { hint: 'add one with `cairn stage add`' });
  // the workers cooperate only through the remote: there must be one they all see
  remoteSpec(repo.config);
  const commit = headCommit(repo.root);
  if (!commit) throw new CairnError('CAIRN_USAGE', 'nothing committed yet: the workers check out a commit', { hint: 'commit the pipeline first (`git add -A && git commit`)' });
  let repoUrl = opts.repoUrl;
  if (!repoUrl) {
    try {
      repoUrl = gitSync(repo.root, ['remote', 'get-url', 'origin']).trim();
    } catch {
      throw new CairnError('CAIRN_USAGE', "the repository has no 'origin' remote to clone from", { hint: 'pass --repo-url URL (what the workers clone)' });
    }
  }
  if (hasUrlCredentials(repoUrl)) {
    throw new CairnError('CAIRN_USAGE', `the clone URL '${maskText(repoUrl)}' carries credentials: they would be written into ${opts.out}`, {
      hint: "pass --repo-url without them and give the workers git credentials through the engine's secrets",
    });
  }
  const bad = templateProblem(repoUrl);
  if (bad) throw new CairnError('CAIRN_USAGE', `the clone URL '${maskText(repoUrl)}' ${bad}`);
  const name = basename(repo.root);
  const plan = planExport(graph, { name, repoUrl, commit });
  const file = resolve(opts.cwd, opts.out);
  if (existsSync(file) && !opts.force) throw new CairnError('CAIRN_USAGE', `${opts.out} exists`, { hint: 'pass --force to overwrite it' });
  const v = version();
  const dagId = opts.dagId ?? `cairn_${name.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
  if (!/^[A-Za-z0-9_.-]{1,250}$/.test(dagId)) throw new CairnError('CAIRN_USAGE', `invalid dag id '${dagId}' (letters, digits, '_', '.', '-')`);
  const text =
    opts.target === 'airflow'
      ? renderAirflow(plan, { dagId, version: v })
      : opts.target === 'argo'
        ? renderArgo(plan, { name, image: opts.image ?? 'node:20', secret: opts.secret ?? 'cairn-remote', version: v })
        : renderGithubMatrix(plan, { name, version: v });
  writeFileAtomic(file, text);
  const warnings = isDirty(repo.root) ? [`the workspace has uncommitted changes: the workers run commit ${commit.slice(0, 12)} without them`] : [];
  return { target: opts.target, file, commit, repoUrl, ...(opts.target === 'airflow' ? { dagId } : {}), tasks: plan.tasks, warnings };
}
