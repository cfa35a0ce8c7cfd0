import { describe, expect, it } from 'vitest';
import { levelFor, pyramidSizes, visiblePart } from './pixels';
describe('pixels', () => {
    it('halves a 20 MP photo until its longer side fits in 1024 pixels', () => {
        expect(pyramidSizes(5472, 3648)).toEqual([{ w: 2736, h: 1824 }, { w: 1368, h: 912 }, { w: 684, h: 456 }]);
        expect(pyramidSizes(600, 400)).toEqual([]);
    });
    it('draws from the smallest copy that still has a pixel for every screen pixel', () => {
        const widths = [5472, 2736, 1368, 684];
        expect(levelFor(widths, 5472, 0.2)).toBe(2); // 1368 / 5472 = 0.25 ≥ 0.2 > 0.125
        expect(levelFor(widths, 5472, 0.125)).toBe(3);
        expect(levelFor(widths, 5472, 0.01)).toBe(3);
        expect(levelFor(widths, 5472, 0.6)).toBe(0); // 2736 / 5472 = 0.5 would be blurred
        expect(levelFor(widths, 5472, 4)).toBe(0);
        expect(levelFor([600], 600, 0.1)).toBe(0);
    });
    it('maps the visible part of the image to the same place the SVG regions are drawn', () => {
        // Zoomed to 2×, image pixel (100, 50) at the canvas origin, 400 × 300 canvas, a half-size copy.
        const part = visiblePart({ k: 2, tx: -200, ty: -100 }, 1, { w: 1000, h: 800 }, 0.5, 400, 300);
        expect(part).toEqual({ sx: 50, sy: 25, sw: 100, sh: 75, dx: 0, dy: 0, dw: 400, dh: 300 });
        // Device pixel ratio 2: the same view on a canvas of twice the pixels.
        const hi = visiblePart({ k: 2, tx: -200, ty: -100 }, 2, { w: 1000, h: 800 }, 1, 800, 600);
        expect(hi).toEqual({ sx: 100, sy: 50, sw: 200, sh: 150, dx: 0, dy: 0, dw: 800, dh: 600 });
        // Zoomed out with margins: the whole image, placed at its offset.
        const fit = visiblePart({ k: 0.25, tx: 10, ty: 20 }, 1, { w: 1000, h: 800 }, 0.25, 400, 300);
        expect(fit).toEqual({ sx: 0, sy: 0, sw: 250, sh: 200, dx: 10, dy: 20, dw: 250, dh: 200 });
        // Panned away entirely: nothing to draw.
        expect(visiblePart({ k: 1, tx: 500, ty: 0 }, 1, { w: 100, h: 100 }, 1, 400, 300)).toBeNull();
    });
});
