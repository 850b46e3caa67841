// CLI conventions (issue 10 item 10) and start-up (only the running command's module loads,
// help stays complete), against the spawned CLI.
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { colorWanted } from '../../src/cli/output.js';
import { CLI, ROOT, cairn, cleanup, gen, tempDir, tempRepo } from '../helpers.js';

afterEach(cleanup);

const commands = readdirSync(join(ROOT, 'src', 'cli', 'commands'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3));

describe('help and usage', () => {
  it('--help lists every command', () => {
    const r = cairn(ROOT, ['--help']);
    expect(r.code).toBe(0);
    for (const c of commands) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });
  it('no command: the help, then exit 2 (as git)', () => {
    const r = cairn(ROOT, []);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: cairn');
    expect(r.stderr).toContain('  status ');
  });
  it('a group without its subcommand exits 2 after its help', () => {
    const r = cairn(ROOT, ['model']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: cairn model');
  });
  it('a missing argument prints the command usage', () => {
    const r = cairn(tempDir(), ['add']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: missing required argument 'targets'");
    expect(r.stderr).toContain('usage: cairn add [options] <targets...>');
    const m = cairn(tempDir(), ['model', 'show']);
    expect(m.code).toBe(2);
    expect(m.stderr).toContain('usage: cairn model show [options] <target>');
  });
  it('a mistyped command is suggested', () => {
    const r = cairn(ROOT, ['stauts']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Did you mean status?');
  });
});

describe('-q and -v', () => {
  it('-q status answers with the exit code: 0 clean, 1 changed, nothing printed', async () => {
    const dir = await tempRepo({ 'a.txt': 'a\n' });
    expect(cairn(dir, ['add', 'a.txt']).code).toBe(0);
    const clean = cairn(dir, ['-q', 'status']);
    expect([clean.code, clean.stdout]).toEqual([0, '']);
    gen(dir, { 'a.txt': 'changed\n' });
    const changed = cairn(dir, ['-q', 'status']);
    expect([changed.code, changed.stdout]).toEqual([1, '']);
    expect(cairn(dir, ['status']).code).toBe(0); // without -q or --exit-code: a report, exit 0
  });
  it('-v adds the timing to every command, and what add skipped and why', async () => {
    const dir = await tempRepo({ 'a.txt': 'a\n' });
    expect(cairn(dir, ['add', 'a.txt']).code).toBe(0);
    for (const args of [['-v', 'status'], ['-v', 'remote', 'list'], ['params', 'show', '-v']]) {
      const r = cairn(dir, args);
      expect(r.stderr, args.join(' ')).toMatch(/^cairn [a-z ]+: \d+\.\d{3} s \(\d+\.\d{3} s since start-up\), exit \d+$/m);
    }
    const again = cairn(dir, ['-v', 'add', 'a.txt']);
    expect(again.stderr).toContain('skipped writing a.txt.cairn: the content matches the id it records');
    expect(cairn(dir, ['status']).stderr).not.toMatch(/since start-up/);
  });
});

describe('cairn completion', () => {
  const has = (sh: string) => spawnSync('sh', ['-c', `command -v ${sh}`]).status === 0;

  it('bash: the script parses and completes commands, subcommands and options', () => {
    const r = cairn(ROOT, ['completion', 'bash']);
    expect(r.code, r.stderr).toBe(0);
    const file = join(tempDir(), 'c.bash');
    writeFileSync(file, r.stdout);
    expect(spawnSync('bash', ['-n', file]).status).toBe(0);
    const complete = (...words: string[]) =>
      spawnSync('bash', ['-c', `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _cairn; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(complete('cairn', 'mo')).toEqual(['model', 'monitor']);
    expect(complete('cairn', 'model', 'pro')).toEqual(['promote']);
    expect(complete('cairn', '-q', 'add', '--git')).toEqual(['--git-add']);
    expect(complete('cairn', 'model', 'show', '--j')).toEqual(['--json']);
    for (const c of commands) expect(complete('cairn', c.slice(0, c.length))).toContain(c);
  });
  it.skipIf(!has('zsh'))('zsh: the script parses', () => {
    const file = join(tempDir(), '_cairn');
    writeFileSync(file, cairn(ROOT, ['completion', 'zsh']).stdout);
    expect(spawnSync('zsh', ['-n', file]).status).toBe(0);
  });
  it.skipIf(!has('fish'))('fish: the script parses', () => {
    const file = join(tempDir(), 'cairn.fish');
    writeFileSync(file, cairn(ROOT, ['completion', 'fish']).stdout);
    expect(spawnSync('fish', ['-n', file]).status).toBe(0);
  });
  it('zsh and fish scripts name every command; an unknown shell is a usage error', () => {
    const zsh = cairn(ROOT, ['completion', 'zsh']);
    const fish = cairn(ROOT, ['completion', 'fish']);
    expect(zsh.stdout.startsWith('#compdef cairn')).toBe(true);
    for (const c of commands) {
      expect(zsh.stdout).toMatch(new RegExp(`(^|')${c}:`, 'm'));
      expect(fish.stdout).toContain(`-a '${c}'`);
    }
    expect(fish.stdout).toContain("complete -c cairn -n '__fish_seen_subcommand_from model; and not __fish_seen_subcommand_from");
    const bad = cairn(ROOT, ['completion', 'tcsh']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('hint: one of: bash, zsh, fish');
  });
});

describe('colour', () => {
  it('FORCE_COLOR forces, NO_COLOR and TERM=dumb turn off, else a terminal decides', () => {
    expect(colorWanted({}, true)).toBe(true);
    expect(colorWanted({}, false)).toBe(false);
    expect(colorWanted({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorWanted({ NO_COLOR: '' }, true)).toBe(true);
    expect(colorWanted({ TERM: 'dumb' }, true)).toBe(false);
    expect(colorWanted({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorWanted({ FORCE_COLOR: '1', NO_COLOR: '1' }, false)).toBe(true);
    expect(colorWanted({ FORCE_COLOR: '0' }, true)).toBe(false);
  });
  it('the spawned CLI: red error with FORCE_COLOR, plain with NO_COLOR, on a terminal unless TERM=dumb', () => {
    const dir = tempDir();
    const esc = '\x1b[31merror';
    expect(cairn(dir, ['status'], { FORCE_COLOR: '1' }).stderr).toContain(esc);
    expect(cairn(dir, ['status']).stderr).not.toContain(esc); // NO_COLOR=1 from the helper
    const viaTty = (env: string) =>
      spawnSync('script', ['-qec', `env -u NO_COLOR -u FORCE_COLOR ${env} ${process.execPath} ${CLI} status`, '/dev/null'], { cwd: dir, encoding: 'utf8' }).stdout;
    if (spawnSync('script', ['-qec', 'true', '/dev/null']).status !== 0) return; // no pseudo-terminal here
    expect(viaTty('TERM=xterm')).toContain(esc);
    expect(viaTty('TERM=dumb')).not.toContain(esc);
  });
});
