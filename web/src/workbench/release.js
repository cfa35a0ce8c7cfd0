import { api } from '../api';
// Leases a page gives back as it goes (tab closed, reloaded, or the annotator moved elsewhere in
// the app), so other annotators are not told "nothing left" while those tasks sit leased until
// the lease runs out. The release is sent with `keepalive`, so it outlives the page; the ids are
// noted in this tab's sessionStorage too: a reload's first queue call excludes them, in case the
// release reaches the server after that call (which would hand back a lease about to be released).
const KEY = 'yz.releasing';
/** Gives the leases back (fire and forget) and notes them for this tab's next workbench. */
export function releaseLeases(ids) {
    const list = [...new Set(ids)];
    if (!list.length)
        return;
    try {
        sessionStorage.setItem(KEY, JSON.stringify(list));
    }
    catch { /* storage full or blocked: the release still goes */ }
    for (const id of list)
        void api.release(id).catch(() => { });
}
/** The leases the last page in this tab gave back as it went, once (the note is cleared). */
export function takeReleased() {
    try {
        const raw = sessionStorage.getItem(KEY);
        sessionStorage.removeItem(KEY);
        const v = raw ? JSON.parse(raw) : [];
        return Array.isArray(v) ? v.filter((x) => typeof x === 'number') : [];
    }
    catch {
        return [];
    }
}
