// Shared test helpers: temp dirs, file trees built inline, real git repos, the spawned CLI.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'bin', 'cairn.js');

const made: string[] = [];

/** A fresh temp dir, removed by cleanup(). */
export function tempDir(prefix = 'cairn-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

export function cleanup(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Write a tree of files: gen(dir, {'a/b.txt': 'hi', 'run.sh': {content: '#!/bin/sh', mode: 0o755}}) */
export function gen(dir: string, files: Record<string, string | Buffer | { content: string | Buffer; mode?: number }>): void {
  for (const [rel, v] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    if (typeof v === 'string' || Buffer.isBuffer(v)) writeFileSync(p, v);
    else {
      writeFileSync(p, v.content);
      if (v.mode !== undefined) chmodSync(p, v.mode);
    }
  }
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    // git's stderr (and what hooks `cairn install` put there print) stays out of the test
    // output; a failing command still throws with it
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
  });
}

/** A temp dir holding a git repo (one empty commit-less repo) with `cairn init` done in process. */
export async function tempRepo(files: Parameters<typeof gen>[1] = {}): Promise<string> {
  const dir = tempDir();
  git(dir, 'init', '-q', '-b', 'main');
  gen(dir, files);
  const { init } = await import('../src/api/init.js');
  await init({ cwd: dir });
  return dir;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the built CLI as a user would. */
export function cairn(cwd: string, args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CAIRN_NO_PROGRESS: '1', NO_COLOR: '1', ...env },
  });
  return { code: r.status ?? (r.signal ? 128 : 1), stdout: r.stdout, stderr: r.stderr };
}

/** Start the CLI without waiting (for kill -9 and concurrency tests). */
export function cairnSpawn(cwd: string, args: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, CAIRN_NO_PROGRESS: '1', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
