// The model registry end to end: real git repos, the spawned CLI, tags read back by git.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn as cairnRaw, cleanup, gen, git, tempDir } from '../helpers.js';

const ENV = { GIT_AUTHOR_NAME: 'Reg Test', GIT_AUTHOR_EMAIL: 'reg@example.com', GIT_COMMITTER_NAME: 'Reg Test', GIT_COMMITTER_EMAIL: 'reg@example.com' };
const cairn = (dir: string, args: string[]) => cairnRaw(dir, args, ENV);
const json = (dir: string, args: string[]) => {
  const r = cairn(dir, [...args, '--json']);
  if (r.code !== 0) throw new Error(`cairn ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
};

// three stages: prepare (raw pointer) -> train (params) -> evaluate (metrics)
function pipelineRepo(): string {
  const dir = tempDir();
  git(dir, 'init', '-q', '-b', 'main');
  gen(dir, {
    'data/raw.csv': 'a,b\n1,2\n3,4\n',
    'params.yaml': 'train:\n  lr: 0.1\n  depth: 3\n',
    'prep.cjs': "const fs=require('fs');fs.mkdirSync('data',{recursive:true});fs.writeFileSync('data/clean.csv',fs.readFileSync('data/raw.csv','utf8').toUpperCase())",
    'train.cjs': "const fs=require('fs');fs.mkdirSync('models',{recursive:true});fs.writeFileSync('models/model.json',JSON.stringify({data:fs.readFileSync('data/clean.csv','utf8'),p:fs.readFileSync('params.yaml','utf8')}))",
    'eval.cjs': "const fs=require('fs');const m=fs.readFileSync('models/model.json','utf8');fs.writeFileSync('metrics.json',JSON.stringify({acc:m.length%100/100,loss:0.5}));fs.mkdirSync('eval',{recursive:true});fs.writeFileSync('eval/pred.csv','y\\n1\\n')",
  });
  expect(cairn(dir, ['init']).code).toBe(0);
  expect(cairn(dir, ['add', 'data/raw.csv']).code).toBe(0);
  expect(cairn(dir, ['stage', 'add', '-n', 'prepare', '-d', 'prep.cjs', '-d', 'data/raw.csv', '-o', 'data/clean.csv', 'node prep.cjs']).code).toBe(0);
  expect(cairn(dir, ['stage', 'add', '-n', 'train', '-d', 'train.cjs', '-d', 'data/clean.csv', '-p', 'train', '-o', 'models/model.json', 'node train.cjs']).code).toBe(0);
  expect(cairn(dir, ['stage', 'add', '-n', 'evaluate', '-d', 'eval.cjs', '-d', 'models/model.json', '-M', 'metrics.json', '-o', 'eval/pred.csv', 'node eval.cjs']).code).toBe(0);
  expect(cairn(dir, ['repro']).code).toBe(0);
  commitAll(dir, 'first run');
  return dir;
}

function commitAll(dir: string, msg: string): string {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', msg);
  return git(dir, 'rev-parse', 'HEAD').trim();
}

const rawId = (dir: string) => /id: ([0-9a-f]{32})/.exec(readFileSync(join(dir, 'data/raw.csv.cairn'), 'utf8'))![1]!;

function gateReport(dir: string, file: string, verdict: string): string {
  const pred = json(dir, ['lineage', 'eval/pred.csv']).tree.id as string;
  const evalId = rawId(dir);
  writeFileSync(join(dir, file), JSON.stringify({ verdict, eval_set: { path: 'data/raw.csv', id: evalId }, candidate: { predictions: { path: 'eval/pred.csv', id: pred } }, rules: [] }));
  return pred;
}

afterEach(() => cleanup());

describe('cairn model', () => {
  it('register writes NAME@v1.0.0 with the lineage record; later versions bump; re-registering is refused', () => {
    const dir = pipelineRepo();
    const head = git(dir, 'rev-parse', 'HEAD').trim();
    const r = json(dir, ['model', 'register', 'pen', '--path', 'models/model.json']);
    expect(r.tag).toBe('pen@v1.0.0');
    expect(git(dir, 'cat-file', '-t', 'pen@v1.0.0').trim()).toBe('tag');
    expect(git(dir, 'rev-parse', 'pen@v1.0.0^{commit}').trim()).toBe(head);
    const show = json(dir, ['model', 'show', 'pen@v1.0.0']);
    expect(show).toMatchObject({ name: 'pen', version: 'v1.0.0', commit: head, dirty: false, path: 'models/model.json', stage: 'train', branch: 'main', gate: null, eval_set: null, predictions: null });
    expect(show.author).toBe('Reg Test <reg@example.com>');
    expect(show.params).toEqual({ 'train.lr': 0.1, 'train.depth': 3 });
    expect(Object.keys(show.metrics).sort()).toEqual(['acc', 'loss']);
    expect(show.data).toContainEqual({ path: 'data/raw.csv', id: rawId(dir), kind: 'pointer' });
    expect(show.data.map((d: { path: string }) => d.path).sort()).toEqual(['data/clean.csv', 'data/raw.csv', 'prep.cjs', 'train.cjs']);
    const runs = json(dir, ['runs', 'list', '--stage', 'train']);
    expect(show.run).toBe(runs.at(-1).id);
    // one version per commit (GTO's rule)
    const same = cairn(dir, ['model', 'register', 'pen', '--path', 'models/model.json']);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('pen@v1.0.0 is already registered at commit');
    // the next one is the next patch, --bump minor, --version as typed without v
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'c2');
    expect(json(dir, ['model', 'register', 'pen', '--path', 'models/model.json']).tag).toBe('pen@v1.0.1');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'c3');
    expect(json(dir, ['model', 'register', 'pen', '--path', 'models/model.json', '--bump', 'minor']).tag).toBe('pen@v1.1.0');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'c4');
    expect(json(dir, ['model', 'register', 'pen', '--path', 'models/model.json', '--version', '3.0.0']).tag).toBe('pen@v3.0.0');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'c5');
    const again = cairn(dir, ['model', 'register', 'pen', '--path', 'models/model.json', '--version', 'v1.0.0']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('pen@v1.0.0 is already registered');
    // latest = highest version
    expect(json(dir, ['model', 'show', 'pen']).version).toBe('v3.0.0');
    const list = json(dir, ['model', 'list']);
    expect(list).toEqual([{ name: 'pen', latest: 'v3.0.0', versions: 4, deprecated: 0, aliases: {}, problems: [] }]);
  });

  it('refuses a dirty tree unless --allow-dirty (recorded), and a path that is not tracked at the commit', () => {
    const dir = pipelineRepo();
    writeFileSync(join(dir, 'params.yaml'), 'train:\n  lr: 0.2\n  depth: 3\n');
    const r = cairn(dir, ['model', 'register', 'pen', '--path', 'models/model.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('uncommitted changes');
    expect(git(dir, 'tag', '-l')).toBe('');
    const d = json(dir, ['model', 'register', 'pen', '--path', 'models/model.json', '--allow-dirty']);
    expect(d.record).toMatchObject({ dirty: true, forced: { allow_dirty: true } });
    git(dir, 'checkout', '-q', '--', 'params.yaml');
    const bad = cairn(dir, ['model', 'register', 'pen', '--path', 'train.cjs']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'train.cjs' is not a pipeline output or tracked file");
    // a path outside the repo
    expect(cairn(dir, ['model', 'register', 'pen', '--path', '../x']).code).toBe(2);
    // bad names
    expect(cairn(dir, ['model', 'register', 'Pen!', '--path', 'models/model.json']).code).toBe(2);
  });

  it('a tag edited by hand or moved is detected (exit 5); the rest of the registry still reads', () => {
    const dir = pipelineRepo();
    json(dir, ['model', 'register', 'pen', '--path', 'models/model.json']);
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'c2');
    json(dir, ['model', 'register', 'pen', '--path', 'models/model.json']);
    expect(cairn(dir, ['model', 'show', 'pen@v1.0.0']).code).toBe(0);
    // edit the record: better metrics
    const msg = git(dir, 'tag', '-l', '--format=%(contents)', 'pen@v1.0.0').replace(/acc: [0-9.]+/, 'acc: 0.999');
    writeFileSync(join(dir, 'msg.txt'), msg);
    git(dir, 'tag', '-f', '-a', '-F', 'msg.txt', '--cleanup=verbatim', 'pen@v1.0.0', 'HEAD~1');
    const r = cairn(dir, ['model', 'show', 'pen@v1.0.0']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('edited by hand');
    expect(cairn(dir, ['model', 'show', 'pen@v1.0.1']).code).toBe(0);
    const list = cairn(dir, ['model', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)[0].problems[0].tag).toBe('pen@v1.0.0');
    // move v1.0.1 to another commit, message untouched
    const orig = git(dir, 'tag', '-l', '--format=%(contents)', 'pen@v1.0.1');
    writeFileSync(join(dir, 'msg.txt'), orig);
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'other');
    git(dir, 'tag', '-f', '-a', '-F', 'msg.txt', '--cleanup=verbatim', 'pen@v1.0.1', 'HEAD');
    const m = cairn(dir, ['model', 'show', 'pen@v1.0.1']);
    expect(m.code).toBe(5);
    expect(m.stderr).toContain('the tag was moved');
    // promote of a tampered version is refused as an integrity error
    expect(cairn(dir, ['model', 'promote', 'pen@v1.0.1', 'staging']).code).toBe(5);
  });

  it('promote under a policy: refused without a passing gate or off main; --force records the override and reason', () => {
    const dir = pipelineRepo();
    gen(dir, { '.cairn/config.yaml': readFileSync(join(dir, '.cairn/config.yaml'), 'utf8') + 'registry:\n  policies:\n    production:\n      require_gate: pass\n      require_branch: main\n' });
    const pred = gateReport(dir, 'gate-pass.json', 'pass');
    commitAll(dir, 'policy');
    const v1 = json(dir, ['model', 'register', 'pen', '--path', 'models/model.json', '--gate-report', 'gate-pass.json']);
    expect(v1.record.gate).toEqual({ verdict: 'pass', report_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(v1.record.predictions).toEqual({ path: 'eval/pred.csv', id: pred });
    expect(v1.record.eval_set).toEqual({ path: 'data/raw.csv', id: rawId(dir) });
    // the report itself is in the cache under its id
    const reportPath = join(dir, '.cairn/cache/xxh64x2', v1.record.gate.report_id.slice(0, 2), v1.record.gate.report_id.slice(2));
    expect(JSON.parse(readFileSync(reportPath, 'utf8')).verdict).toBe('pass');
    expect(existsSync(join(dir, '.cairn/cache/xxh64x2', pred.slice(0, 2), pred.slice(2)))).toBe(true);

    // no policy on staging: anything goes
    expect(cairn(dir, ['model', 'promote', 'pen@v1.0.0', 'staging']).code).toBe(0);
    const p1 = json(dir, ['model', 'promote', 'pen@v1.0.0', 'production', '--reason', 'first']);
    expect(p1).toMatchObject({ verdict: 'pass', tag: 'pen#production#2', forced: false });
    expect(git(dir, 'rev-parse', 'pen#production#2^{commit}').trim()).toBe(v1.record.commit);

    // v1.0.1: failed gate, on a side branch
    git(dir, 'checkout', '-q', '-b', 'exp');
    writeFileSync(join(dir, 'params.yaml'), 'train:\n  lr: 0.3\n  depth: 3\n');
    expect(cairn(dir, ['repro']).code).toBe(0);
    gateReport(dir, 'gate-fail.json', 'fail');
    commitAll(dir, 'exp');
    json(dir, ['model', 'register', 'pen', '--path', 'models/model.json', '--gate-report', 'gate-fail.json']);
    const refused = cairn(dir, ['model', 'promote', 'pen@v1.0.1', 'production']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain("the gate verdict of pen@v1.0.1 is 'fail'");
    expect(refused.stderr).toContain("not reachable from 'main'");
    const rj = cairn(dir, ['model', 'promote', 'pen@v1.0.1', 'production', '--json']);
    expect(rj.code).toBe(4);
    expect(JSON.parse(rj.stdout)).toMatchObject({ verdict: 'fail', tag: null, violations: [expect.stringContaining('require_gate'), expect.stringContaining('require_branch')] });
    expect(json(dir, ['model', 'show', 'pen@production']).version).toBe('v1.0.0');
    // --force without a reason is a usage error; with one it is recorded
    expect(cairn(dir, ['model', 'promote', 'pen@v1.0.1', 'production', '--force']).code).toBe(2);
    const forced = json(dir, ['model', 'promote', 'pen@v1.0.1', 'production', '--force', '--reason', 'hotfix, approved by ops']);
    expect(forced).toMatchObject({ verdict: 'pass', forced: true, previous: 'v1.0.0' });
    const cur = json(dir, ['model', 'show', 'pen@production']);
    expect(cur.version).toBe('v1.0.1');
    expect(cur.via.forced.reason).toBe('hotfix, approved by ops');
    const hist = json(dir, ['model', 'history', 'pen', 'production']);
    expect(hist.map((h: { version: string }) => h.version)).toEqual(['v1.0.0', 'v1.0.1']);
    expect(hist[0]).toMatchObject({ version: 'v1.0.0', reason: 'first', to: hist[1].from });
    expect(hist[1]).toMatchObject({ version: 'v1.0.1', to: null, forced: { reason: 'hotfix, approved by ops' } });
    expect(Date.parse(hist[0].from)).toBeLessThanOrEqual(Date.parse(hist[1].from));
    // --at: who held it then
    expect(json(dir, ['model', 'history', 'pen', 'production', '--at', hist[0].from]).map((h: { version: string }) => h.version)).toEqual(['v1.0.0']);
    expect(json(dir, ['model', 'history', 'pen', 'production', '--at', '2000-01-01'])).toEqual([]);
    // deprecate: GTO's deregistration tag; a deprecated version cannot be promoted
    const dep = json(dir, ['model', 'deprecate', 'pen@v1.0.0', '--reason', 'old']);
    expect(dep.tag).toMatch(/^pen@v1\.0\.0!#\d+$/);
    expect(cairn(dir, ['model', 'promote', 'pen@v1.0.0', 'staging']).code).toBe(2);
    expect(json(dir, ['model', 'show', 'pen@v1.0.0']).deprecated).toMatchObject({ reason: 'old' });
    // model diff names the changed param and metric
    const diff = json(dir, ['model', 'diff', 'pen@v1.0.0', 'pen@v1.0.1']);
    expect(diff.params).toEqual([{ key: 'train.lr', a: 0.1, b: 0.3, change: 'modified' }]);
    expect(diff.model.change).toBe('modified');
  });

  it('lineage of a 3-stage pipeline names the raw-data id, and changes when the raw file changes', () => {
    const dir = pipelineRepo();
    const id1 = rawId(dir);
    json(dir, ['model', 'register', 'pen', '--path', 'models/model.json']);
    const l1 = json(dir, ['lineage', 'pen@v1.0.0']);
    expect(l1.raw).toEqual([{ path: 'data/raw.csv', id: id1, kind: 'pointer' }]);
    expect(l1.tree).toMatchObject({ path: 'models/model.json', kind: 'output', stage: 'train', params: { 'train.lr': 0.1, 'train.depth': 3 } });
    const clean = l1.tree.deps.find((d: { path: string }) => d.path === 'data/clean.csv');
    expect(clean).toMatchObject({ kind: 'output', stage: 'prepare', cmd: ['node prep.cjs'] });
    expect(clean.deps.find((d: { path: string }) => d.path === 'data/raw.csv')).toMatchObject({ id: id1, kind: 'pointer', pointer: 'data/raw.csv.cairn' });
    // metrics.json (evaluate) traces through the model to the same raw id
    expect(json(dir, ['lineage', 'metrics.json']).raw).toEqual([{ path: 'data/raw.csv', id: id1, kind: 'pointer' }]);
    // change one raw file
    writeFileSync(join(dir, 'data/raw.csv'), 'a,b\n1,2\n3,5\n');
    expect(cairn(dir, ['add', 'data/raw.csv']).code).toBe(0);
    expect(cairn(dir, ['repro']).code).toBe(0);
    commitAll(dir, 'new data');
    const id2 = rawId(dir);
    expect(id2).not.toBe(id1);
    json(dir, ['model', 'register', 'pen', '--path', 'models/model.json']);
    expect(json(dir, ['lineage', 'pen@v1.0.1']).raw).toEqual([{ path: 'data/raw.csv', id: id2, kind: 'pointer' }]);
    // the old version's lineage is unchanged; --rev reads a path at an older commit
    expect(json(dir, ['lineage', 'pen@v1.0.0']).raw[0].id).toBe(id1);
    expect(json(dir, ['lineage', 'models/model.json', '--rev', 'HEAD~1']).raw[0].id).toBe(id1);
    expect(json(dir, ['lineage', 'models/model.json']).raw[0].id).toBe(id2);
    const diff = json(dir, ['model', 'diff', 'pen@v1.0.0', 'pen@v1.0.1']);
    expect(diff.data).toContainEqual({ path: 'data/raw.csv', a: id1, b: id2, change: 'modified' });
    expect(diff.params).toEqual([]);
    const mer = cairn(dir, ['lineage', 'pen@v1.0.1', '--mermaid']);
    expect(mer.stdout.split('\n')[0]).toBe('flowchart TD');
    expect(mer.stdout).toContain(id2.slice(0, 12));
    expect(cairn(dir, ['lineage', 'nope.txt']).code).toBe(2);
  });

  it('history and data survive push, clone and model pull; model get materialises from the remote', () => {
    const dir = pipelineRepo();
    const bare = join(tempDir(), 'origin.git');
    git(dir, 'init', '-q', '--bare', '-b', 'main', bare);
    git(dir, 'remote', 'add', 'origin', bare);
    const store = tempDir('cairn-remote-');
    expect(cairn(dir, ['remote', 'add', '-d', 'store', store]).code).toBe(0);
    commitAll(dir, 'remote');
    git(dir, 'push', '-q', 'origin', 'main');
    json(dir, ['model', 'register', 'pen', '--path', 'models/model.json']);
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'c2');
    git(dir, 'push', '-q', 'origin', 'main');
    json(dir, ['model', 'register', 'pen', '--path', 'models/model.json']);
    json(dir, ['model', 'promote', 'pen@v1.0.0', 'production', '--reason', 'one']);
    json(dir, ['model', 'promote', 'pen@v1.0.1', 'production', '--reason', 'two']);
    const hist = json(dir, ['model', 'history', 'pen', 'production']);
    const push = json(dir, ['model', 'push']);
    expect(push.tags).toEqual(['pen#production#1', 'pen#production#2', 'pen@v1.0.0', 'pen@v1.0.1']);
    expect(push.data.transferred).toBeGreaterThan(0);
    expect(git(dir, 'ls-remote', '--tags', 'origin')).toContain('refs/tags/pen#production#2');

    const clone = join(tempDir(), 'clone');
    git(dir, 'clone', '-q', '--no-tags', bare, clone);
    expect(git(clone, 'tag', '-l')).toBe('');
    expect(cairn(clone, ['model', 'list', '--json']).stdout.trim()).toBe('[]');
    const pull = json(clone, ['model', 'pull']);
    expect(pull.after).toBe(4);
    expect(json(clone, ['model', 'history', 'pen', 'production'])).toEqual(hist);
    expect(json(clone, ['model', 'show', 'pen@production']).version).toBe('v1.0.1');
    // get: from the cache (pulled) into a folder
    const out = join(tempDir(), 'deploy');
    const got = json(clone, ['model', 'get', 'pen@production', '-o', out]);
    expect(got.files).toEqual([join(out, 'model.json')]);
    expect(readFileSync(join(out, 'model.json'), 'utf8')).toBe(readFileSync(join(dir, 'models/model.json'), 'utf8'));
    // a second clone that pulls tags only fetches the bytes on demand
    const clone2 = join(tempDir(), 'clone2');
    git(dir, 'clone', '-q', '--no-tags', bare, clone2);
    json(clone2, ['model', 'pull', '--no-data']);
    const got2 = json(clone2, ['model', 'get', 'pen@v1.0.0', '-o', join(clone2, 'out')]);
    expect(got2.fetched).toBeGreaterThan(0);
    expect(readFileSync(join(clone2, 'out', 'model.json'), 'utf8')).toBe(readFileSync(join(dir, 'models/model.json'), 'utf8'));
  });
});
