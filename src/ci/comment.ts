// `cairn report --comment`: one comment per pull request (GitHub) or merge request (GitLab),
// found again on later runs by a hidden marker and edited in place. HTTP goes through the
// `fetch` passed in, so a test can point it at a local server. Tokens travel only in
// headers; nothing here prints them, and errors name the endpoint, not the token.
import { readFileSync } from 'node:fs';
import { CairnError } from '../core/errors.js';
import { registerSecret } from '../core/secrets.js';

export const MARKER = '<!-- cairn-report -->';

export type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown>; text(): Promise<string> }>;

export interface CommentTarget {
  provider: 'github' | 'gitlab';
  /** the list (GET) / create (POST) endpoint */
  list: string;
  /** endpoint of one existing comment */
  item(id: number | string): string;
  headers: Record<string, string>;
  /** PATCH on GitHub, PUT on GitLab */
  updateMethod: 'PATCH' | 'PUT';
  /** human name of the thread: owner/repo#12, group/project!3 */
  where: string;
}

function need(env: NodeJS.ProcessEnv, name: string, why: string): string {
  const v = env[name];
  if (!v) throw new CairnError('CAIRN_USAGE', `--comment needs ${name} (${why})`, { hint: 'run it in a pull request or merge request job, or drop --comment' });
  return v;
}

/** Where to post, from the CI's environment (GitHub Actions or GitLab CI). */
export function commentTarget(env: NodeJS.ProcessEnv = process.env): CommentTarget {
  if (env.GITHUB_ACTIONS === 'true' || env.GITHUB_EVENT_PATH) {
    const token = need(env, 'GITHUB_TOKEN', 'pass it to the step: env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}');
    registerSecret(token);
    const repo = need(env, 'GITHUB_REPOSITORY', 'owner/name');
    const eventPath = need(env, 'GITHUB_EVENT_PATH', 'the event file');
    let event: { pull_request?: { number?: number }; issue?: { number?: number; pull_request?: unknown }; number?: number };
    try {
      event = JSON.parse(readFileSync(eventPath, 'utf8')) as typeof event;
    } catch (e) {
      throw new CairnError('CAIRN_USAGE', `--comment: cannot read the event file ${eventPath}: ${(e as Error).message}`);
    }
    const n = event.pull_request?.number ?? (event.issue?.pull_request ? event.issue.number : undefined);
    if (!Number.isInteger(n)) throw new CairnError('CAIRN_USAGE', `--comment: the event (${env.GITHUB_EVENT_NAME ?? 'unknown'}) is not a pull request: ${eventPath} has no pull_request.number`, { hint: 'post only on pull_request events' });
    if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) throw new CairnError('CAIRN_USAGE', `--comment: GITHUB_REPOSITORY '${repo}' is not owner/name`);
    const api = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
    return {
      provider: 'github',
      list: `${api}/repos/${repo}/issues/${n}/comments`,
      item: (id) => `${api}/repos/${repo}/issues/comments/${id}`,
      headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'content-type': 'application/json', 'user-agent': 'cairn-ml' },
      updateMethod: 'PATCH',
      where: `${repo}#${n}`,
    };
  }
  if (env.GITLAB_CI === 'true' || env.CI_API_V4_URL) {
    const api = need(env, 'CI_API_V4_URL', 'GitLab sets it in every job').replace(/\/+$/, '');
    const project = need(env, 'CI_PROJECT_ID', 'GitLab sets it in every job');
    const iid = need(env, 'CI_MERGE_REQUEST_IID', 'set in merge request pipelines only');
    // a project or personal access token with `api` scope; CI_JOB_TOKEN reaches only some endpoints
    const token = env.CAIRN_GITLAB_TOKEN || env.GITLAB_TOKEN;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'cairn-ml' };
    if (token) headers['private-token'] = token;
    else headers['job-token'] = need(env, 'CI_JOB_TOKEN', 'or a project access token in CAIRN_GITLAB_TOKEN');
    registerSecret(token ?? env.CI_JOB_TOKEN);
    const base = `${api}/projects/${encodeURIComponent(project)}/merge_requests/${encodeURIComponent(iid)}/notes`;
    return { provider: 'gitlab', list: base, item: (id) => `${base}/${id}`, headers, updateMethod: 'PUT', where: `${env.CI_PROJECT_PATH ?? project}!${iid}` };
  }
  throw new CairnError('CAIRN_USAGE', '--comment works inside GitHub Actions (GITHUB_EVENT_PATH) or GitLab CI (CI_API_V4_URL)', { hint: 'write the report with --md or --summary FILE instead' });
}

async function call(fetchFn: Fetch, url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<unknown> {
  let res: Awaited<ReturnType<Fetch>>;
  try {
    res = await fetchFn(url, init);
  } catch (e) {
    const cause = (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message;
    throw new CairnError('CAIRN_REMOTE', `${init.method} ${url}: ${cause}`, { hint: 'check GITHUB_API_URL / CI_API_V4_URL and the network; the report itself was written', cause: e });
  }
  if (!res.ok) {
    const body = (await res.text().catch(() => '')).slice(0, 300);
    const code = res.status === 401 || res.status === 403 ? 'CAIRN_REMOTE_AUTH' : 'CAIRN_REMOTE';
    throw new CairnError(code, `${init.method} ${url}: HTTP ${res.status}${body ? `: ${body}` : ''}`, { hint: res.status === 403 || res.status === 401 ? 'give the job permission to write comments (GitHub: permissions: pull-requests: write; GitLab: a token with api scope in CAIRN_GITLAB_TOKEN)' : undefined, data: { status: res.status } });
  }
  return res.json();
}

export interface PostResult {
  action: 'created' | 'updated';
  id: number | string;
  url: string | null;
  where: string;
}

interface Listed {
  id: number | string;
  body?: string;
  /** GitHub: the author; a report comment is written by a bot (GITHUB_TOKEN posts as github-actions[bot]) */
  user?: { type?: string; login?: string };
}

/**
 * Ours is the comment that starts with the marker. On GitHub, one a person wrote is never
 * taken for it (anyone may paste the marker into a comment; editing theirs would fail or
 * overwrite their words): the report then gets a comment of its own.
 */
function isReport(c: Listed): boolean {
  if (typeof c.body !== 'string' || !c.body.startsWith(MARKER)) return false;
  return !c.user?.type || c.user.type === 'Bot';
}

/** Find our comment (every page is read, up to 5,000 comments), update it, or create one. */
export async function postComment(body: string, target: CommentTarget, fetchFn: Fetch): Promise<PostResult> {
  const text = body.startsWith(MARKER) ? body : `${MARKER}\n${body}`;
  let found: Listed | undefined;
  for (let page = 1; page <= 50 && !found; page++) {
    const list = (await call(fetchFn, `${target.list}?per_page=100&page=${page}`, { method: 'GET', headers: target.headers })) as Listed[];
    if (!Array.isArray(list)) break;
    found = list.find(isReport);
    if (list.length < 100) break;
  }
  const payload = JSON.stringify({ body: text });
  if (found) {
    const r = (await call(fetchFn, target.item(found.id), { method: target.updateMethod, headers: target.headers, body: payload })) as { id?: number; html_url?: string };
    return { action: 'updated', id: found.id, url: r.html_url ?? null, where: target.where };
  }
  const r = (await call(fetchFn, target.list, { method: 'POST', headers: target.headers, body: payload })) as { id: number | string; html_url?: string };
  return { action: 'created', id: r.id, url: r.html_url ?? null, where: target.where };
}
