import { describe, expect, it } from 'vitest';
import { bounds, centre, clampMove, corners, inside, normaliseDegrees, resizeFromCorner, rotateAboutCentre, rotationTowards, toLocal, toWorld } from './rotrect';
const close = (a, b, eps = 1e-9) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], -Math.log10(eps)));
describe('rotated boxes', () => {
    it('turn clockwise about the top-left corner, as the server checks them', () => {
        // The server's corners for x=10, y=20, w=100, h=50 at 90°: (10,20) (10,120) (-40,20) (-40,120).
        const cs = corners({ x: 10, y: 20, width: 100, height: 50, rotation: 90 });
        close(cs[0], [10, 20]);
        close(cs[1], [10, 120]);
        close(cs[2], [-40, 120]);
        close(cs[3], [-40, 20]);
    });
    it('keep their centre when turned by the workbench', () => {
        const b = { x: 100, y: 100, width: 200, height: 100, rotation: 0 };
        const t = rotateAboutCentre(b, 30);
        close(centre({ ...b, ...t }), centre(b));
        expect(t.rotation).toBe(30);
        const back = rotateAboutCentre({ ...b, ...t }, 0);
        close([back.x, back.y], [100, 100]);
    });
    it('map points to their own frame and back', () => {
        const b = { x: 5, y: 7, width: 40, height: 30, rotation: -37 };
        close(toWorld(b, ...toLocal(b, [22, 31])), [22, 31]);
    });
    it('are inside the image only when every turned corner is', () => {
        const b = { x: 0, y: 0, width: 100, height: 50, rotation: 0 };
        expect(inside(b, 100, 50)).toBe(true);
        expect(inside({ ...b, rotation: 10 }, 100, 50)).toBe(false);
        expect(inside({ ...b, x: 50, y: 20, rotation: 10 }, 200, 200)).toBe(true);
    });
    it('point their top at the handle being dragged', () => {
        const b = { x: 0, y: 0, width: 100, height: 100, rotation: 0 };
        expect(rotationTowards(b, [50, -100])).toBeCloseTo(0);
        expect(rotationTowards(b, [200, 50])).toBeCloseTo(90);
        expect(rotationTowards(b, [50, 200])).toBeCloseTo(180);
        expect(rotationTowards(b, [-100, 50])).toBeCloseTo(-90);
        expect(normaliseDegrees(540)).toBe(180);
        expect(normaliseDegrees(-190)).toBe(170);
    });
    it('move only as far as the image lets their turned corners go', () => {
        const b = { x: 50, y: 10, width: 40, height: 40, rotation: 45 };
        const r = bounds(b);
        const [dx, dy] = clampMove(b, -1000, 1000, 200, 200);
        expect(r.minX + dx).toBeCloseTo(0);
        expect(r.maxY + dy).toBeCloseTo(200);
    });
    it('resize from a corner keeping the opposite corner and the rotation', () => {
        const b = { x: 100, y: 100, width: 80, height: 40, rotation: 30 };
        const far = corners(b)[0];
        const drag = toWorld(b, 120, 60); // corner 2 dragged outwards along the box's own axes
        const n = resizeFromCorner(b, 2, drag);
        close([n.width, n.height], [120, 60]);
        close(corners({ ...n, rotation: 30 })[0], far);
        expect(resizeFromCorner(b, 2, toWorld(b, 0.5, 20))).toBeNull();
    });
});
