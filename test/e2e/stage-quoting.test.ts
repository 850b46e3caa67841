// `stage add` keeps quoting (issue 10 item 8): the stored cmd runs what the shell was given.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { joinCommand } from '../../src/cli/commands/stage.js';
import { cairn, cleanup, tempRepo } from '../helpers.js';

afterEach(cleanup);

describe('joinCommand', () => {
  it('one word is the command as typed; plain words stay bare', () => {
    expect(joinCommand(['python train.py --lr 0.1'])).toBe('python train.py --lr 0.1');
    expect(joinCommand(['node', 'train.js', '--out=model.bin', 'a/b.csv'])).toBe('node train.js --out=model.bin a/b.csv');
    expect(joinCommand(['sh', '-c', 'echo hello world > out.txt'])).toBe("sh -c 'echo hello world > out.txt'");
  });
  it('every word comes back from sh exactly', () => {
    const words = ['printf', '%s|', 'a b', "it's", '$HOME', '`id`', '*.csv', '', 'x"y', 'back\\slash', 'new\nline', ';', '&&', '~'];
    const got = execFileSync('sh', ['-c', joinCommand(words)], { encoding: 'utf8' });
    expect(got).toBe(words.slice(2).map((w) => `${w}|`).join(''));
  });
});

describe('cairn stage add -- words', () => {
  it("stores sh -c 'echo hello world > out.txt' so that repro writes hello world", async () => {
    const dir = await tempRepo({});
    const r = cairn(dir, ['stage', 'add', '-n', 'q', '-o', 'out.txt', '--', 'sh', '-c', 'echo hello world > out.txt']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'cairn.yaml'), 'utf8')).toContain("sh -c 'echo hello world > out.txt'");
    const rep = cairn(dir, ['repro']);
    expect(rep.code, rep.stderr).toBe(0);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('hello world\n');
  });
});
