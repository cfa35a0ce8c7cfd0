/** A random UUID; crypto.randomUUID exists only in secure contexts, plain-http LAN sites are not. */
export function uuid() {
    if (typeof crypto.randomUUID === 'function')
        return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
/** URL of a task's media value: absolute URLs and paths pass through, bare names are project media. */
export function mediaUrlFor(projectId, value) {
    if (/^(https?:|data:|blob:|\/)/.test(value))
        return value;
    return `/api/projects/${projectId}/media/${encodeURIComponent(value)}`;
}
export function preloadMedia(data, fields, url) {
    for (const f of fields) {
        const v = data[f.name];
        if (f.type === 'image' && typeof v === 'string') {
            const img = new Image();
            img.src = url(v);
        }
    }
}
