// #8.14: temp files. A checkout killed with kill -9 leaves `.<name>.cairn-tmp-<pid>-...`
// beside the file it was writing. The workspace walk never sees such a file (status does not
// show it, add/commit never record it), and the next checkout, or gc, removes it once its
// owner pid is dead. One naming scheme (src/io/tempname.ts) covers every temp cairn writes.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cairn, cairnSpawn, cleanup, tempDir, tempRepo } from '../helpers.js';

afterEach(cleanup);

const TAG = '.cairn-tmp-';

function tempsUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.name.includes(TAG)) out.push(r);
      else if (e.isDirectory() && e.name !== '.git') walk(join(d, e.name), r);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** A pid that surely does not run: a child that has exited. */
async function deadPid(): Promise<number> {
  const p = spawn(process.execPath, ['-e', '0']);
  await new Promise((res) => p.on('exit', res));
  return p.pid!;
}

function bigFile(path: string, mib: number, seed: number): void {
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE(((i + seed) * 2654435761) >>> 0, i);
  const fd = openSync(path, 'w');
  for (let i = 0; i < mib; i++) {
    chunk.writeUInt32LE(i, 0);
    writeSync(fd, chunk);
  }
  closeSync(fd);
}

describe('temp files', () => {
  it.each(['SIGKILL', 'SIGINT'] as const)('%s during checkout of a large folder: status ignores the temp, the next checkout removes it', async (signal) => {
    const d = await tempRepo({ '.cairn/config.local.yaml': 'cache:\n  type: copy\n' });
    const data = join(d, 'data');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(data);
    for (let i = 0; i < 6; i++) bigFile(join(data, `part-${i}.bin`), 40, i);
    for (let i = 0; i < 200; i++) writeFileSync(join(data, `small-${i}.txt`), `row ${i}\n`);
    expect(cairn(d, ['add', 'data']).code).toBe(0);
    const pointer = readFileSync(join(d, 'data.cairn'), 'utf8');
    rmSync(data, { recursive: true });

    const p = cairnSpawn(d, ['checkout', 'data']);
    const started = Date.now();
    await new Promise<void>((res) => {
      const tick = () => {
        const writing = existsSync(data) && readdirSync(data).some((n) => n.includes(TAG));
        if (writing || Date.now() - started > 10_000 || p.exitCode !== null) return res();
        setTimeout(tick, 1);
      };
      tick();
    });
    const exited = p.exitCode !== null ? Promise.resolve(p.signalCode) : new Promise((res) => p.on('exit', (_c, s) => res(s)));
    p.kill(signal);
    const sig = await exited;
    if (sig === signal && tempsUnder(data).length) {
      const left = tempsUnder(data);
      expect(left[0]).toMatch(new RegExp(`^\\.part-\\d\\.bin\\.cairn-tmp-${p.pid}-`));
      // status never shows the temp file (the folder is incomplete, which it does show)
      const st = cairn(d, ['status', '--json'], { CAIRN_LOCK_TIMEOUT: '5' });
      expect(st.stdout).not.toContain(TAG);
    }
    // the next checkout completes the folder and removes the dead process's temp files
    const again = cairn(d, ['checkout', 'data'], { CAIRN_LOCK_TIMEOUT: '5' });
    expect(again.code).toBe(0);
    expect(tempsUnder(data)).toEqual([]);
    expect(cairn(d, ['status']).stdout.trim()).toBe('Everything is up to date.');
    expect(readFileSync(join(d, 'data.cairn'), 'utf8')).toBe(pointer);
  }, 120_000);

  it('a leftover temp in a tracked folder is not recorded by add/commit, not shown by status, and gc removes it', async () => {
    const d = await tempRepo({ 'data/a.txt': 'a', 'data/sub/b.txt': 'b', 'f.txt': 'f' });
    expect(cairn(d, ['add', 'data', 'f.txt']).code).toBe(0);
    const pointer = readFileSync(join(d, 'data.cairn'), 'utf8');
    const dead = await deadPid();
    const leftovers = [
      `data/sub/.b.txt.cairn-tmp-${dead}-0-abc1`, // this version's checkout temp
      `data/a.txt.cairn-tmp-${dead}-7`, // an earlier version's checkout temp
      `.f.txt.cairn-tmp-${dead}-0-x`, // beside a tracked file
      `.cairn/tmp/.obj.cairn-tmp-${dead}-0-k2`, // cache temps, old and new names
      `.cairn/tmp/obj.${dead}.0.abc.1`,
    ];
    for (const l of leftovers) writeFileSync(join(d, l), 'partial');
    const live = `data/.a.txt.cairn-tmp-${process.pid}-0-live`; // a running process's temp stays
    writeFileSync(join(d, live), 'in progress');
    // names that only look like earlier versions' .cairn/tmp temps are data in the workspace
    const lookalike = `data/run.${dead}.log`;
    writeFileSync(join(d, lookalike), 'a log');
    expect(cairn(d, ['add', 'data']).code).toBe(0);
    const withLog = readFileSync(join(d, 'data.cairn'), 'utf8');
    expect(withLog).not.toBe(pointer);

    expect(cairn(d, ['status']).stdout.trim()).toBe('Everything is up to date.');
    expect(cairn(d, ['status', '--json']).stdout).not.toContain(TAG);
    expect(cairn(d, ['commit', 'data']).code).toBe(0);
    expect(readFileSync(join(d, 'data.cairn'), 'utf8')).toBe(withLog);
    expect(cairn(d, ['add', 'data']).code).toBe(0);
    expect(readFileSync(join(d, 'data.cairn'), 'utf8')).toBe(withLog);

    const dry = JSON.parse(cairn(d, ['gc', '--workspace', '--dry', '--json']).stdout);
    expect(dry.tmpRemoved).toBe(leftovers.length);
    for (const l of leftovers) expect(existsSync(join(d, l))).toBe(true);
    const g = JSON.parse(cairn(d, ['gc', '--workspace', '--json']).stdout);
    expect(g.tmpRemoved).toBe(leftovers.length);
    for (const l of leftovers) expect(existsSync(join(d, l)), l).toBe(false);
    expect(existsSync(join(d, live))).toBe(true);
    expect(existsSync(join(d, lookalike))).toBe(true);
    expect(cairn(d, ['status']).stdout.trim()).toBe('Everything is up to date.');
    expect(cairn(d, ['fsck']).code).toBe(0);
  });

  it('a folder remote: temps are never listed as objects; gc --cloud removes those older than a day', async () => {
    const d = await tempRepo({ 'f.txt': 'f' });
    const store = join(tempDir('cairn-remote-'), 'store');
    expect(cairn(d, ['remote', 'add', '--create', '-d', 's', store]).code).toBe(0);
    expect(cairn(d, ['add', 'f.txt']).code).toBe(0);
    expect(cairn(d, ['push']).code).toBe(0);
    const id = /id: (\w+)/.exec(readFileSync(join(d, 'f.txt.cairn'), 'utf8'))![1]!;
    const prefix = join(store, 'xxh64x2', id.slice(0, 2));
    const old = join(prefix, `.${id.slice(2)}.cairn-tmp-999999-0-a`);
    const fresh = join(prefix, `.${id.slice(2)}.cairn-tmp-999998-0-b`);
    writeFileSync(old, 'half an object');
    writeFileSync(fresh, 'being written by another machine');
    const { utimesSync } = await import('node:fs');
    const twoDaysAgo = Date.now() / 1000 - 2 * 86400;
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    const st = JSON.parse(cairn(d, ['status', '--cloud', '--json']).stdout);
    expect(JSON.stringify(st)).not.toContain(TAG);
    const g = cairn(d, ['gc', '--cloud', '--workspace', '--json']);
    expect(g.code, g.stderr).toBe(0);
    expect(JSON.parse(g.stdout)).toMatchObject({ removed: [], tmpRemoved: 1 });
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(readdirSync(prefix)).toContain(id.slice(2));
  });
});
