import { useEffect, useState } from 'react';
// Hash routing: the server serves one index.html and needs no fallback rules.
export function currentPath() {
    return window.location.hash.replace(/^#/, '') || '/';
}
export function navigate(path) {
    window.location.hash = path;
}
export function usePath() {
    const [path, setPath] = useState(currentPath);
    useEffect(() => {
        const on = () => setPath(currentPath());
        window.addEventListener('hashchange', on);
        return () => window.removeEventListener('hashchange', on);
    }, []);
    return path;
}
/** Matches `/projects/:id/annotate` style patterns; returns the named parts or null. */
export function match(pattern, path) {
    const p = pattern.split('/').filter(Boolean);
    const s = path.split('?')[0].split('/').filter(Boolean);
    if (p.length !== s.length)
        return null;
    const out = {};
    for (let i = 0; i < p.length; i++) {
        if (p[i].startsWith(':'))
            out[p[i].slice(1)] = decodeURIComponent(s[i]);
        else if (p[i] !== s[i])
            return null;
    }
    return out;
}
