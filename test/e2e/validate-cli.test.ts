// cairn validate as a user runs it: exit codes, report files, --infer, tracked targets, --rev,
// hostile inputs, and a 2-million-row CSV in bounded memory.
import { spawnSync } from 'node:child_process';
import { copyFileSync, createWriteStream, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, cleanup, CLI, gen, git, ROOT, tempDir, tempRepo } from '../helpers.js';

afterEach(() => cleanup());

const SEEDED = join(ROOT, 'fixtures', 'validate');
const SCHEMA = 'columns:\n  id: {type: int, unique: true}\n  x: {type: float, min: 0, max: 10}\n  y: {type: int, max: 5, severity: warn}\n';

function seeded(): string {
  const d = tempDir();
  for (const f of ['seeded.csv', 'seeded.jsonl', 'seeded.parquet', 'seeded.schema.yaml']) copyFileSync(join(SEEDED, f), join(d, f));
  return d;
}

describe('cairn validate: verdicts and reports', () => {
  it('exit 0 when error checks pass, warnings printed', () => {
    const d = tempDir();
    gen(d, { 's.yaml': SCHEMA, 'ok.csv': 'id,x,y\n1,0.5,9\n2,3,1\n' });
    const r = cairn(d, ['validate', 'ok.csv', '--schema', 's.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('WARN  y: max: 1 row (50%); expected <= 5');
    expect(r.stdout).toContain('validation passed with warnings');
  });

  it('exit 4 on failing data, with --json, --out, --junit and --md', () => {
    const d = seeded();
    const r = cairn(d, ['validate', 'seeded.parquet', '--schema', 'seeded.schema.yaml', '--json', '--out', 'reports/v.json', '--junit', 'reports/junit.xml']);
    expect(r.code).toBe(4);
    const j = JSON.parse(r.stdout);
    expect(j.verdict).toBe('fail');
    expect(j.rows).toBe(40);
    for (const f of j.failures) expect(Object.keys(f).slice(0, 6)).toEqual(['column', 'check', 'severity', 'count', 'percent', 'rows']);
    expect(j.failures.find((f: { column: string; check: string }) => f.column === 'email' && f.check === 'regex').rows).toEqual([18, 19, 40]);
    expect(JSON.parse(readFileSync(join(d, 'reports', 'v.json'), 'utf8'))).toEqual(j);
    const xml = readFileSync(join(d, 'reports', 'junit.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const suite = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml).testsuites.testsuite;
    expect(suite.testcase).toHaveLength(j.checks.length);
    expect(Number(suite.failures)).toBe(j.summary.errors);
    const md = cairn(d, ['validate', 'seeded.csv', '--schema', 'seeded.schema.yaml', '--md']);
    expect(md.code).toBe(4);
    expect(md.stdout).toMatch(/^### Data validation failed: `seeded.csv`/);
    const capped = JSON.parse(cairn(d, ['validate', 'seeded.jsonl', '-s', 'seeded.schema.yaml', '--json', '--max-examples', '1']).stdout);
    const email = capped.failures.find((f: { column: string; check: string }) => f.column === 'email' && f.check === 'regex');
    expect(email).toMatchObject({ count: 3, rows: [18], examples: ['no-at-sign'] });
  });

  it('a malformed schema exits 2 naming file, line and key; never reports a pass', () => {
    const d = tempDir();
    gen(d, { 'ok.csv': 'id,x,y\n1,0.5,1\n', 'bad.yaml': 'columns:\n  id: {type: int}\n  x:\n    type: float\n    minn: 0\n', 'broken.yaml': 'columns:\n  id: {type: int\n  x: 1\n' });
    const r = cairn(d, ['validate', 'ok.csv', '--schema', 'bad.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: bad.yaml:5: columns.x.minn: unknown key');
    expect(r.stdout).toBe('');
    const b = cairn(d, ['validate', 'ok.csv', '--schema', 'broken.yaml', '--json']);
    expect(b.code).toBe(2);
    expect(JSON.parse(b.stdout).error).toMatchObject({ code: 'CAIRN_BAD_SCHEMA', data: { file: 'broken.yaml' } });
    expect(b.stderr).toMatch(/broken\.yaml:\d+: malformed YAML/);
    expect(cairn(d, ['validate', 'ok.csv', '--schema', 'nope.yaml']).code).toBe(2);
    expect(cairn(d, ['validate', 'ok.csv']).code).toBe(2);
  });

  it('data that cannot be read exits 1 naming the file and the row or byte; a huge line is refused', () => {
    const d = tempDir();
    gen(d, { 's.yaml': SCHEMA, 'bad.jsonl': '{"id": 1}\n{"id": 2,,}\n', 'ragged.csv': 'id,x,y\n1,2,3\n4,5\n' });
    const r = cairn(d, ['validate', 'bad.jsonl', '-s', 's.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot read bad.jsonl at row 2, line 2, byte 10: invalid JSON');
    const c = cairn(d, ['validate', 'ragged.csv', '-s', 's.yaml']);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/cannot read ragged\.csv at row 2, line 3, byte \d+/);
    writeFileSync(join(d, 'huge.csv'), 'id,x,y\n1,"' + 'x'.repeat(17 * 1024 * 1024) + '",1\n');
    const h = cairn(d, ['validate', 'huge.csv', '-s', 's.yaml']);
    expect(h.code).toBe(1);
    expect(h.stderr).toMatch(/cannot read huge\.csv at row 1, line 2.*longer than 16777216 bytes/);
    expect(cairn(d, ['validate', 'missing.csv', '-s', 's.yaml']).code).toBe(1);
  });

  it('--infer > schema.yaml round-trips, byte-stable', () => {
    const d = seeded();
    for (const f of ['seeded.csv', 'seeded.jsonl', 'seeded.parquet']) {
      const a = cairn(d, ['validate', f, '--infer']);
      expect(a.code).toBe(0);
      expect(cairn(d, ['validate', f, '--infer']).stdout).toBe(a.stdout);
      writeFileSync(join(d, 'inferred.yaml'), a.stdout);
      const v = cairn(d, ['validate', f, '--schema', 'inferred.yaml']);
      expect(v.stdout).toContain('validation passed');
      expect(v.code).toBe(0);
    }
  });
});

describe('cairn validate: tracked data and history', () => {
  it('a tracked file or folder whose workspace copy is gone validates the cached bytes its pointer names', async () => {
    const dir = await tempRepo({ 's.yaml': SCHEMA, 'data/t.csv': 'id,x,y\n1,1,1\n1,2,2\n', 'data/parts/a.csv': 'id,x,y\n1,1,1\n', 'data/parts/b.csv': 'id,x,y\n2,99,1\n' });
    expect(cairn(dir, ['add', 'data/t.csv', 'data/parts']).code).toBe(0);
    rmSync(join(dir, 'data', 't.csv'));
    rmSync(join(dir, 'data', 'parts'), { recursive: true });
    const r = cairn(dir, ['validate', 'data/t.csv', '-s', 's.yaml', '--json']);
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout)).toMatchObject({ source: 'cache', rows: 2, failures: [{ column: 'id', check: 'unique', rows: [2] }] });
    const p = JSON.parse(cairn(dir, ['validate', 'data/parts', '-s', 's.yaml', '--json']).stdout);
    expect(p).toMatchObject({ source: 'cache', rows: 2, failures: [{ column: 'x', check: 'max', rows: [2] }] });
    expect(p.files.map((f: { name: string }) => f.name)).toEqual(['data/parts/a.csv', 'data/parts/b.csv']);
  });

  it('--rev validates data as of a revision (committed or tracked) without touching the workspace', async () => {
    const dir = await tempRepo({ 's.yaml': SCHEMA, 'data/t.csv': 'id,x,y\n1,1,1\n2,2,2\n', 'small.csv': 'id,x,y\n1,1,1\n', 'parts/a.csv': 'id,x,y\n1,1,1\n2,2,2\n', 'parts/b/c.csv': 'id,x,y\n3,11,1\n', 'parts/_SUCCESS': '' });
    expect(cairn(dir, ['add', 'data/t.csv']).code).toBe(0);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'good data');
    writeFileSync(join(dir, 'data', 't.csv'), 'id,x,y\n1,50,1\n1,2,2\n');
    writeFileSync(join(dir, 'small.csv'), 'id,x,y\n1,-1,1\n');
    expect(cairn(dir, ['add', 'data/t.csv']).code).toBe(0);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'bad data');
    writeFileSync(join(dir, 'data', 't.csv'), 'id,x,y\nuncommitted,0,0\n');
    const status = git(dir, 'status', '--porcelain');
    const bytes = readFileSync(join(dir, 'data', 't.csv'));
    const mtime = statSync(join(dir, 'data', 't.csv')).mtimeMs;

    const old = cairn(dir, ['validate', 'data/t.csv', '-s', 's.yaml', '--rev', 'HEAD~1', '--json']);
    expect(old.code).toBe(0);
    expect(JSON.parse(old.stdout)).toMatchObject({ verdict: 'pass', data: 'data/t.csv@HEAD~1', rev: 'HEAD~1', source: 'cache', rows: 2 });
    const cur = JSON.parse(cairn(dir, ['validate', 'data/t.csv', '-s', 's.yaml', '--rev', 'HEAD', '--json']).stdout);
    expect(cur.failures.map((f: { column: string; check: string; rows: number[] }) => [f.column, f.check, f.rows])).toEqual([
      ['id', 'unique', [2]],
      ['x', 'max', [1]],
    ]);
    const folder = JSON.parse(cairn(dir, ['validate', 'parts', '-s', 's.yaml', '--rev', 'HEAD~1', '--json']).stdout);
    expect(folder).toMatchObject({ source: 'git', rows: 3, failures: [{ column: 'x', check: 'max', rows: [3] }] });
    expect(folder.files.map((f: { name: string }) => f.name)).toEqual(['parts@HEAD~1/a.csv', 'parts@HEAD~1/b/c.csv']);
    const committed = cairn(dir, ['validate', 'small.csv', '-s', 's.yaml', '--rev', 'HEAD~1', '--json']);
    expect(JSON.parse(committed.stdout)).toMatchObject({ verdict: 'pass', source: 'git' });
    expect(cairn(dir, ['validate', 'small.csv', '-s', 's.yaml', '--rev', 'HEAD']).code).toBe(4);
    // the workspace is as it was
    expect(git(dir, 'status', '--porcelain')).toBe(status);
    expect(readFileSync(join(dir, 'data', 't.csv'))).toEqual(bytes);
    expect(statSync(join(dir, 'data', 't.csv')).mtimeMs).toBe(mtime);
    expect(cairn(dir, ['validate', 'data/t.csv', '-s', 's.yaml', '--rev', 'nope']).code).toBe(2);
  });
});

describe('cairn validate: memory', () => {
  it('a 2-million-row CSV is validated in bounded memory: peak RSS under a limit and flat from 200k to 2M rows', async () => {
    const d = tempDir();
    const write = (file: string, n: number) =>
      new Promise<void>((resolve, reject) => {
        const w = createWriteStream(join(d, file));
        w.on('error', reject);
        w.write('id,species,bill,flipper,email,note\n');
        let i = 0;
        const pad = 'n'.repeat(50);
        const more = (): void => {
          let ok = true;
          while (i < n && ok) {
            let chunk = '';
            for (let k = 0; k < 10_000; k++, i++) chunk += `${i},${i % 3 ? 'Adelie' : 'Gentoo'},${30 + (i % 30)}.5,${180 + (i % 40)},u${i}@x.org,${pad}\n`;
            ok = w.write(chunk);
          }
          if (i < n) w.once('drain', more);
          else w.end(resolve);
        };
        more();
      });
    await write('big.csv', 2_000_000);
    await write('small.csv', 200_000);
    const size = statSync(join(d, 'big.csv')).size;
    writeFileSync(join(d, 's.yaml'), "columns:\n  id: {type: int, min: 0}\n  species: {type: category, in: [Adelie, Gentoo]}\n  bill: {type: float, min: 25, max: 70}\n  flipper: {type: int, max: 218}\n  email: {type: string, regex: '^[^@]+@[^@]+$'}\n");
    // the child prints its own peak RSS on exit; its heap is capped, so rows held in memory
    // would crash it (a 178 MB file cannot fit), whatever the garbage collector's slack
    const peak = (file: string, rows: number): number => {
      const r = spawnSync(process.execPath, ['--max-old-space-size=96', '--import', 'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss_kb="+process.resourceUsage().maxRSS+"\\n"))', CLI, 'validate', file, '-s', 's.yaml', '--max-examples', '10'], { cwd: d, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(r.stdout).toContain(`${rows} rows`);
      // flipper > 218 fails in every 40th row: counted exactly, 10 kept
      expect(r.stdout).toContain(`flipper: max: ${rows / 40} rows`);
      expect(r.status).toBe(4);
      return Number(/maxrss_kb=(\d+)/.exec(r.stderr)![1]) / 1024;
    };
    const small = peak('small.csv', 200_000);
    const big = peak('big.csv', 2_000_000);
    const msg = `peak RSS ${Math.round(small)} MB at 200k rows, ${Math.round(big)} MB at 2M rows (${Math.round(size / 1e6)} MB file)`;
    expect(big, msg).toBeLessThan(200);
    // flat in the number of rows: 10x the rows may cost collector slack, never the file's size
    expect(big - small, msg).toBeLessThan(64);
  }, 180_000);
});
