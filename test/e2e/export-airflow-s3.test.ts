// The exported DAG on the real engine: Apache Airflow 3 (scripts/airflow-peer.sh installs it
// into .cache/venv-airflow) runs `airflow dags test` on what `cairn export airflow` wrote, for
// the fan-out pipeline (prepare → train@a, train@b → report). Every task clones the origin
// into its own fresh temp folder and shares nothing with the others but the Ceph S3 remote.
// The final output ids must equal those of a plain local `cairn repro`. Slow (Airflow starts
// a Python process per task): behind CAIRN_TEST_AIRFLOW=1.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, CLI, cleanup, git, ROOT, tempDir } from '../helpers.js';
import { noS3 } from '../s3-helpers.js';
import { distributedRepo, freshClone, outIds, runs } from '../distributed-helpers.js';

afterEach(cleanup);

const AIRFLOW = join(ROOT, '.cache', 'venv-airflow', 'bin', 'airflow');
const skip =
  process.env.CAIRN_TEST_AIRFLOW !== '1'
    ? 'set CAIRN_TEST_AIRFLOW=1 to run Apache Airflow (slow)'
    : !existsSync(AIRFLOW)
      ? 'Apache Airflow is not installed: run scripts/airflow-peer.sh'
      : noS3;

/** A folder with a `cairn` that runs this checkout's build: what the workers find on PATH. */
function cairnBin(): string {
  const bin = tempDir('cairn-bin-');
  writeFileSync(join(bin, 'cairn'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, 'cairn'), 0o755);
  return bin;
}

describe.skipIf(!!skip)(`cairn export airflow on Apache Airflow${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('airflow dags test runs every stage once, each in its own clone, and the outputs equal a local repro', async () => {
    const { origin, env, log } = await distributedRepo();
    // the workers clone from 'origin': a bare repository, as a git server would hold it
    const bare = join(tempDir('cairn-origin-'), 'project.git');
    git(origin, 'clone', '-q', '--bare', origin, bare);
    git(origin, 'remote', 'add', 'origin', bare);
    const home = tempDir('cairn-airflow-');
    const dags = join(home, 'dags');
    mkdirSync(dags);
    const x = cairn(origin, ['export', 'airflow', '--out', join(dags, 'pipeline.py'), '--dag-id', 'cairn_fanout']);
    expect(x.code, x.stderr).toBe(0);
    const aenv = {
      ...process.env,
      ...env,
      PATH: `${cairnBin()}:${process.env.PATH}`,
      AIRFLOW_HOME: home,
      AIRFLOW__CORE__DAGS_FOLDER: dags,
      AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
      AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: `sqlite:///${join(home, 'airflow.db')}`,
      CAIRN_NO_PROGRESS: '1',
    };
    const af = (args: string[]) => spawnSync(AIRFLOW, args, { cwd: home, env: aenv, encoding: 'utf8', timeout: 600_000 });
    let t0 = performance.now();
    const m = af(['db', 'migrate']);
    const migrate = (performance.now() - t0) / 1000;
    expect(m.status, m.stderr.slice(-3000)).toBe(0);
    t0 = performance.now();
    const t = af(['dags', 'test', 'cairn_fanout']);
    process.stderr.write(`[airflow] db migrate ${migrate.toFixed(1)} s, dags test ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const tail = `${t.stdout.slice(-4000)}\n${t.stderr.slice(-4000)}`;
    expect(t.status, tail).toBe(0);
    expect(tail).not.toMatch(/state=failed|Task failed|upstream_failed/i);
    expect(runs(log)).toEqual(['prepare', 'report', 'train-a', 'train-b']); // each stage ran once

    // what the workers left on the remote is the whole pipeline: a fresh clone restores it all
    const all = freshClone(bare);
    const r = cairn(all, ['repro', '--pull'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('0 ran, 4 restored from run-cache');
    expect(runs(log)).toHaveLength(4);
    // and equals a plain local repro that never touched the run-cache
    const local = freshClone(bare);
    expect(cairn(local, ['pull', 'data/raw.csv'], env).code).toBe(0);
    expect(cairn(local, ['repro', '--no-run-cache'], env).code).toBe(0);
    expect(outIds(all)).toEqual(outIds(local));
  }, 900_000);
});
