import { jsx as _jsx, jsxs as _jsxs } from "react/jsx-runtime";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useT } from '../i18n';
import { Frame } from './Controls';
import { useWb } from './context';
import { setValue } from './state';
import { ancestorKeys, filterKeys, pathKey, pathsOf, pickable, taxonomyTree, togglePath, visibleRows } from './taxonomy';
/**
 * Hierarchical choices: a tree of options (a WAI-ARIA tree: ↑/↓ move, → opens or goes to the first
 * child, ← closes or goes to the parent, Enter/Space choose), a filter box that shows matches with
 * their ancestors, and the chosen paths as removable chips.
 */
export function TaxonomyView({ c }) {
    const t = useT();
    const wb = useWb();
    const tree = useMemo(() => taxonomyTree(c.options), [c.options]);
    // Chosen paths (a draft, a prediction) start with their ancestors open, so they can be seen.
    const [expanded, setExpanded] = useState(() => new Set(pathsOf(wb.state.result[c.name]).flatMap(ancestorKeys)));
    const [query, setQuery] = useState('');
    const [focus, setFocus] = useState(null);
    const treeRef = useRef(null);
    const boxRef = useRef(null);
    // A keyboard move to a row not rendered yet (a child being opened): focus follows once it is,
    // before the next key arrives.
    const moving = useRef(null);
    const chosen = pathsOf(wb.state.result[c.name]);
    const chosenKeys = new Set(chosen.map(pathKey));
    const kept = filterKeys(tree, query);
    const rows = visibleRows(tree, expanded, kept);
    const current = rows.find((r) => r.node.key === focus) ?? rows[0];
    const full = c.multiple && c.max != null && chosen.length >= c.max;
    const pick = (n) => {
        if (wb.readOnly || !pickable(n, c))
            return;
        wb.update((s) => setValue(s, c.name, togglePath(pathsOf(s.result[c.name]), n.path, c)));
        // Picked through the filter, it stays in sight when the filter is cleared.
        setExpanded((e) => new Set([...e, ...ancestorKeys(n.path)]));
    };
    const toggleOpen = (n, open) => setExpanded((e) => { const next = new Set(e); if (open)
        next.add(n.key);
    else
        next.delete(n.key); return next; });
    const rowElement = (key) => treeRef.current?.querySelector(`[data-key="${CSS.escape(key)}"]`);
    const focusRow = (key) => { if (key)
        rowElement(key)?.focus(); };
    const moveTo = (key) => {
        setFocus(key);
        const el = rowElement(key);
        if (el)
            el.focus();
        else
            moving.current = key;
    };
    useLayoutEffect(() => {
        if (moving.current == null)
            return;
        const key = moving.current;
        moving.current = null;
        focusRow(key);
    });
    // Tab makes this the active control: the keyboard goes into the tree, unless it is busy outside
    // the task (a schema editor typing beside a preview must keep its caret).
    useEffect(() => {
        const el = document.activeElement;
        const free = !el || el === document.body || !!boxRef.current?.closest('.task-view')?.contains(el);
        if (wb.active === c.name && free && !boxRef.current?.contains(el))
            focusRow(current?.node.key);
        // Only a change of the active control moves focus, not every render.
        // eslint-disable-next-line react-hooks/exhaustive-deps
    }, [wb.active, c.name]);
    const onKeyDown = (e, n) => {
        const i = rows.findIndex((r) => r.node.key === n.key);
        const open = kept != null || expanded.has(n.key);
        let handled = true;
        if (e.key === 'ArrowDown') {
            const next = rows[i + 1];
            if (next)
                moveTo(next.node.key);
        }
        else if (e.key === 'ArrowUp') {
            const prev = rows[i - 1];
            if (prev)
                moveTo(prev.node.key);
        }
        else if (e.key === 'Home') {
            if (rows[0])
                moveTo(rows[0].node.key);
        }
        else if (e.key === 'End') {
            const last = rows[rows.length - 1];
            if (last)
                moveTo(last.node.key);
        }
        else if (e.key === 'ArrowRight') {
            if (n.children.length && !open)
                toggleOpen(n, true);
            else if (n.children.length && n.children[0])
                moveTo(n.children[0].key);
        }
        else if (e.key === 'ArrowLeft') {
            if (n.children.length && open && kept == null)
                toggleOpen(n, false);
            else if (n.path.length > 1)
                moveTo(pathKey(n.path.slice(0, -1)));
        }
        else if (e.key === 'Enter' || e.key === ' ') {
            if (pickable(n, c))
                pick(n);
            else if (n.children.length)
                toggleOpen(n, !open);
        }
        else
            handled = false;
        if (handled) {
            e.preventDefault();
            // The workbench's own keys (label hotkeys of the active control) must not see these.
            e.stopPropagation();
        }
    };
    return (_jsx(Frame, { c: c, children: _jsxs("div", { className: "taxonomy", ref: boxRef, "data-testid": `taxonomy-${c.name}`, children: [_jsxs("ul", { className: "tax-chosen", "aria-live": "polite", children: [chosen.length === 0 && _jsx("li", { className: "muted small", children: t('wb.taxonomy.none') }), chosen.map((p) => {
                            const label = p.join(' / ');
                            return (_jsxs("li", { className: "chip on", "data-testid": `taxonomy-chip-${c.name}`, children: [_jsx("span", { children: label }), !wb.readOnly && (_jsx("button", { type: "button", className: "chip-x", "aria-label": t('wb.taxonomy.remove', { path: label }), onClick: () => wb.update((s) => setValue(s, c.name, pathsOf(s.result[c.name]).filter((x) => pathKey(x) !== pathKey(p)))), children: "\u00D7" }))] }, pathKey(p)));
                        })] }), _jsx("input", { type: "search", className: "tax-filter", "data-testid": `taxonomy-filter-${c.name}`, value: query, placeholder: t('wb.taxonomy.filter'), "aria-label": t('wb.taxonomy.filter'), onChange: (e) => setQuery(e.target.value), onKeyDown: (e) => {
                        if (e.key === 'ArrowDown' && rows[0]) {
                            e.preventDefault();
                            moveTo(rows[0].node.key);
                        }
                    } }), rows.length === 0 && query.trim() !== '' && _jsx("p", { className: "muted small", children: t('wb.taxonomy.noMatch', { query: query.trim() }) }), _jsx("ul", { ref: treeRef, role: "tree", "aria-label": t('wb.taxonomy.tree', { name: c.name }), "aria-multiselectable": !!c.multiple, className: "tax-tree", children: rows.map(({ node: n, depth }) => {
                        const open = kept != null || expanded.has(n.key);
                        const selected = chosenKeys.has(n.key);
                        const canPick = pickable(n, c) && !(full && !selected);
                        return (_jsxs("li", { role: "treeitem", "data-key": n.key, "data-testid": `taxonomy-node-${c.name}-${n.path.join('/')}`, "aria-level": depth + 1, "aria-selected": selected, "aria-expanded": n.children.length ? open : undefined, tabIndex: n.key === current?.node.key ? 0 : -1, className: `tax-node${selected ? ' on' : ''}${canPick ? '' : ' inert'}`, style: { paddingLeft: 4 + depth * 16 }, onFocus: () => { setFocus(n.key); wb.setActive(c.name); }, onKeyDown: (e) => onKeyDown(e, n), title: !pickable(n, c) ? t('wb.taxonomy.leafsOnly') : full && !selected ? t('wb.taxonomy.max', { max: c.max ?? 0 }) : undefined, children: [_jsx("span", { className: "tax-twisty", "aria-hidden": "true", onClick: (e) => { e.stopPropagation(); if (n.children.length && kept == null)
                                        toggleOpen(n, !open); }, children: n.children.length ? (open ? '▾' : '▸') : '·' }), _jsx("span", { className: "tax-label", onClick: () => { setFocus(n.key); if (canPick)
                                        pick(n);
                                    else if (n.children.length && kept == null)
                                        toggleOpen(n, !open); }, children: n.value })] }, n.key));
                    }) }), _jsx("p", { className: "muted small", children: t('wb.taxonomy.hint') })] }) }));
}
