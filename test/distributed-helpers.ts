// Shared by the multi-worker tests (test/e2e/repro-pull-remote.test.ts and
// test/e2e/export-airflow-s3.test.ts): a committed repo with tracked data, a fan-out pipeline
// whose stages log each run, and the S3 test server as its remote.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { readLock } from '../src/repo/lockfile.js';
import { cairn, git, tempDir, tempRepo } from './helpers.js';
import { bucketName, makeBucket, s3, s3Env } from './s3-helpers.js';

export const PIPELINE = `stages:
  prepare:
    cmd: cat data/raw.csv > prep.txt && echo prepare >> "$RUNLOG"
    deps: [data/raw.csv]
    outs: [prep.txt]
  train:
    foreach: [a, b]
    do:
      cmd: '(cat prep.txt; echo \${item}) > model-\${item}.txt && echo train-\${item} >> "$RUNLOG"'
      deps: [prep.txt]
      outs:
        - model-\${item}.txt
  report:
    cmd: cat model-a.txt model-b.txt > report.txt && echo report >> "$RUNLOG"
    deps: [model-a.txt, model-b.txt]
    outs: [report.txt]
`;

/** A committed repo with tracked data, the fan-out pipeline and an S3 remote (endpoint in config.yaml). */
export async function distributedRepo(): Promise<{ origin: string; env: Record<string, string>; log: string; bucket: string }> {
  const log = join(tempDir('cairn-runlog-'), 'runs.log');
  writeFileSync(log, '');
  const env = { ...s3Env(), RUNLOG: log };
  const origin = await tempRepo({ 'data/raw.csv': 'x,y\n1,2\n3,4\n', 'cairn.yaml': PIPELINE });
  const bucket = bucketName('pull');
  await makeBucket(bucket);
  for (const args of [['add', 'data/raw.csv'], ['remote', 'add', '-d', 'store', `s3://${bucket}/cache`], ['remote', 'modify', 'store', 'endpoint', s3!.endpoint], ['push']]) {
    const r = cairn(origin, args, env);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  }
  git(origin, 'add', '-A');
  git(origin, 'commit', '-qm', 'pipeline');
  return { origin, env, log, bucket };
}

export function freshClone(origin: string): string {
  const d = join(tempDir('cairn-worker-'), 'repo');
  git(origin, 'clone', '-q', origin, d);
  return d;
}

export const runs = (log: string) => readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).sort();
export const outIds = (dir: string) => {
  const l = readLock(join(dir, 'cairn.lock'), dir)!;
  return Object.fromEntries(Object.entries(l.stages).map(([n, s]) => [n, s.outs.map((o) => o.id)]));
};

