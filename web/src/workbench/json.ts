/** An object whose values are all strings, numbers, booleans or null. */
export function isFlatObject(v: unknown): v is Record<string, string | number | boolean | null> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    && Object.values(v).every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x));
}
