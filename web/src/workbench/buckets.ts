import type { BucketsValue } from '../lib/schema';

/** A ranking's buckets as the answer holds them: bucket name → item ids in order. */
export type Buckets = BucketsValue['buckets'];

/** The bucket an item is in, or null when it is in none (Label Studio's "_" column). */
export function bucketOf(buckets: Buckets, id: string): string | null {
  for (const [name, ids] of Object.entries(buckets)) if (ids.includes(id)) return name;
  return null;
}

/** The list's items in no bucket, in the list's order. */
export function unplaced(items: string[], buckets: Buckets): string[] {
  const placed = new Set(Object.values(buckets).flat());
  return items.filter((id) => !placed.has(id));
}

/**
 * Moves item `id` into `bucket` (null: out of every bucket) at `index` (the end when left out),
 * taking it out of wherever it was. Every bucket of `names` is kept, empty ones too, in that order,
 * as Label Studio writes them. Returns a new object; `buckets` is not changed.
 */
export function moveToBucket(buckets: Buckets, names: string[], id: string, bucket: string | null, index?: number): Buckets {
  const out: Buckets = {};
  for (const name of names) out[name] = (buckets[name] ?? []).filter((x) => x !== id);
  if (bucket !== null && bucket in out) {
    const ids = out[bucket]!;
    const at = index === undefined ? ids.length : Math.max(0, Math.min(ids.length, index));
    ids.splice(at, 0, id);
  }
  return out;
}

/** Moves item `id` by `delta` places within its own bucket; unchanged when it is in none or at the edge. */
export function moveWithinBucket(buckets: Buckets, names: string[], id: string, delta: number): Buckets {
  const bucket = bucketOf(buckets, id);
  if (bucket === null) return buckets;
  const i = buckets[bucket]!.indexOf(id);
  const j = i + delta;
  if (j < 0 || j >= buckets[bucket]!.length) return buckets;
  return moveToBucket(buckets, names, id, bucket, j);
}
