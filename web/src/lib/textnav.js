// Moving a keyboard caret through text: by user-perceived character (grapheme) or by word.
// Offsets are UTF-16 indices; every result lies on a code-point boundary.
const WINDOW = 256;
function segmenter(granularity) {
    return typeof Intl !== 'undefined' && 'Segmenter' in Intl ? new Intl.Segmenter(undefined, { granularity }) : null;
}
const graphemes = segmenter('grapheme');
const words = segmenter('word');
/** Next code-point boundary, the fallback where Intl.Segmenter is missing. */
function cpStep(text, pos, dir) {
    if (dir > 0) {
        if (pos >= text.length)
            return text.length;
        const c = text.charCodeAt(pos);
        return c >= 0xd800 && c <= 0xdbff && pos + 1 < text.length ? pos + 2 : pos + 1;
    }
    if (pos <= 0)
        return 0;
    const c = text.charCodeAt(pos - 1);
    return c >= 0xdc00 && c <= 0xdfff && pos - 2 >= 0 ? pos - 2 : pos - 1;
}
/**
 * The boundary after (dir 1) or before (dir -1) `pos`. Only a window around `pos` is segmented,
 * so a step costs the same in a 100k-character document as in a short one.
 */
export function step(text, pos, dir, unit) {
    const seg = unit === 'word' ? words : graphemes;
    if (!seg)
        return cpStep(text, pos, dir);
    const lo = Math.max(0, pos - WINDOW);
    const hi = Math.min(text.length, pos + WINDOW);
    const slice = text.slice(lo, hi);
    const bounds = [];
    for (const s of seg.segment(slice)) {
        // For words, stop only at the edges of word-like segments, not at every space or comma.
        if (unit === 'word' && !s.isWordLike)
            continue;
        bounds.push(lo + s.index, lo + s.index + s.segment.length);
    }
    if (unit === 'char')
        bounds.push(hi);
    const uniq = [...new Set(bounds)].sort((a, b) => a - b);
    if (dir > 0)
        return uniq.find((b) => b > pos) ?? (unit === 'word' ? text.length : cpStep(text, pos, 1));
    for (let i = uniq.length - 1; i >= 0; i--)
        if (uniq[i] < pos)
            return uniq[i];
    return unit === 'word' ? 0 : cpStep(text, pos, -1);
}
