import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, cairnSpawn, cleanup, git, ROOT, tempDir, gen } from '../helpers.js';

const STEP = join(ROOT, 'fixtures', 'pipeline', 'step.mjs');
const step = (args: string) => `node ${STEP} ${args}`;

function repoWith(files: Record<string, string>): string {
  const dir = tempDir();
  git(dir, 'init', '-q', '-b', 'main');
  gen(dir, files);
  const r = cairn(dir, ['init']);
  expect(r.code).toBe(0);
  return dir;
}

function log(dir: string): { stage: string; start: number; end: number }[] {
  const f = join(dir, 'run.log');
  if (!existsSync(f)) return [];
  const lines = readFileSync(f, 'utf8').trim().split('\n').filter(Boolean);
  rmSync(f);
  return lines.map((l) => {
    const [stage, s, e] = l.split(' ');
    return { stage: stage!, start: Number(s), end: Number(e) };
  });
}
const ran = (dir: string) => log(dir).map((l) => l.stage).sort();

const DIAMOND = `stages:
  a:
    cmd: ${step('a.txt in.txt')}
    deps: [in.txt]
    outs: [a.txt]
  b:
    cmd: ${step('b.txt a.txt')}
    deps: [a.txt]
    outs: [b.txt]
  c:
    cmd: ${step('c.txt a.txt')}
    deps: [a.txt]
    outs: [c.txt]
  d:
    cmd: ${step('d.txt b.txt c.txt')}
    deps: [b.txt, c.txt]
    outs: [d.txt]
`;

afterEach(() => cleanup());

