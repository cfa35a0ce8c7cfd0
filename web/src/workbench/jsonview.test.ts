import { describe, expect, it } from 'vitest';
import { isFlatObject } from './json';

describe('isFlatObject', () => {
  it('takes an object of plain values as a table', () => {
    expect(isFlatObject({ name: 'Ann', age: 31, ok: true, none: null })).toBe(true);
  });
  it('leaves arrays, nesting and scalars to JSON', () => {
    expect(isFlatObject([1, 2])).toBe(false);
    expect(isFlatObject({ a: { b: 1 } })).toBe(false);
    expect(isFlatObject('x')).toBe(false);
    expect(isFlatObject(null)).toBe(false);
  });
});
