// #8.15: a reader that closes the pipe early (`cairn ... | head -1`) must not make cairn
// crash with an unhandled EPIPE stack trace; it exits quietly, as git does.
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, cleanup, gen, git, tempDir } from '../helpers.js';

afterAll(cleanup);

describe('closed stdout pipe', () => {
  it('`cairn config --list | head -1` prints one line and no stack trace', () => {
    const dir = tempDir();
    git(dir, 'init', '-q');
    const remotes = Array.from({ length: 3000 }, (_, i) => `  r${String(i).padStart(4, '0')}:\n    url: /srv/r${i}`).join('\n');
    gen(dir, { '.cairn/config.yaml': `remote:\n${remotes}\n`, '.cairn/cache/.keep': '' });
    const r = spawnSync('bash', ['-c', `node ${JSON.stringify(CLI)} config --list | head -1; echo "rc=\${PIPESTATUS[0]}" >&2`], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', CAIRN_NO_PROGRESS: '1' },
    });
    expect(r.stdout).toBe('remote.r0000.url=/srv/r0\n');
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js/);
    expect(r.stderr.trim()).toBe('rc=0');
  });

  it('`cairn metrics show | head -1` and `cairn status | head -1` end quietly too', async () => {
    const { tempRepo } = await import('../helpers.js');
    const metrics = Object.fromEntries(Array.from({ length: 4000 }, (_, i) => [`metric_${i}`, i / 7]));
    const dir = await tempRepo({ 'm.json': JSON.stringify(metrics), 'd.txt': 'x' });
    for (const cmd of ['metrics show m.json', 'status']) {
      const r = spawnSync('bash', ['-c', `node ${JSON.stringify(CLI)} ${cmd} | head -1; echo "rc=\${PIPESTATUS[0]}" >&2`], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', CAIRN_NO_PROGRESS: '1' },
      });
      expect(r.stdout.split('\n').filter(Boolean), cmd).toHaveLength(1);
      expect(r.stderr, cmd).not.toMatch(/EPIPE|Unhandled|at .*\.js/);
      expect(r.stderr.trim(), cmd).toBe('rc=0');
    }
  });
});
