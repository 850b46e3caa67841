import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, gen, git, tempDir, tempRepo } from '../helpers.js';
import { add } from '../../src/api/add.js';
import { push } from '../../src/api/push.js';
import { gcCloud } from '../../src/api/gc.js';
import { objectKey } from '../../src/core/ids.js';

afterEach(cleanup);

describe('gc --cloud', () => {
  it('keeps what old commits refer to with --all-commits, deletes it with --workspace, --dry deletes nothing', async () => {
    const store = tempDir('cairn-remote-');
    const dir = await tempRepo({ 'd.txt': 'one\n' });
    const cfg = readFileSync(join(dir, '.cairn/config.yaml'), 'utf8').replace(/^core:\n/m, 'core:\n  remote: s\n');
    gen(dir, { '.cairn/config.yaml': `${cfg}\nremote:\n  s:\n    url: ${store}\n` });
    await add({ cwd: dir, targets: ['d.txt'] });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'one');
    await push({ cwd: dir });
    gen(dir, { 'd.txt': 'two\n' });
    await add({ cwd: dir, targets: ['d.txt'] });
    git(dir, 'commit', '-q', '-am', 'two');
    await push({ cwd: dir });
    const keyOf = (id: string) => join(store, objectKey('xxh64x2', id));
    const kept = await gcCloud({ cwd: dir, allCommits: true });
    expect(kept.removed).toEqual([]);
    const dry = await gcCloud({ cwd: dir, workspace: true, dry: true });
    expect(dry.removed).toHaveLength(1);
    expect(existsSync(keyOf(dry.removed[0]!))).toBe(true);
    const gone = await gcCloud({ cwd: dir, workspace: true });
    expect(gone.removed).toEqual(dry.removed);
    expect(existsSync(keyOf(dry.removed[0]!))).toBe(false);
  });
});
