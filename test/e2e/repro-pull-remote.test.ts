// repro --pull and --allow-missing against the real S3 test server, the way workers with no
// shared disk cooperate: each in its own fresh clone runs one stage with
// `repro --single-item STAGE --pull` then `push --run-cache`; upstream stages another worker
// ran are restored from the remote's run-cache, never rerun. Two workers running the same
// stage at once both succeed with identical outputs, and the remote stays intact.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, CLI, cleanup, git } from '../helpers.js';
import { noS3 } from '../s3-helpers.js';
import { distributedRepo, freshClone, outIds, PIPELINE, runs } from '../distributed-helpers.js';

afterEach(cleanup);

function worker(origin: string, stage: string, env: Record<string, string>): string {
  const d = freshClone(origin);
  const r = cairn(d, ['repro', '--single-item', stage, '--pull'], env);
  expect(r.code, `${stage}: ${r.stdout}\n${r.stderr}`).toBe(0);
  const p = cairn(d, ['push', '--run-cache'], env);
  expect(p.code, p.stderr).toBe(0);
  return d;
}

function cairnAsync(cwd: string, args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, CAIRN_NO_PROGRESS: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (b) => (out += b));
    c.stderr.on('data', (b) => (out += b));
    c.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

describe.skipIf(!!noS3)(`repro --pull across fresh clones${noS3 ? ` (skipped: ${noS3})` : ''}`, () => {
  it('each worker runs one stage; upstream is restored from the remote run-cache; the result equals a local repro', async () => {
    const { origin, env, log } = await distributedRepo();
    worker(origin, 'prepare', env);
    // report's upstream has not run anywhere yet: refused, naming the stage
    const early = freshClone(origin);
    const e = cairn(early, ['repro', '--single-item', 'report', '--pull'], env);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/stage 'train@a' is upstream of the targets and no worker has run it/);
    worker(origin, 'train@a', env);
    worker(origin, 'train@b', env);
    const last = worker(origin, 'report', env);
    expect(runs(log)).toEqual(['prepare', 'report', 'train-a', 'train-b']); // each exactly once
    expect(readFileSync(join(last, 'report.txt'), 'utf8')).toBe('x,y\n1,2\n3,4\na\nx,y\n1,2\n3,4\nb\n');

    // a whole-pipeline --pull in yet another clone restores everything, runs nothing
    const all = freshClone(origin);
    const r = cairn(all, ['repro', '--pull'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('0 ran, 4 restored from run-cache');
    // the ids equal those of a plain local repro with no remote involved
    const local = freshClone(origin);
    expect(cairn(local, ['checkout'], env).code).toBe(1); // nothing in its cache: it cannot check out the data
    expect(cairn(local, ['pull', 'data/raw.csv'], env).code).toBe(0);
    expect(cairn(local, ['repro', '--no-run-cache'], env).code).toBe(0);
    expect(outIds(all)).toEqual(outIds(local));
    expect(outIds(last).report).toEqual(outIds(local).report);
  });

  it('two workers running the same stage at once both succeed with identical outputs, and the remote stays intact', async () => {
    const { origin, env } = await distributedRepo();
    worker(origin, 'prepare', env);
    const a = freshClone(origin);
    const b = freshClone(origin);
    const both = await Promise.all(
      [a, b].map(async (d) => {
        const r = await cairnAsync(d, ['repro', '--single-item', 'train@a', '--pull'], env);
        const p = await cairnAsync(d, ['push', '--run-cache'], env);
        return { r, p };
      }),
    );
    for (const x of both) {
      expect(x.r.code, x.r.out).toBe(0);
      expect(x.p.code, x.p.out).toBe(0);
    }
    expect(readFileSync(join(a, 'model-a.txt'), 'utf8')).toBe(readFileSync(join(b, 'model-a.txt'), 'utf8'));
    expect(outIds(a)['train@a']).toEqual(outIds(b)['train@a']);
    const check = freshClone(origin);
    expect(cairn(check, ['repro', '--single-item', 'train@a', '--pull'], env).stdout).toContain('restored from run-cache');
    const v = cairn(check, ['status', '--cloud', '--verify-remote', '--json'], env);
    expect(v.code, v.stderr).toBe(0);
    expect(JSON.parse(v.stdout).cloud.inSync).toBe(true);
  });

  it('--allow-missing skips stages whose only change is data missing from the workspace', async () => {
    const { origin, env } = await distributedRepo();
    expect(cairn(origin, ['repro'], env).code).toBe(0);
    git(origin, 'add', '-A');
    git(origin, 'commit', '-qm', 'lock');
    const d = freshClone(origin);
    const dry = cairn(d, ['repro', '--dry'], env);
    expect(dry.code).toBe(2); // without the flag the missing tracked data is an error
    expect(dry.stderr).toContain("dep 'data/raw.csv' of stage 'prepare'");
    expect(cairn(d, ['repro', '--dry', '--allow-missing'], env).stdout).toMatch(/unchanged\s+prepare/);
    const am = cairn(d, ['repro', '--allow-missing'], env);
    expect(am.code, am.stderr).toBe(0);
    expect(am.stdout).toContain('0 ran, 0 restored from run-cache, 4 unchanged');
    // a real change still runs (and then needs its deps)
    writeFileSync(join(d, 'cairn.yaml'), PIPELINE.replace('cat model-a.txt model-b.txt', 'cat model-b.txt model-a.txt'));
    const changed = cairn(d, ['repro', '--allow-missing'], env);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain("dep 'model-a.txt' of stage 'report' does not exist");

    // a frozen upstream stage is neither run nor restored: --pull fetches its locked outs
    expect(cairn(origin, ['push', '--run-cache'], env).code).toBe(0);
    const w = freshClone(origin);
    writeFileSync(join(w, 'cairn.yaml'), PIPELINE.replace('  prepare:\n', '  prepare:\n    frozen: true\n'));
    const f = cairn(w, ['repro', '--single-item', 'train@a', '--pull'], env);
    expect(f.code, f.stderr).toBe(0);
    expect(f.stdout).toContain("Stage 'prepare' is frozen");
    expect(readFileSync(join(w, 'prep.txt'), 'utf8')).toBe('x,y\n1,2\n3,4\n');
    expect(readFileSync(join(w, 'model-a.txt'), 'utf8')).toBe('x,y\n1,2\n3,4\na\n');
  });
});
