// The README tour runs as written (issue 10 item 7): the README's tour block is docs/tour.sh
// verbatim, and that script runs under `bash -e` with the built CLI as `cairn`, in a temp
// folder (HOME too: the remote is ~/cairn-store). What the tour's comments promise is checked
// in the output.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, ROOT, cleanup, tempDir } from '../helpers.js';

afterEach(cleanup);

const MARK = '<!-- tour: the block below is docs/tour.sh verbatim';

function readmeTour(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(MARK);
  expect(at, 'the README marks its tour block').toBeGreaterThan(0);
  const open = readme.indexOf('```sh\n', at);
  const close = readme.indexOf('\n```\n', open);
  return readme.slice(open + '```sh\n'.length, close + 1);
}

describe('README tour', () => {
  it('the README block is docs/tour.sh verbatim', () => {
    expect(readmeTour()).toBe(readFileSync(join(ROOT, 'docs', 'tour.sh'), 'utf8'));
  });

  it('runs as written under bash -e, and shows what its comments say', () => {
    const base = tempDir();
    const bin = join(base, 'bin');
    const home = join(base, 'home');
    const work = join(base, 'work');
    for (const d of [bin, home, work]) mkdirSync(d);
    writeFileSync(join(bin, 'cairn'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
    const r = spawnSync('bash', ['-e', join(ROOT, 'docs', 'tour.sh')], {
      cwd: work,
      encoding: 'utf8',
      env: {
        ...process.env,
        HOME: home,
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        CAIRN_NO_PROGRESS: '1',
        NO_COLOR: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_AUTHOR_NAME: 'Tour',
        GIT_AUTHOR_EMAIL: 'tour@example.com',
        GIT_COMMITTER_NAME: 'Tour',
        GIT_COMMITTER_EMAIL: 'tour@example.com',
      },
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/data: modified\n\tmodified: cat1\.png/);
    expect(out).toContain('restored data (1 written, 0 removed)');
    expect(out).toContain("Running stage 'train' (never run");
    expect(out).toContain("Stage 'train' didn't change, skipping");
    expect(out).toContain('modified: params.yaml: train.lr (0.1 -> 0.3)');
    expect(out).toMatch(/params\.yaml\s+train\.lr\s+0\.1\s+0\.3/);
    expect(out).toMatch(/metrics\.json\s+loss\s+0\.5\s+0\.25/);
    expect(out.match(/Stage 'train' restored from run-cache/g)).toHaveLength(2);
    expect(out).toContain('2 targets updated');
    expect(out.trimEnd().endsWith('Everything is up to date.')).toBe(true);
    expect(readFileSync(join(work, 'demo-clone', 'model.bin'), 'utf8')).toMatch(/^weights for 600000 bytes of images at lr 0\.3\n$/);
  }, 60_000);
});
