// Progress in bytes on a terminal (issue 10 item 11): add, push and pull of a 20 MB file run
// under a pseudo-terminal (`script` from util-linux) show bytes done of the total and the
// rate; CAIRN_NO_PROGRESS=1, CI and --json show none. Also: the post-checkout hook says
// nothing when it checked nothing out (its line used to leak into every test run).
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, cairn, cleanup, git, tempDir, tempRepo } from '../helpers.js';

afterEach(cleanup);

const hasScript = spawnSync('script', ['-qec', 'true', '/dev/null']).status === 0;

/** run the CLI with stdout and stderr on a pseudo-terminal; the lines as drawn (\r splits them) */
function onTty(cwd: string, args: string[], env = ''): { code: number | null; lines: string[] } {
  const cmd = `env -u CI -u CAIRN_NO_PROGRESS -u NO_COLOR ${env} ${process.execPath} ${CLI} ${args.join(' ')}`;
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd, encoding: 'utf8' });
  return { code: r.status, lines: r.stdout.split(/\r\n|\r|\n/).map((l) => l.replace(/\x1b\[K/g, '')) };
}

const MB = 1_000_000;

describe.skipIf(!hasScript)('progress in bytes on a terminal', () => {
  it('add, push and pull of a 20 MB file; none with CAIRN_NO_PROGRESS, CI or --json', async () => {
    const dir = await tempRepo({});
    const big = Buffer.alloc(20 * MB);
    for (let i = 0; i < big.length; i += 4096) big[i] = (i * 7919) & 0xff; // not all zeros
    writeFileSync(join(dir, 'big.bin'), big);
    expect(cairn(dir, ['remote', 'add', '-d', '--create', 'st', join(tempDir(), 'remote')]).code).toBe(0);

    const add = onTty(dir, ['add', 'big.bin']);
    expect(add.code).toBe(0);
    expect(add.lines).toContainEqual(expect.stringMatching(/^adding big\.bin: 20\.0 MB \/ 20\.0 MB \(100%\), [\d.]+ [KMG]?B\/s$/));
    expect(add.lines.join('\n')).not.toMatch(/\(0%\)$/m);

    const rate = '[\\d.]+ [KMG]?B/s';
    // CI: no progress, however big
    const ci = onTty(dir, ['push'], 'CI=1');
    expect(ci.code).toBe(0);
    expect(ci.lines.join('\n')).not.toMatch(/B\/s/);
    // a second remote: the push there shows its bytes
    expect(cairn(dir, ['remote', 'add', '--create', 'st2', join(tempDir(), 'remote2')]).code).toBe(0);
    const push = onTty(dir, ['push', '-r', 'st2']);
    expect(push.code).toBe(0);
    expect(push.lines).toContainEqual(expect.stringMatching(new RegExp(`^push: 20\\.0 MB / 20\\.0 MB \\(100%\\), ${rate}$`)));

    const fresh = () => {
      rmSync(join(dir, '.cairn', 'cache'), { recursive: true, force: true });
      rmSync(join(dir, 'big.bin'), { force: true });
    };
    fresh();
    const json = onTty(dir, ['pull', '--json']);
    expect(json.code).toBe(0);
    expect(json.lines.join('\n')).not.toMatch(/B\/s/);
    fresh();
    const none = onTty(dir, ['pull'], 'CAIRN_NO_PROGRESS=1');
    expect(none.code).toBe(0);
    expect(none.lines.join('\n')).not.toMatch(/B\/s/);
    fresh();
    const pull = onTty(dir, ['pull']);
    expect(pull.code).toBe(0);
    expect(pull.lines).toContainEqual(expect.stringMatching(new RegExp(`^fetch: 20\\.0 MB / 20\\.0 MB \\(100%\\), ${rate}$`)));
  }, 60_000);
});

describe('git hooks stay quiet when they have nothing to say', () => {
  it('post-checkout after a git checkout that changes no tracked data prints nothing', async () => {
    const dir = await tempRepo({ 'a.txt': 'a\n' });
    expect(cairn(dir, ['install']).code).toBe(0);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'one');
    const r = spawnSync('git', ['checkout', '-q', '-b', 'other'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CAIRN_NO_PROGRESS: '1' } });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toContain('checked out data for');
    expect(r.stderr).toBe('');
  });
});
