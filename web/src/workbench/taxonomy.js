// The taxonomy control's logic as pure functions (no DOM, no React): the option tree, what a
// filter shows, keyboard moves over the visible rows, and picking a path into the result value.
/** A path's key: its values joined by a separator no option value needs. */
export const pathKey = (path) => path.join('\u001f');
/** Keys of the options above the last one of a path. */
export const ancestorKeys = (path) => path.slice(0, -1).map((_, i) => pathKey(path.slice(0, i + 1)));
/** The option tree with each node's full path. */
export function taxonomyTree(options, parent = []) {
    return options.map((o) => {
        const d = typeof o === 'string' ? { value: o } : o;
        const path = [...parent, d.value];
        return {
            value: d.value, path, key: pathKey(path), hotkey: 'hotkey' in d ? d.hotkey : undefined,
            children: taxonomyTree(('children' in d ? d.children : undefined) ?? [], path),
        };
    });
}
/**
 * Keys of the nodes a filter shows: those whose value contains the query (case-insensitive) and
 * their ancestors; null when there is no query (everything, as expanded).
 */
export function filterKeys(tree, query) {
    const q = query.trim().toLocaleLowerCase();
    if (!q)
        return null;
    const keep = new Set();
    const walk = (nodes) => {
        let any = false;
        for (const n of nodes) {
            const below = walk(n.children);
            if (below || n.value.toLocaleLowerCase().includes(q)) {
                keep.add(n.key);
                any = true;
            }
        }
        return any;
    };
    walk(tree);
    return keep;
}
/** The rows shown, top to bottom: children of expanded nodes, or every kept node while filtering. */
export function visibleRows(tree, expanded, kept) {
    const rows = [];
    const walk = (nodes, depth) => {
        for (const n of nodes) {
            if (kept && !kept.has(n.key))
                continue;
            rows.push({ node: n, depth });
            if (kept || expanded.has(n.key))
                walk(n.children, depth + 1);
        }
    };
    walk(tree, 0);
    return rows;
}
/** The value of a result after picking `path`: single replaces (or clears when picked again), multiple toggles up to `max`. */
export function togglePath(current, path, c) {
    const key = pathKey(path);
    const has = current.some((p) => pathKey(p) === key);
    if (!c.multiple)
        return has ? [] : [path];
    if (has)
        return current.filter((p) => pathKey(p) !== key);
    if (c.max != null && current.length >= c.max)
        return current;
    return [...current, path];
}
/** The paths of a stored value, ignoring anything that is not an array of string arrays. */
export function pathsOf(value) {
    if (!Array.isArray(value))
        return [];
    return value.filter((p) => Array.isArray(p) && p.length > 0 && p.every((s) => typeof s === 'string'));
}
/** Whether a node may be picked: any node, or only leaves when the control says so. */
export const pickable = (n, c) => !c.leafsOnly || n.children.length === 0;
/** The schema form's text for an option tree: one option per line, two spaces deeper per level. */
export function optionsToText(options, depth = 0) {
    return options.map((o) => {
        const d = typeof o === 'string' ? { value: o } : o;
        const line = '  '.repeat(depth) + d.value;
        const children = 'children' in d && d.children?.length ? '\n' + optionsToText(d.children, depth + 1) : '';
        return line + children;
    }).join('\n');
}
/** Reads the form's indented text back into an option tree (a line deeper than its parent allows becomes its child). */
export function textToOptions(text) {
    const root = [];
    const stack = [{ depth: -1, children: root }];
    for (const raw of text.split('\n')) {
        const value = raw.trim();
        if (!value)
            continue;
        const depth = raw.length - raw.trimStart().length;
        while (stack.length > 1 && stack[stack.length - 1].depth >= depth)
            stack.pop();
        const node = { value, children: [] };
        stack[stack.length - 1].children.push(node);
        stack.push({ depth, children: node.children });
    }
    const strip = (nodes) => nodes.map((n) => (n.children.length ? { value: n.value, children: strip(n.children) } : n.value));
    return strip(root);
}
