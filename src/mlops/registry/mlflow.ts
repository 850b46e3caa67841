// Export one registry version to an MLflow Model Registry over MLflow's REST API: a run in
// experiment `cairn-registry` holding the params, metrics, the files as artifacts and the
// lineage as tags; a model version from that run with the lineage as tags; the aliases the
// version holds in cairn. The HTTP client is passed in (tests use the real server).
import { CairnError } from '../../core/errors.js';
import { now } from '../../core/clock.js';
import type { VersionRecord } from './record.js';

export type FetchFn = typeof fetch;

export interface MlflowExportInput {
  uri: string;
  record: VersionRecord;
  aliases: string[];
  /** the files to upload: relative artifact path → bytes */
  files: { rel: string; bytes: Buffer }[];
  experiment?: string;
  fetch?: FetchFn;
}

export interface MlflowExportResult {
  uri: string;
  experiment_id: string;
  run_id: string;
  name: string;
  mlflow_version: string;
  source: string;
  aliases: string[];
  artifacts: string[];
}

/** Lineage as MLflow tags (keys ≤ 250 chars, values ≤ 5000). */
export function lineageTags(rec: VersionRecord): { key: string; value: string }[] {
  const t: [string, unknown][] = [
    ['cairn.name', rec.name],
    ['cairn.version', rec.version],
    ['cairn.commit', rec.commit],
    ['cairn.branch', rec.branch],
    ['cairn.dirty', rec.dirty],
    ['cairn.path', rec.path],
    ['cairn.id', `${rec.hash}:${rec.id}`],
    ['cairn.stage', rec.stage],
    ['cairn.cmd', rec.cmd?.join(' && ')],
    ['cairn.run', rec.run],
    ['cairn.registered_at', rec.registered_at],
    ['cairn.author', rec.author],
    ['cairn.gate', rec.gate ? `${rec.gate.verdict} (report ${rec.gate.report_id})` : null],
    ['cairn.eval_set', rec.eval_set ? `${rec.eval_set.path}:${rec.eval_set.id}` : null],
    ['cairn.predictions', rec.predictions ? `${rec.predictions.path}:${rec.predictions.id}` : null],
    ...rec.data.map((d): [string, unknown] => [`cairn.data.${d.path}`, d.id]),
  ];
  return t.filter(([, v]) => v !== null && v !== undefined).map(([key, value]) => ({ key: key.slice(0, 250), value: String(value).slice(0, 5000) }));
}

export async function exportToMlflow(o: MlflowExportInput): Promise<MlflowExportResult> {
  const f = o.fetch ?? fetch;
  const base = o.uri.replace(/\/+$/, '');
  if (!/^https?:\/\//.test(base)) throw new CairnError('CAIRN_USAGE', `--mlflow '${o.uri}' is not an http(s) URL of an MLflow tracking server`, { hint: 'e.g. --mlflow http://127.0.0.1:5000' });
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown, okCodes: string[] = []): Promise<Record<string, unknown>> => {
    let res: Response;
    try {
      res = await f(`${base}/api/2.0/mlflow/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new CairnError('CAIRN_REMOTE', `MLflow at ${base}: ${(e as Error).message}`, { hint: 'is `mlflow server` running there?' });
    }
    const text = await res.text();
    let data: Record<string, unknown> = {};
    try {
      data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      /* not JSON */
    }
    if (!res.ok && !okCodes.includes(String(data.error_code))) {
      throw new CairnError('CAIRN_REMOTE', `MLflow ${method} ${path}: HTTP ${res.status} ${String(data.error_code ?? '')} ${String(data.message ?? text).slice(0, 300)}`, { hint: `check the server at ${base}` });
    }
    return data;
  };
  const rec = o.record;
  const expName = o.experiment ?? 'cairn-registry';
  const got = await call('GET', `experiments/get-by-name?experiment_name=${encodeURIComponent(expName)}`, undefined, ['RESOURCE_DOES_NOT_EXIST']);
  const expId = (got.experiment as { experiment_id?: string } | undefined)?.experiment_id ?? ((await call('POST', 'experiments/create', { name: expName })).experiment_id as string);
  const tags = lineageTags(rec);
  const started = Date.parse(rec.registered_at) || now();
  const run = (await call('POST', 'runs/create', { experiment_id: expId, start_time: started, run_name: `${rec.name}@${rec.version}`, tags })).run as { info: { run_id: string; artifact_uri: string } };
  const runId = run.info.run_id;
  const params = Object.entries(rec.params).slice(0, 100).map(([key, value]) => ({ key: key.slice(0, 250), value: String(value).slice(0, 6000) }));
  const metrics = Object.entries(rec.metrics).filter(([, v]) => typeof v === 'number').map(([key, value]) => ({ key, value, timestamp: started, step: 0 }));
  await call('POST', 'runs/log-batch', { run_id: runId, params, metrics });
  // artifacts through the server's proxy (mlflow-artifacts:/...), the default of `mlflow server`
  const m = /^mlflow-artifacts:\/(.*)$/.exec(run.info.artifact_uri);
  if (!m) throw new CairnError('CAIRN_REMOTE', `MLflow run ${runId} stores artifacts at ${run.info.artifact_uri}, which cairn cannot upload to`, { hint: 'run the server with --serve-artifacts (the default)' });
  const artDir = m[1]!.replace(/^\/+/, '');
  const artifacts: string[] = [];
  for (const file of o.files) {
    const rel = `model/${file.rel}`;
    const res = await f(`${base}/api/2.0/mlflow-artifacts/artifacts/${artDir}/${rel.split('/').map(encodeURIComponent).join('/')}`, { method: 'PUT', body: file.bytes });
    if (!res.ok) throw new CairnError('CAIRN_REMOTE', `MLflow artifact upload of ${rel}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    artifacts.push(rel);
  }
  await call('POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: now() });
  await call('POST', 'registered-models/create', { name: rec.name, description: `registered by cairn (git tags ${rec.name}@v*)` }, ['RESOURCE_ALREADY_EXISTS']);
  const source = `${run.info.artifact_uri}/model`;
  const mv = (await call('POST', 'model-versions/create', { name: rec.name, source, run_id: runId, tags, description: `${rec.name}@${rec.version} (${rec.path} ${rec.id}) from commit ${rec.commit}` })).model_version as { version: string };
  const aliases: string[] = [];
  for (const a of o.aliases) {
    // MLflow reserves `latest` and aliases that look like versions (v1, V2)
    if (a === 'latest' || /^v\d+$/i.test(a)) continue;
    await call('POST', 'registered-models/alias', { name: rec.name, alias: a, version: mv.version });
    aliases.push(a);
  }
  return { uri: base, experiment_id: expId, run_id: runId, name: rec.name, mlflow_version: mv.version, source, aliases, artifacts };
}

