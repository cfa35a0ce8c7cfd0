/** What a document field's value holds: a PDF's URL or media path, or a list of page images. */
export type DocumentSource = { kind: 'pdf'; src: string } | { kind: 'images'; pages: string[] } | null;

/** With a pageKey, the pages are objects holding the page image under that key (Label Studio's Repeater). */
export function documentSource(v: unknown, pageKey?: string): DocumentSource {
  if (pageKey !== undefined) {
    if (!Array.isArray(v) || v.length === 0) return null;
    const pages = v.map((p) => (p !== null && typeof p === 'object' ? (p as Record<string, unknown>)[pageKey] : undefined));
    return pages.every((p) => typeof p === 'string' && p.trim()) ? { kind: 'images', pages: pages as string[] } : null;
  }
  if (typeof v === 'string' && v.trim()) return { kind: 'pdf', src: v };
  if (Array.isArray(v) && v.length > 0 && v.every((p) => typeof p === 'string' && p.trim())) return { kind: 'images', pages: v as string[] };
  return null;
}

/** The page one step away, kept inside 0..count-1. */
export function stepPage(page: number, step: number, count: number): number {
  return Math.max(0, Math.min(count - 1, page + step));
}

/** How many boxes of a result's rectangles lie on each page (a box without a page counts for none). */
export function boxesPerPage(boxes: readonly { page?: number }[] | undefined): Map<number, number> {
  const m = new Map<number, number>();
  for (const b of boxes ?? []) if (b.page !== undefined) m.set(b.page, (m.get(b.page) ?? 0) + 1);
  return m;
}
