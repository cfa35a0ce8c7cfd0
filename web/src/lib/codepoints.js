// Annotation offsets count Unicode code points (docs/label-schema.md); the DOM counts UTF-16
// units. Everything that crosses that border goes through these helpers.
/** Number of code points in `s`. */
export function cpLength(s) {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        // A high surrogate followed by a low one is one code point; a lone surrogate counts as one.
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
            const d = s.charCodeAt(i + 1);
            if (d >= 0xdc00 && d <= 0xdfff)
                i++;
        }
        n++;
    }
    return n;
}
/**
 * Code-point offset of a UTF-16 offset. An offset that falls between the two halves of a
 * surrogate pair is snapped: `towardEnd` moves it past the pair (for span ends), otherwise before.
 */
export function utf16ToCp(s, utf16, towardEnd = false) {
    const stop = Math.max(0, Math.min(utf16, s.length));
    let n = 0;
    let i = 0;
    while (i < stop) {
        const c = s.charCodeAt(i);
        const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length &&
            s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff;
        if (pair && i + 1 === stop)
            return towardEnd ? n + 1 : n;
        i += pair ? 2 : 1;
        n++;
    }
    return n;
}
/** UTF-16 offset of a code-point offset (clamped to the string). */
export function cpToUtf16(s, cp) {
    let i = 0;
    let n = 0;
    while (n < cp && i < s.length) {
        const c = s.charCodeAt(i);
        const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length &&
            s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff;
        i += pair ? 2 : 1;
        n++;
    }
    return i;
}
/** Slice of `s` between two code-point offsets. */
export function cpSlice(s, start, end) {
    return s.slice(cpToUtf16(s, start), cpToUtf16(s, end));
}
/**
 * Converts a UTF-16 selection [a, b) in `s` to code points, trimming whitespace at both ends the
 * way annotators expect, and never splitting a surrogate pair. Returns null for an empty result.
 */
export function selectionToCp(s, a, b) {
    let lo = Math.min(a, b);
    let hi = Math.max(a, b);
    while (lo < hi && /\s/.test(s[lo]))
        lo++;
    while (hi > lo && /\s/.test(s[hi - 1]))
        hi--;
    const start = utf16ToCp(s, lo, false);
    const end = utf16ToCp(s, hi, true);
    return end > start ? { start, end } : null;
}
