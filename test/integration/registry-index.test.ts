// The registry index (.cairn/state/registry-index.json and one file per model): a warm read
// gives the same models and tags as the fold of a fresh `git for-each-ref`, records included
// (parsed lazily from the model file), and a damaged model file is rebuilt, not trusted.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toMessage } from '../../src/mlops/registry/record.js';
import { summarize } from '../../src/mlops/registry/registry.js';
import type { ModelState } from '../../src/mlops/registry/state.js';
import { readRegistryIndex } from '../../src/mlops/registry/store.js';
import { cleanup, git, tempRepo } from '../helpers.js';

afterEach(() => cleanup());

/** a plain-data copy of a model's state (getters read, the alias Map as entries) */
const plain = (m: ModelState | undefined) => (m ? JSON.parse(JSON.stringify({ ...m, aliases: [...m.aliases] })) : m);

function tagAt(dir: string, tag: string, commit: string, message: string): void {
  writeFileSync(join(dir, 'msg.txt'), message);
  git(dir, 'tag', '-a', '-F', 'msg.txt', '--cleanup=verbatim', tag, commit);
}

describe('registry index', () => {
  it('a warm read equals a rebuild, records and tags included; a damaged model file is rebuilt', async () => {
    const dir = await tempRepo({ 'a.txt': 'a\n' });
    git(dir, 'add', 'a.txt');
    git(dir, 'commit', '-qm', 'one');
    const c1 = git(dir, 'rev-parse', 'HEAD').trim();
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'two');
    const c2 = git(dir, 'rev-parse', 'HEAD').trim();
    const rec = (version: string, commit: string) => ({
      name: 'pen', version, commit, branch: 'main', author: 'T <t@x>', dirty: false, registered_at: '2026-01-01T00:00:00.000Z', path: 'm.bin', hash: 'xxh64x2', id: 'a'.repeat(32), size: 1,
      stage: null, cmd: null, run: null, data: [], params: { lr: 0.1 }, metrics: { acc: 0.9 }, eval_set: null, predictions: null, gate: null,
    });
    tagAt(dir, 'pen@v1.0.0', c1, toMessage('version', rec('v1.0.0', c1)));
    tagAt(dir, 'pen@v1.0.1', c2, toMessage('version', rec('v1.0.1', c2)));
    tagAt(dir, 'pen#prod#3', c2, toMessage('alias', { name: 'pen', alias: 'prod', version: 'v1.0.1', reason: 'better', by: 'T <t@x>', at: '2026-01-02T00:00:00.000Z' }));
    tagAt(dir, 'pen#prod#4', c1, 'moved by gto');
    tagAt(dir, 'pen@v1.0.1!#5', c2, toMessage('deprecation', { name: 'pen', version: 'v1.0.1', reason: 'leak', by: 'T <t@x>', at: '2026-01-03T00:00:00.000Z' }));
    tagAt(dir, 'pen@v2.0.0', c1, 'not a record'); // foreign: a problem, no record
    tagAt(dir, 'ink@v1.0.0', c1, toMessage('version', { ...rec('v1.0.0', c1), name: 'ink' }));
    const stateDir = join(dir, '.cairn', 'state');

    const cold = readRegistryIndex(dir, stateDir, summarize);
    expect(cold.fromIndex).toBe(false);
    const warm = readRegistryIndex(dir, stateDir, summarize);
    expect(warm.fromIndex).toBe(true);
    expect(warm.summaries).toEqual(cold.summaries);
    for (const name of ['pen', 'ink']) {
      expect(plain(warm.model(name)), name).toEqual(plain(cold.model(name)));
      expect(warm.tagsOf(name), name).toEqual(cold.tagsOf(name));
    }
    expect(warm.model('nope')).toBeUndefined();
    expect(warm.tagsOf('nope')).toEqual([]);
    const pen = warm.model('pen')!;
    expect(pen.versions.map((v) => [v.version, v.record?.params ?? null, v.problems.length > 0, v.deprecated?.reason ?? null])).toEqual([
      ['v1.0.0', { lr: 0.1 }, false, null],
      ['v1.0.1', { lr: 0.1 }, false, 'leak'],
      ['v2.0.0', null, true, null],
    ]);
    expect(pen.aliases.get('prod')!.map((e) => [e.n, e.version, e.reason])).toEqual([
      [3, 'v1.0.1', 'better'],
      [4, 'v2.0.0', 'moved by gto'], // a GTO tag names the newest version on its commit
    ]);
    // the same keys in the same order as the fold's entries (the --json output keeps its shape)
    expect(Object.keys(pen.versions[0]!)).toEqual(Object.keys(cold.model('pen')!.versions[0]!));

    // a truncated model file is not trusted: the model is read from git again and the file rewritten
    const file = join(stateDir, 'registry', 'pen.json');
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 100));
    const again = readRegistryIndex(dir, stateDir, summarize);
    expect(plain(again.model('pen'))).toEqual(plain(cold.model('pen')));
    expect(readRegistryIndex(dir, stateDir, summarize).model('pen')!.versions[0]!.record?.version).toBe('v1.0.0');
    expect(readFileSync(file, 'utf8').length).toBeGreaterThan(100);

    // a new tag changes the key: rebuilt, with the new tag
    tagAt(dir, 'ink#prod#1', c1, toMessage('alias', { name: 'ink', alias: 'prod', version: 'v1.0.0', reason: null, by: 'T <t@x>', at: '2026-01-04T00:00:00.000Z' }));
    const moved = readRegistryIndex(dir, stateDir, summarize);
    expect(moved.fromIndex).toBe(false);
    expect(moved.summaries.ink).toMatchObject({ aliases: { prod: 'v1.0.0' } });
    expect(readRegistryIndex(dir, stateDir, summarize).model('ink')!.aliases.get('prod')!.length).toBe(1);
  });
});
