// `cairn export airflow`: an Airflow 3 DAG file, one BashOperator per stage (task SDK DAG,
// the standard provider's BashOperator), dependencies as in `cairn dag`.
import type { ExportPlan } from './plan.js';
import { TASK_SCRIPT } from './plan.js';

/** A Python string literal (JSON's escapes are Python's for these characters). */
const py = (s: string) => JSON.stringify(s);

export function renderAirflow(plan: ExportPlan, o: { dagId: string; version: string }): string {
  const L: string[] = [];
  L.push(`# Written by \`cairn export airflow\` (cairn-ml ${o.version}) from commit ${plan.commit}.`);
  L.push('# One task per pipeline stage. Each task clones the repository into a fresh temp folder at');
  L.push('# that commit, runs `cairn repro --single-item STAGE --pull` (upstream outputs come from the');
  L.push('# remote and its run-cache), then `cairn push --run-cache`. Workers need git, `cairn` on PATH');
  L.push("# and the remote's credentials in their environment. Re-export instead of editing.");
  L.push('from airflow.providers.standard.operators.bash import BashOperator');
  L.push('from airflow.sdk import DAG');
  L.push('');
  L.push(`REPO_URL = ${py(plan.repoUrl)}`);
  L.push(`COMMIT = ${py(plan.commit)}`);
  L.push(`SCRIPT = ${py(TASK_SCRIPT)}`);
  L.push('');
  L.push('# (task id, stage) in topological order');
  L.push('STAGES = [');
  for (const t of plan.tasks) L.push(`    (${py(t.id)}, ${py(t.stage)}),`);
  L.push(']');
  L.push('# (upstream task id, downstream task id)');
  L.push('EDGES = [');
  for (const t of plan.tasks) for (const u of t.upstream) L.push(`    (${py(u)}, ${py(t.id)}),`);
  L.push(']');
  L.push('');
  L.push(`with DAG(dag_id=${py(o.dagId)}, schedule=None, catchup=False, tags=["cairn"], doc_md=${py(`cairn pipeline of ${plan.name} at ${plan.commit}`)}) as dag:`);
  L.push('    tasks = {');
  L.push('        task_id: BashOperator(');
  L.push('            task_id=task_id,');
  L.push('            bash_command=SCRIPT,');
  L.push('            env={"CAIRN_REPO_URL": REPO_URL, "CAIRN_COMMIT": COMMIT, "CAIRN_STAGE": stage, "CAIRN_NO_PROGRESS": "1"},');
  L.push('            append_env=True,');
  L.push('        )');
  L.push('        for task_id, stage in STAGES');
  L.push('    }');
  L.push('    for up, down in EDGES:');
  L.push('        tasks[up] >> tasks[down]');
  L.push('');
  return L.join('\n');
}
