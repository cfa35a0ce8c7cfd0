/** How the workbench puts a large photo on screen quickly: a canvas the size of the view, redrawn
 * from the smallest copy of the photo that still has a pixel for every screen pixel. */
/** Copies are halved until the longer side is at most this; smaller copies would save little. */
const SMALLEST = 1024;
/** Widths and heights of the halved copies after the original (which is level 0). */
export function pyramidSizes(w, h) {
    const out = [];
    let cw = w;
    let ch = h;
    while (Math.max(cw, ch) > SMALLEST) {
        cw = Math.max(1, Math.round(cw / 2));
        ch = Math.max(1, Math.round(ch / 2));
        out.push({ w: cw, h: ch });
    }
    return out;
}
/**
 * The level to draw from at `scale` device pixels per image pixel: the smallest copy that is not
 * smaller than the screen needs, so the canvas never shrinks a copy by more than 2× (bilinear
 * sampling stays sharp and free of aliasing) and never rescales 20 MP for one frame.
 */
export function levelFor(widths, naturalWidth, scale) {
    let best = 0;
    for (let i = 1; i < widths.length; i++)
        if (widths[i] / naturalWidth >= scale)
            best = i;
    return best;
}
/**
 * The part of the image inside a canvas of cw × ch device pixels, as a source rectangle in a copy
 * `levelScale` times the original's size and its destination on the canvas; null when none shows.
 */
export function visiblePart(view, dpr, natural, levelScale, cw, ch) {
    const k = view.k * dpr;
    const tx = view.tx * dpr;
    const ty = view.ty * dpr;
    const x0 = Math.max(0, -tx / k);
    const y0 = Math.max(0, -ty / k);
    const x1 = Math.min(natural.w, (cw - tx) / k);
    const y1 = Math.min(natural.h, (ch - ty) / k);
    if (x1 <= x0 || y1 <= y0)
        return null;
    return {
        sx: x0 * levelScale, sy: y0 * levelScale, sw: (x1 - x0) * levelScale, sh: (y1 - y0) * levelScale,
        dx: tx + x0 * k, dy: ty + y0 * k, dw: (x1 - x0) * k, dh: (y1 - y0) * k,
    };
}
/** Decoded copies of a loaded image, largest first; bitmaps stay decoded, unlike an <img>'s pixels. */
export async function buildPyramid(img) {
    const levels = [await createImageBitmap(img)];
    for (const s of pyramidSizes(levels[0].width, levels[0].height)) {
        // Each copy is made from the one before it, so the whole pyramid costs about one pass over the photo.
        levels.push(await createImageBitmap(levels[levels.length - 1], { resizeWidth: s.w, resizeHeight: s.h, resizeQuality: 'medium' }));
    }
    return levels;
}