describe('cairn repro (CLI)', () => {
  it('--downstream in a diamond runs exactly the target and what is below it', () => {
    const dir = repoWith({ 'cairn.yaml': DIAMOND, 'in.txt': 'x' });
    expect(cairn(dir, ['repro']).code).toBe(0);
    expect(ran(dir)).toEqual(['a', 'b', 'c', 'd']);
    const r = cairn(dir, ['repro', '--force', '--downstream', 'b']);
    expect(r.code).toBe(0);
    expect(ran(dir)).toEqual(['b', 'd']);
    expect(cairn(dir, ['repro', '--force', '--single-item', 'c']).code).toBe(0);
    expect(ran(dir)).toEqual(['c']);
    expect(cairn(dir, ['repro', '--force', 'b']).code).toBe(0);
    expect(ran(dir)).toEqual(['a', 'b']);
  });

  it('a list cmd stops at the first failure; the stage keeps its lock entry and repro names it', () => {
    const dir = repoWith({
      'cairn.yaml': `stages:\n  s:\n    cmd:\n      - ${step('- --fail 0')}\n      - ${step('- --fail 3')}\n      - ${step('out.txt')}\n    outs: [out.txt]\n`,
    });
    const r = cairn(dir, ['repro']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stage 's' failed: command .* exited with code 3/);
    expect(log(dir)).toHaveLength(2);
    expect(existsSync(join(dir, 'cairn.lock'))).toBe(false);
    // the outcome is data in the result: --json carries it as a CairnError, exit 1 from the table
    const j = cairn(dir, ['repro', '--json']);
    expect(j.code).toBe(1);
    const res = JSON.parse(j.stdout) as { ok: boolean; error: { code: string; hint: string } };
    expect(res.ok).toBe(false);
    expect(res.error.code).toBe('CAIRN_STAGE_FAILED');
    expect(res.error.hint).toContain('--keep-going');
    expect(j.stderr).toContain("error: stage 's' failed");
  });

  it('--keep-going runs the independent branch and still exits non-zero', () => {
    const dir = repoWith({
      'cairn.yaml': `stages:\n  bad:\n    cmd: ${step('- --fail 2')}\n    outs: [x.txt]\n  after:\n    cmd: ${step('y.txt x.txt')}\n    deps: [x.txt]\n    outs: [y.txt]\n  other:\n    cmd: ${step('z.txt')}\n    outs: [z.txt]\n`,
    });
    const stop = cairn(dir, ['repro']);
    expect(stop.code).toBe(1);
    expect(ran(dir)).toEqual(['bad']);
    const r = cairn(dir, ['repro', '--keep-going', '--json']);
    expect(r.code).toBe(1);
    expect(ran(dir)).toEqual(['bad', 'other']);
    const j = JSON.parse(r.stdout);
    expect(j.failed[0]).toMatchObject({ id: 'bad', exitCode: 2 });
    expect(j.stages.find((s: { id: string }) => s.id === 'after').status).toBe('blocked');
    expect(readFileSync(join(dir, 'cairn.lock'), 'utf8')).toContain('other:');
    expect(readFileSync(join(dir, 'cairn.lock'), 'utf8')).not.toContain('bad:');
  });

  it('a stage that does not produce a claimed out fails', () => {
    const dir = repoWith({ 'cairn.yaml': `stages:\n  s:\n    cmd: ${step('- ')}\n    outs: [never.txt]\n` });
    const r = cairn(dir, ['repro']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("stage 's' did not produce its out 'never.txt'");
  });

  it('foreach and matrix expand to the right names and run', () => {
    const dir = repoWith({
      'params.yaml': 'models: [rf, cart]\n',
      'cairn.yaml': `stages:\n  fit:\n    foreach: \${models}\n    do:\n      cmd: ${step('out/${item}.txt')}\n      outs:\n        - out/\${item}.txt\n  grid:\n    matrix:\n      lr: [1, 2]\n      depth: [a, b]\n    cmd: ${step('grid/${item.lr}-${item.depth}.txt')}\n    outs:\n      - grid/\${item.lr}-\${item.depth}.txt\n`,
    });
    const r = cairn(dir, ['repro', '--json']);
    expect(r.code).toBe(0);
    const ids = JSON.parse(r.stdout).stages.map((s: { id: string }) => s.id);
    expect(ids).toEqual(['fit@rf', 'fit@cart', 'grid@1-a', 'grid@1-b', 'grid@2-a', 'grid@2-b']);
    expect(ran(dir)).toEqual(['fit@cart', 'fit@rf', 'grid@1-a', 'grid@1-b', 'grid@2-a', 'grid@2-b']);
    expect(existsSync(join(dir, 'grid/2-b.txt'))).toBe(true);
    expect(cairn(dir, ['repro', 'fit']).code).toBe(0);
    expect(ran(dir)).toEqual([]);
  });

  it('cycles, overlapping outs, outs tracked by pointers and missing deps are usage errors naming stages and paths', () => {
    const cyc = repoWith({ 'cairn.yaml': `stages:\n  a:\n    cmd: x\n    deps: [b.txt]\n    outs: [a.txt]\n  b:\n    cmd: x\n    deps: [a.txt]\n    outs: [b.txt]\n` });
    const r1 = cairn(cyc, ['repro']);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/cycle between stages: (a -> b -> a|b -> a -> b)/);
    const ov = repoWith({ 'cairn.yaml': `stages:\n  a:\n    cmd: x\n    outs: [data]\n  b:\n    cmd: x\n    outs: [data/sub.txt]\n` });
    const r2 = cairn(ov, ['repro']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain("stages 'a' and 'b' both write overlapping outs 'data' and 'data/sub.txt'");
    const miss = repoWith({ 'cairn.yaml': `stages:\n  a:\n    cmd: x\n    deps: [nope.csv]\n    outs: [a.txt]\n` });
    const r3 = cairn(miss, ['repro']);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain("dep 'nope.csv' of stage 'a' (cairn.yaml) does not exist and no stage produces it");
    // add refuses a stage's out, so the pointer comes first and the stage after it
    const tr = repoWith({ 'raw.csv': 'x' });
    expect(cairn(tr, ['add', 'raw.csv']).code).toBe(0);
    writeFileSync(join(tr, 'cairn.yaml'), `stages:\n  a:\n    cmd: x\n    outs: [raw.csv]\n`);
    const r4 = cairn(tr, ['repro']);
    expect(r4.code).toBe(2);
    expect(r4.stderr).toContain("out 'raw.csv' of stage 'a' is also tracked by raw.csv.cairn");
  });

  it('malformed cairn.yaml names file, line and key with exit 2', () => {
    const cases: [string, RegExp][] = [
      ['stages:\n  a:\n    cmd: [x\n', /cairn\.yaml:\d+: malformed pipeline file/],
      ['stages:\n  a:\n    cmd: x\n    dpes: [a]\n', /cairn\.yaml:4: stages\.a\.dpes: unknown key 'dpes'/],
      ['stages:\n  a:\n    cmd: x\n    deps: 3\n', /cairn\.yaml:4: stages\.a\.deps: must be a list/],
      ['stages:\n  a:\n    cmd: echo ${nope}\n', /cairn\.yaml:3: stages\.a\.cmd: \$\{nope\} is not defined/],
    ];
    for (const [text, re] of cases) {
      const dir = repoWith({ 'cairn.yaml': text });
      const r = cairn(dir, ['repro']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
    }
  });

  it('--jobs 2 runs two independent slow stages at the same time (run log intervals overlap)', () => {
    const dir = repoWith({
      'cairn.yaml': `stages:\n  s1:\n    cmd: ${step('o1.txt --sleep 1500')}\n    outs: [o1.txt]\n  s2:\n    cmd: ${step('o2.txt --sleep 1500')}\n    outs: [o2.txt]\n  s3:\n    cmd: ${step('o3.txt o1.txt o2.txt')}\n    deps: [o1.txt, o2.txt]\n    outs: [o3.txt]\n`,
    });
    const r = cairn(dir, ['repro', '--jobs', '2']);
    expect(r.code).toBe(0);
    const l = log(dir);
    const a = l.find((x) => x.stage === 's1')!;
    const b = l.find((x) => x.stage === 's2')!;
    const c = l.find((x) => x.stage === 's3')!;
    // the slow sleeps overlap: each started before the other logged its end
    expect(a.start).toBeLessThan(b.end);
    expect(b.start).toBeLessThan(a.end);
    expect(c.start).toBeGreaterThanOrEqual(Math.max(a.end, b.end));
    expect(r.stdout).toMatch(/\[s[12]\] |Running stage/);
    const lock = readFileSync(join(dir, 'cairn.lock'), 'utf8');
    expect(lock).toMatch(/s1:[\s\S]*s2:[\s\S]*s3:/);
    expect(cairn(dir, ['repro', '--jobs', '2']).code).toBe(0);
    expect(log(dir)).toEqual([]);
  });

  it('kill -9 during a stage leaves a lock that a rerun completes from', async () => {
    const dir = repoWith({
      'cairn.yaml': `stages:\n  fast:\n    cmd: ${step('f.txt')}\n    outs: [f.txt]\n  slow:\n    cmd: ${step('s.txt f.txt --sleep 8000')}\n    deps: [f.txt]\n    outs: [s.txt]\n`,
    });
    const child = cairnSpawn(dir, ['repro']);
    // wait until the fast stage's lock entry exists, then kill
    for (let i = 0; i < 200 && !(existsSync(join(dir, 'cairn.lock')) && readFileSync(join(dir, 'cairn.lock'), 'utf8').includes('fast:')); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const lock = readFileSync(join(dir, 'cairn.lock'), 'utf8');
    expect(lock).toContain('fast:');
    expect(lock).not.toContain('slow:');
    log(dir);
    // the orphaned slow stage may still be sleeping; the rerun takes the stale repo lock over
    writeFileSync(join(dir, 'cairn.yaml'), readFileSync(join(dir, 'cairn.yaml'), 'utf8').replace(' --sleep 8000', ''));
    const r = cairn(dir, ['repro']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Stage 'fast' didn't change, skipping");
    expect(ran(dir)).toEqual(['slow']);
  });
});

describe('cairn repro interrupted', () => {
  it('SIGTERM stops the running stage, keeps its lock entry as it was and exits 130', async () => {
    const dir = repoWith({
      'cairn.yaml': `stages:\n  fast:\n    cmd: ${step('f.txt')}\n    outs: [f.txt]\n  slow:\n    cmd: ${step('s.txt f.txt --sleep 8000')}\n    deps: [f.txt]\n    outs: [s.txt]\n`,
    });
    const child = cairnSpawn(dir, ['repro']);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c) => (stdout += c));
    child.stderr!.on('data', (c) => (stderr += c));
    for (let i = 0; i < 200 && !stdout.includes("Running stage 'slow'"); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.on('close', (c) => r(c)));
    expect(code).toBe(130);
    expect(stderr).toContain('error: interrupted: running stages were stopped');
    const lock = readFileSync(join(dir, 'cairn.lock'), 'utf8');
    expect(lock).toContain('fast:');
    expect(lock).not.toContain('slow:');
    expect(existsSync(join(dir, 's.txt'))).toBe(false);
  });
});

describe('bad inputs around repro, and the dag / stage commands', () => {
  const ONE = `stages:\n  s:\n    cmd: ${step('o.txt --param k.v')}\n    params: [k.v]\n    outs: [o.txt]\n`;

  it('a malformed cairn.lock names file and line, exit 2', () => {
    const dir = repoWith({ 'cairn.yaml': ONE, 'params.yaml': 'k: {v: 1}\n' });
    writeFileSync(join(dir, 'cairn.lock'), "schema: '1'\nstages:\n  s:\n    cmd: x\n    outs:\n      - {path: /etc/passwd, hash: xxh64x2, id: 0123456789abcdef0123456789abcdef, size: 1}\n");
    const r = cairn(dir, ['repro']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cairn\.lock:6: stages\.s\.outs\[0\]\.path "\/etc\/passwd" is absolute/);
  });

  it('a missing params file or key names the file, the key and the stage, exit 2', () => {
    const dir = repoWith({ 'cairn.yaml': ONE });
    const r1 = cairn(dir, ['repro']);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain("params file 'params.yaml' of stage 's' (cairn.yaml) does not exist");
    writeFileSync(join(dir, 'params.yaml'), 'k: {w: 1}\n');
    const r2 = cairn(dir, ['repro']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain("param 'k.v' of stage 's' is not in 'params.yaml'");
    writeFileSync(join(dir, 'params.yaml'), 'k: [unclosed\n');
    const r3 = cairn(dir, ['repro']);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/params\.yaml:\d+: malformed/);
  });

  it('a corrupt run-cache entry is ignored: the stage runs instead', () => {
    const dir = repoWith({ 'cairn.yaml': ONE, 'params.yaml': 'k: {v: 1}\n' });
    expect(cairn(dir, ['repro']).code).toBe(0);
    log(dir);
    const runs = join(dir, '.cairn', 'cache', 'runs');
    const p = readdirSync(runs)[0]!;
    const f = join(runs, p, readdirSync(join(runs, p))[0]!);
    writeFileSync(f, 'outs: [{path: ../../x, hash: nope}]\n');
    rmSync(join(dir, 'o.txt'));
    rmSync(join(dir, 'cairn.lock'));
    const r = cairn(dir, ['repro']);
    expect(r.code).toBe(0);
    expect(ran(dir)).toEqual(['s']);
  });

  it('cairn dag prints ascii, mermaid, dot and json', () => {
    const dir = repoWith({ 'cairn.yaml': DIAMOND, 'in.txt': 'x' });
    expect(cairn(dir, ['dag']).stdout).toBe('a\n├── b\n│   └── d\n└── c\n    └── d\n');
    expect(cairn(dir, ['dag', '--mermaid']).stdout).toContain('flowchart TD');
    expect(cairn(dir, ['dag', '--dot']).stdout).toContain('"b" -> "d";');
    expect(JSON.parse(cairn(dir, ['dag', '--json']).stdout).edges).toHaveLength(4);
    expect(cairn(dir, ['dag', '--dot', '--json']).code).toBe(2);
    const bad = cairn(dir, ['dag', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("no stage named 'nope'");
  });

  it('cairn stage add writes a stage repro can run, and refuses a duplicate with exit 2', () => {
    const dir = repoWith({ 'in.txt': 'x', 'params.yaml': 'k: {v: 1}\n' });
    const r = cairn(dir, ['stage', 'add', '-n', 'copy', '-d', 'in.txt', '-o', 'out.txt', '-p', 'k.v', `node ${STEP} out.txt in.txt`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Added stage 'copy' in cairn.yaml");
    expect(cairn(dir, ['repro']).code).toBe(0);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('copy:x\n');
    const dup = cairn(dir, ['stage', 'add', '-n', 'copy', 'true']);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain("stage 'copy' already exists in cairn.yaml");
  });
});
