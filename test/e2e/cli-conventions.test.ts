// CLI conventions (issue 10 item 10) and start-up (only the running command's module loads,
// help stays complete), against the spawned CLI.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, cairn, cleanup, tempDir } from '../helpers.js';

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
