import { describe, expect, it } from 'vitest';
import { toMessage } from '../../src/mlops/registry/record.js';
import { aliasHistory, aliasHolder, buildState } from '../../src/mlops/registry/state.js';
import type { RawTag } from '../../src/mlops/registry/store.js';
import { bumpVersion, normalizeVersion, parseTagName, parseTarget } from '../../src/mlops/registry/tags.js';
import { parsePolicies } from '../../src/mlops/registry/policy.js';

describe('registry tag grammar (GTO)', () => {
  it('parses every GTO tag kind and rejects the rest', () => {
    expect(parseTagName('pen@v1.2.3')).toEqual({ action: 'register', name: 'pen', version: 'v1.2.3' });
    expect(parseTagName('pen@v1.2.3!#7')).toEqual({ action: 'deregister', name: 'pen', version: 'v1.2.3', n: 7 });
    expect(parseTagName('pen#production#3')).toEqual({ action: 'assign', name: 'pen', alias: 'production', n: 3 });
    expect(parseTagName('pen#production!#4')).toEqual({ action: 'unassign', name: 'pen', alias: 'production', n: 4 });
    expect(parseTagName('pen@deprecated#5')).toEqual({ action: 'deprecate', name: 'pen', n: 5 });
    for (const bad of ['v1.0.0', 'pen@1.0.0', 'pen@v01.0.0', 'Pen@v1.0.0', 'pen#prod', 'pen#prod#0', 'a/b@v1.0.0', 'pen@v1.0.0#2', '../x@v1.0.0']) expect(parseTagName(bad)).toBeUndefined();
  });
  it('versions: v-prefix normalised, first is v1.0.0, bumps', () => {
    expect(normalizeVersion('1.2.0')).toBe('v1.2.0');
    expect(() => normalizeVersion('1.2')).toThrow(/not a version/);
    expect(bumpVersion(undefined, 'minor')).toBe('v1.0.0');
    expect(bumpVersion('v1.2.3', 'patch')).toBe('v1.2.4');
    expect(bumpVersion('v1.2.3', 'minor')).toBe('v1.3.0');
    expect(bumpVersion('v1.2.3', 'major')).toBe('v2.0.0');
    expect(parseTarget('pen@production')).toEqual({ name: 'pen', alias: 'production' });
    expect(parseTarget('pen@1.0.0')).toEqual({ name: 'pen', version: 'v1.0.0' });
    expect(parseTarget('pen')).toEqual({ name: 'pen' });
  });
  it('policies: only the documented keys and values', () => {
    expect(parsePolicies({ production: { require_gate: 'pass', require_branch: 'main' } }, 'c.yaml')).toEqual({ production: { require_gate: ['pass'], require_branch: 'main' } });
    expect(() => parsePolicies({ production: { require_gate: 'maybe' } }, 'c.yaml')).toThrow(/c\.yaml: registry\.policies\.production\.require_gate/);
    expect(() => parsePolicies({ production: { typo: 1 } }, 'c.yaml')).toThrow(/unknown key 'typo'/);
    expect(() => parsePolicies({ production: { require_branch: '../x' } }, 'c.yaml')).toThrow(/branch name/);
  });
});

describe('registry state from tags', () => {
  const commit = (c: string) => c.repeat(40);
  const tag = (name: string, target: string, message: string, date = '2026-01-01T00:00:00.000Z'): RawTag => ({ tag: name, parsed: parseTagName(name)!, oid: commit('f'), target, tagger: 'T', email: '<t@x>', date, message });
  const rec = (version: string, c: string) => ({
    name: 'pen', version, commit: c, branch: 'main', author: 'T', dirty: false, registered_at: '2026-01-01T00:00:00.000Z', path: 'm.json', hash: 'xxh64x2', id: 'a'.repeat(32), size: 1,
    stage: null, cmd: null, run: null, data: [], params: {}, metrics: {}, eval_set: null, predictions: null, gate: null,
  });
  it('alias history follows N, not clocks; GTO-written alias tags map to the version by commit; hostile messages are problems', () => {
    const ev = (version: string, at: string) => toMessage('alias', { name: 'pen', alias: 'prod', version, reason: null, by: 'T', at });
    const tags = [
      tag('pen@v1.0.0', commit('1'), toMessage('version', rec('v1.0.0', commit('1')))),
      tag('pen@v1.0.1', commit('2'), toMessage('version', rec('v1.0.1', commit('2')))),
      tag('pen#prod#3', commit('1'), ev('v1.0.0', '2026-01-03T00:00:00.000Z')),
      tag('pen#prod#2', commit('2'), ev('v1.0.1', '2026-01-02T00:00:00.000Z')),
      tag('pen#prod#4', commit('2'), 'assigned by gto', '2026-01-04T00:00:00.000Z'),
      tag('pen@v9.0.0', commit('9'), '!!binary bomb: &a [*a, *a]'),
    ];
    const m = buildState(tags).get('pen')!;
    expect(m.counter).toBe(4);
    expect(aliasHistory(m, 'prod').map((r) => [r.version, r.from, r.to])).toEqual([
      ['v1.0.1', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z'],
      ['v1.0.0', '2026-01-03T00:00:00.000Z', '2026-01-04T00:00:00.000Z'],
      ['v1.0.1', '2026-01-04T00:00:00.000Z', null],
    ]);
    expect(aliasHolder(m, 'prod')?.version).toBe('v1.0.1');
    const bad = m.versions.find((v) => v.version === 'v9.0.0')!;
    expect(bad.record).toBeNull();
    expect(bad.problems.length).toBeGreaterThan(0);
  });
});
