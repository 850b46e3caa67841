import { describe, expect, it } from 'vitest';
import { flatten, sameValue } from '../../src/core/flatten.js';

describe('core/flatten: DVC rule, a list is one value', () => {
  it('joins nested mapping keys with dots and keeps lists whole', () => {
    expect(flatten({ a: { b: 1, c: [2, { d: 'x' }] }, e: null, f: true, g: {} })).toEqual({ 'a.b': 1, 'a.c': [2, { d: 'x' }], e: null, f: true });
  });
  it('puts a value under its prefix; a bare value without a prefix has no key', () => {
    expect(flatten([1, 2], 'train.layers')).toEqual({ 'train.layers': [1, 2] });
    expect(flatten(3, 'k')).toEqual({ k: 3 });
    expect(flatten(3)).toEqual({});
    expect(flatten(undefined, 'k')).toEqual({ k: null });
  });
  it('compares lists by content', () => {
    expect(sameValue([8, 4], [8, 4])).toBe(true);
    expect(sameValue([8, 4], [8, 5])).toBe(false);
    expect(sameValue(1, 1)).toBe(true);
  });
});
