import { describe, expect, it } from 'vitest';
import { bucketOf, moveToBucket, moveWithinBucket, unplaced } from './buckets';

const names = ['relevant', 'biased'];

describe('ranking buckets', () => {
  it('moves an item into a bucket and keeps every bucket, empty ones too', () => {
    expect(moveToBucket({}, names, 'r2', 'relevant')).toEqual({ relevant: ['r2'], biased: [] });
  });

  it('takes an item out of its old bucket when it moves', () => {
    const b = moveToBucket({ relevant: ['r1', 'r2'], biased: [] }, names, 'r1', 'biased');
    expect(b).toEqual({ relevant: ['r2'], biased: ['r1'] });
    expect(bucketOf(b, 'r1')).toBe('biased');
  });

  it('puts an item at the index asked, clamped to the bucket', () => {
    expect(moveToBucket({ relevant: ['a', 'b'] }, names, 'c', 'relevant', 1).relevant).toEqual(['a', 'c', 'b']);
    expect(moveToBucket({ relevant: ['a'] }, names, 'c', 'relevant', 9).relevant).toEqual(['a', 'c']);
  });

  it('sends an item back to no bucket with null', () => {
    const b = moveToBucket({ relevant: ['r1'], biased: [] }, names, 'r1', null);
    expect(b).toEqual({ relevant: [], biased: [] });
    expect(bucketOf(b, 'r1')).toBeNull();
    expect(unplaced(['r1', 'r2'], b)).toEqual(['r1', 'r2']);
  });

  it('lists the items in no bucket in the list order', () => {
    expect(unplaced(['r1', 'r2', 'r3', 'r4'], { relevant: ['r3', 'r1'] })).toEqual(['r2', 'r4']);
  });

  it('ignores a bucket the control does not have', () => {
    expect(moveToBucket({ relevant: [] }, names, 'x', 'other')).toEqual({ relevant: [], biased: [] });
  });

  it('reorders within a bucket and stops at its edges', () => {
    const b = { relevant: ['a', 'b', 'c'], biased: [] };
    expect(moveWithinBucket(b, names, 'c', -1).relevant).toEqual(['a', 'c', 'b']);
    expect(moveWithinBucket(b, names, 'a', -1)).toBe(b);
    expect(moveWithinBucket(b, names, 'zz', 1)).toBe(b);
  });
});
