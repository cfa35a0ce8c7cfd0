// Geometry of rotated boxes. A box's `rotation` is in degrees, clockwise in image coordinates
// (y down), about its top-left corner (x, y), as Label Studio stores it and as the server checks
// it (docs/label-schema.md). The workbench turns a box about its centre, which is what a person
// expects; these helpers move (x, y) so that the centre stays put.
const rad = (deg) => (deg * Math.PI) / 180;
/** Image point of a point (u, v) given in the box's own frame (origin at its top-left corner). */
export function toWorld(b, u, v) {
    const a = rad(b.rotation ?? 0);
    const c = Math.cos(a);
    const s = Math.sin(a);
    return [b.x + u * c - v * s, b.y + u * s + v * c];
}
/** The box-frame coordinates of an image point. */
export function toLocal(b, p) {
    const a = rad(b.rotation ?? 0);
    const c = Math.cos(a);
    const s = Math.sin(a);
    const dx = p[0] - b.x;
    const dy = p[1] - b.y;
    return [dx * c + dy * s, -dx * s + dy * c];
}
/** Corners in drawing order: top-left, top-right, bottom-right, bottom-left (of the unrotated box). */
export function corners(b) {
    return [toWorld(b, 0, 0), toWorld(b, b.width, 0), toWorld(b, b.width, b.height), toWorld(b, 0, b.height)];
}
export function centre(b) { return toWorld(b, b.width / 2, b.height / 2); }
/** Axis-aligned bounds of the rotated box. */
export function bounds(b) {
    const cs = corners(b);
    const xs = cs.map((p) => p[0]);
    const ys = cs.map((p) => p[1]);
    return { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) };
}
/** All four corners inside a w × h image (the server refuses a box that is not, give or take a rounding). */
export function inside(b, w, h, tolerance = 0.01) {
    const r = bounds(b);
    return r.minX >= -tolerance && r.minY >= -tolerance && r.maxX <= w + tolerance && r.maxY <= h + tolerance;
}
/** An angle in degrees brought into (-180, 180]. */
export function normaliseDegrees(deg) {
    let d = deg % 360;
    if (d <= -180)
        d += 360;
    if (d > 180)
        d -= 360;
    return d;
}
/** The box turned to `rotation` degrees about its centre: a new (x, y) and rotation, same size. */
export function rotateAboutCentre(b, rotation) {
    const [cx, cy] = centre(b);
    const r = normaliseDegrees(rotation);
    const turned = toWorld({ x: 0, y: 0, width: b.width, height: b.height, rotation: r }, b.width / 2, b.height / 2);
    return { x: cx - turned[0], y: cy - turned[1], rotation: r };
}
/** The rotation that points the box's "up" (from its centre through the middle of its top edge) at `p`. */
export function rotationTowards(b, p) {
    const [cx, cy] = centre(b);
    return normaliseDegrees((Math.atan2(p[1] - cy, p[0] - cx) * 180) / Math.PI + 90);
}
/** A move by (dx, dy) cut short so the whole rotated box stays inside a w × h image. */
export function clampMove(b, dx, dy, w, h) {
    const r = bounds(b);
    return [Math.max(-r.minX, Math.min(w - r.maxX, dx)), Math.max(-r.minY, Math.min(h - r.maxY, dy))];
}
/**
 * Resizing by dragging corner `handle` (0–3 as in `corners`) to image point `p`: the opposite
 * corner stays where it is and the rotation is kept. Null when the box would be under 1 px.
 */
export function resizeFromCorner(b, handle, p) {
    const local = [[0, 0], [b.width, 0], [b.width, b.height], [0, b.height]];
    const fixed = local[(handle + 2) % 4];
    const q = toLocal(b, p);
    const width = Math.abs(q[0] - fixed[0]);
    const height = Math.abs(q[1] - fixed[1]);
    if (width < 1 || height < 1)
        return null;
    const [x, y] = toWorld(b, Math.min(q[0], fixed[0]), Math.min(q[1], fixed[1]));
    return { x, y, width, height };
}
