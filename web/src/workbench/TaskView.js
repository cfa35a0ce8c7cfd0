import { jsx as _jsx, jsxs as _jsxs, Fragment as _Fragment } from "react/jsx-runtime";
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useT } from '../i18n';
import { labelsOf, } from '../lib/schema';
import { AudioView } from './AudioView';
import { ChoicesView, RankingView, RatingView, TranscriptionView } from './Controls';
import { ImageView } from './ImageView';
import { TaxonomyView } from './TaxonomyControl';
import { TextView } from './TextView';
import { WorkbenchContext, isTyping, useWb } from './context';
import { editedOrigin, redo, relabel, removeRegion, removeRelation, setPairwise, setValue, toggleChoice, toggleHidden, toggleLocked, undo, } from './state';
const REGION_TYPES = ['spans', 'rectangles', 'polygons', 'keypoints', 'segments'];
const KEYED_TYPES = [...REGION_TYPES, 'choices', 'rating', 'relations', 'ranking', 'taxonomy'];
/** A task field's value as text: strings as they are, numbers and booleans written out, objects as JSON. */
function fieldText(v) {
    if (typeof v === 'string')
        return v;
    if (v == null)
        return '';
    return typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}
/** Renders one task from the schema and routes the keyboard to its controls. */
export function TaskView({ schema, data, state, onChange, readOnly = false, mediaUrl, keyboard = true }) {
    const t = useT();
    const keyed = useMemo(() => schema.controls.filter((c) => KEYED_TYPES.includes(c.type)), [schema]);
    const [chosen, setActive] = useState(keyed[0]?.name ?? null);
    // A control that left the schema (the form editor's preview) hands the keyboard to the first one.
    const active = keyed.some((c) => c.name === chosen) ? chosen : keyed[0]?.name ?? null;
    const [labelFor, setLabelFor] = useState({});
    const [relFrom, setRelFrom] = useState(null);
    const setLabel = useCallback((control, label) => setLabelFor((m) => ({ ...m, [control]: label })), []);
    const ctx = useMemo(() => ({
        schema, data, state, update: readOnly ? () => { } : onChange, readOnly, active, setActive, labelFor, setLabel, relFrom, setRelFrom, mediaUrl,
    }), [schema, data, state, onChange, readOnly, active, labelFor, setLabel, relFrom, mediaUrl]);
    const pickLabel = (c, value) => {
        setActive(c.name);
        if (c.type === 'choices') {
            onChange((s) => toggleChoice(s, c, value));
            return;
        }
        setLabel(c.name, value);
        const sel = state.selected;
        if (sel && sel.control === c.name && REGION_TYPES.includes(c.type))
            onChange((s) => relabel(s, c.name, sel.id, value));
    };
    useEffect(() => {
        if (!keyboard)
            return;
        const onKey = (e) => {
            if (e.key === 'Escape' && isTyping(e)) {
                e.target.blur();
                return;
            }
            if (isTyping(e))
                return;
            const mod = e.ctrlKey || e.metaKey;
            if (mod && e.key.toLowerCase() === 'z') {
                e.preventDefault();
                if (!readOnly)
                    onChange(e.shiftKey ? redo : undo);
                return;
            }
            if (mod && e.key.toLowerCase() === 'y') {
                e.preventDefault();
                if (!readOnly)
                    onChange(redo);
                return;
            }
            if (mod || e.altKey)
                return;
            if (e.key === 'Tab' && keyed.length) {
                e.preventDefault();
                const i = keyed.findIndex((c) => c.name === active);
                setActive(keyed[(i + (e.shiftKey ? keyed.length - 1 : 1)) % keyed.length].name);
                return;
            }
            if (e.key === 'Escape') {
                setRelFrom(null);
                onChange((s) => ({ ...s, selected: null }));
                return;
            }
            if (readOnly)
                return;
            const sel = state.selected;
            if ((e.key === 'Delete' || e.key === 'Backspace') && sel) {
                e.preventDefault();
                onChange((s) => removeRegion(s, schema, sel.control, sel.id));
                return;
            }
            if ((e.key === 'r' || e.key === 'R') && sel && schema.controls.some((c) => c.type === 'relations' && c.spans === sel.control)) {
                e.preventDefault();
                setRelFrom(sel.id);
                return;
            }
            const act = schema.controls.find((c) => c.name === active);
            if (act?.type === 'rating' && /^[0-9]$/.test(e.key)) {
                const n = e.key === '0' ? 10 : Number(e.key);
                if (n <= (act.max ?? 5)) {
                    onChange((s) => setValue(s, act.name, n));
                    e.preventDefault();
                }
                return;
            }
            if (act?.type === 'ranking' && act.mode === 'pairwise' && ['1', '2', '3'].includes(e.key)) {
                onChange((s) => setPairwise(s, act.name, ['a', 'b', 'tie'][Number(e.key) - 1]));
                e.preventDefault();
                return;
            }
            // Label hotkeys: the active control first, then any control with that explicit key.
            const order = act ? [act, ...schema.controls.filter((c) => c !== act)] : schema.controls;
            for (const c of order) {
                if (!['choices', 'relations', ...REGION_TYPES].includes(c.type))
                    continue;
                const isDigit = /^[1-9]$/.test(e.key);
                if (isDigit && c !== act)
                    continue;
                const l = labelsOf(c).find((x) => x.hotkey === e.key);
                if (l) {
                    e.preventDefault();
                    pickLabel(c, l.value);
                    return;
                }
            }
        };
        window.addEventListener('keydown', onKey);
        return () => window.removeEventListener('keydown', onKey);
    });
    const main = [];
    for (const f of schema.fields) {
        const v = data[f.name];
        if (f.type === 'text')
            main.push(_jsx(TextView, { field: f.name, text: fieldText(v) }, f.name));
        // Keyed by the source too: another file is another view, its loading state starting afresh.
        else if (f.type === 'image')
            main.push(_jsx(ImageView, { field: f.name, src: mediaUrl(fieldText(v)) }, `${f.name}:${fieldText(v)}`));
        else if (f.type === 'audio' || f.type === 'video')
            main.push(_jsx(AudioView, { field: f.name, src: mediaUrl(fieldText(v)) }, `${f.name}:${fieldText(v)}`));
        else if (f.type === 'list') {
            const rankers = schema.controls.filter((c) => c.type === 'ranking' && c.field === f.name);
            if (rankers.length)
                rankers.forEach((c) => main.push(_jsx(RankingView, { c: c }, c.name)));
            else
                main.push(_jsx("ol", { className: "plain-list", children: (Array.isArray(v) ? v : []).map((x, i) => _jsx("li", { children: typeof x === 'string' ? x : JSON.stringify(x) }, i)) }, f.name));
        }
        else
            main.push(_jsx("pre", { className: "json", children: JSON.stringify(v, null, 2) }, f.name));
    }
    const side = [];
    for (const c of schema.controls) {
        if (c.type === 'choices')
            side.push(_jsx(ChoicesView, { c: c }, c.name));
        else if (c.type === 'rating')
            side.push(_jsx(RatingView, { c: c }, c.name));
        else if (c.type === 'taxonomy')
            side.push(_jsx(TaxonomyView, { c: c }, c.name));
        else if (c.type === 'transcription' && !c.perSegment)
            side.push(_jsx(TranscriptionView, { c: c }, c.name));
        else if (REGION_TYPES.includes(c.type) || (c.type === 'relations' && c.labels?.length)) {
            side.push(_jsx(LabelPicker, { c: c, current: labelFor[c.name] ?? labelsOf(c)[0]?.value, active: active === c.name, onPick: (v) => pickLabel(c, v) }, c.name));
        }
    }
    const activeControl = schema.controls.find((c) => c.name === active);
    return (_jsx(WorkbenchContext.Provider, { value: ctx, children: _jsxs("div", { className: `task-view${readOnly ? ' read-only' : ''}`, "data-testid": "task-view", children: [_jsx("div", { className: "task-main", children: main }), _jsxs("aside", { className: "task-side", children: [activeControl && _jsx("div", { className: "muted small", "data-testid": "active-control", children: t('wb.activeControl', { name: activeControl.name }) }), side, _jsx(RegionList, {})] })] }) }));
}
function LabelPicker({ c, current, active, onPick }) {
    return (_jsxs("section", { className: `control${active ? ' active' : ''}`, "data-testid": `control-${c.name}`, children: [_jsx("h3", { children: c.name }), _jsx("div", { className: "choices", children: labelsOf(c).map((l) => (_jsxs("button", { type: "button", "data-testid": `label-${c.name}-${l.value}`, className: `chip${current === l.value ? ' on' : ''}`, style: { borderColor: l.color, ...(current === l.value ? { background: l.color, color: '#fff' } : {}) }, onClick: () => onPick(l.value), children: [l.hotkey && _jsx("kbd", { children: l.hotkey }), " ", l.value] }, l.value))) })] }));
}
function describe(r, t) {
    if ('text' in r && r.text !== undefined)
        return `“${r.text.length > 40 ? `${r.text.slice(0, 40)}…` : r.text}” [${r.start}, ${r.end})`;
    if ('width' in r)
        return `${Math.round(r.x)},${Math.round(r.y)} ${Math.round(r.width)}×${Math.round(r.height)}${r.rotation ? ` ↻${r.rotation}°` : ''}`;
    if ('points' in r)
        return t('wb.points', { count: r.points.length });
    if ('start' in r)
        return `${r.start.toFixed(2)}–${r.end.toFixed(2)} s`;
    return `${Math.round(r.x)},${Math.round(r.y)}`;
}
const IMAGE_TYPES = ['rectangles', 'polygons', 'keypoints'];
function EyeIcon({ open }) {
    return (_jsxs("svg", { width: "14", height: "14", viewBox: "0 0 16 16", "aria-hidden": true, fill: "none", stroke: "currentColor", strokeWidth: "1.5", children: [_jsx("path", { d: "M1 8s2.5-5 7-5 7 5 7 5-2.5 5-7 5-7-5-7-5z" }), open ? _jsx("circle", { cx: "8", cy: "8", r: "2", fill: "currentColor" }) : _jsx("path", { d: "M2 14 14 2" })] }));
}
function LockIcon({ closed }) {
    return (_jsxs("svg", { width: "14", height: "14", viewBox: "0 0 16 16", "aria-hidden": true, fill: "none", stroke: "currentColor", strokeWidth: "1.5", children: [_jsx("rect", { x: "3", y: "7", width: "10", height: "7", rx: "1.5", fill: closed ? 'currentColor' : 'none' }), _jsx("path", { d: closed ? 'M5 7V5a3 3 0 0 1 6 0v2' : 'M5 7V5a3 3 0 0 1 5.8-1' })] }));
}
function RegionList() {
    const t = useT();
    const { schema, state, update, readOnly } = useWb();
    const [grouped, setGrouped] = useState(false);
    const entries = [];
    const textOf = new Map();
    for (const c of schema.controls) {
        if (!REGION_TYPES.includes(c.type))
            continue;
        const colors = new Map(labelsOf(c).map((l) => [l.value, l.color]));
        const onImage = IMAGE_TYPES.includes(c.type);
        for (const r of state.result[c.name] ?? []) {
            if ('text' in r && r.text)
                textOf.set(r.id, r.text);
            const pred = state.predicted.includes(r.id);
            const hidden = !!state.hidden?.includes(r.id);
            const locked = !!state.locked?.includes(r.id);
            const color = colors.get(r.label) ?? '#888';
            entries.push({ label: r.label, color, row: (_jsxs("li", { "data-testid": `region-row-${r.id}`, className: `${state.selected?.id === r.id ? 'sel' : ''}${hidden ? ' hidden-region' : ''}`, onClick: () => { if (!hidden && !locked)
                        update((s) => ({ ...s, selected: { control: c.name, id: r.id } })); }, children: [_jsx("span", { className: "dot", style: { background: color } }), _jsx("b", { children: r.label }), " ", _jsx("span", { className: "muted", children: describe(r, t) }), pred && _jsx("span", { className: "badge pred", children: t('wb.prediction') }), !pred && editedOrigin(state, r) && _jsx("span", { className: "badge origin-badge", "data-testid": `from-model-${r.id}`, children: t('wbx.fromModel') }), onImage && _jsxs(_Fragment, { children: [_jsx("button", { type: "button", className: `tool${hidden ? ' on' : ''}`, "data-testid": `hide-${r.id}`, "aria-pressed": hidden, title: hidden ? t('wbx.show') : t('wbx.hide'), "aria-label": hidden ? t('wbx.show') : t('wbx.hide'), onClick: (e) => { e.stopPropagation(); update((s) => toggleHidden(s, r.id)); }, children: _jsx(EyeIcon, { open: !hidden }) }), !readOnly && _jsx("button", { type: "button", className: `tool${locked ? ' on' : ''}`, "data-testid": `lock-${r.id}`, "aria-pressed": locked, title: locked ? t('wbx.unlock') : t('wbx.lock'), "aria-label": locked ? t('wbx.unlock') : t('wbx.lock'), onClick: (e) => { e.stopPropagation(); update((s) => toggleLocked(s, r.id)); }, children: _jsx(LockIcon, { closed: locked }) })] }), !readOnly && _jsx("button", { type: "button", className: "x", "aria-label": t('common.delete'), "data-testid": `delete-${r.id}`, onClick: (e) => { e.stopPropagation(); update((s) => removeRegion(s, schema, c.name, r.id)); }, children: "\u00D7" })] }, r.id)) });
        }
    }
    // Grouped: one heading per label (in the order labels first appear), its regions under it.
    const rows = [];
    if (grouped) {
        const labels = [...new Map(entries.map((e) => [e.label, e.color]))];
        for (const [label, color] of labels) {
            const inGroup = entries.filter((e) => e.label === label);
            rows.push(_jsxs("li", { className: "group-head", "data-testid": `region-group-${label}`, children: [_jsx("span", { className: "dot", style: { background: color } }), _jsx("b", { children: label }), " ", _jsxs("span", { children: ["(", inGroup.length, ")"] })] }, `group-${label}`), ...inGroup.map((e) => e.row));
        }
    }
    else
        rows.push(...entries.map((e) => e.row));
    const rels = [];
    for (const c of schema.controls) {
        if (c.type !== 'relations')
            continue;
        (state.result[c.name] ?? []).forEach((r, i) => rels.push(_jsxs("li", { "data-testid": `relation-${r.from}-${r.to}`, children: [textOf.get(r.from) ?? r.from, " \u2192 ", r.label ? _jsx("b", { children: r.label }) : null, " \u2192 ", textOf.get(r.to) ?? r.to, !readOnly && _jsx("button", { type: "button", className: "x", "aria-label": t('common.delete'), onClick: () => update((s) => removeRelation(s, c.name, i)), children: "\u00D7" })] }, `${c.name}${i}`)));
    }
    if (!schema.controls.some((c) => REGION_TYPES.includes(c.type)))
        return null;
    return (_jsxs("section", { className: "regions", children: [_jsxs("div", { className: "regions-head", children: [_jsx("h3", { children: t('wb.regions') }), _jsx("span", { className: "grow" }), entries.length > 1 && _jsxs("label", { children: [_jsx("input", { type: "checkbox", "data-testid": "regions-group", checked: grouped, onChange: (e) => setGrouped(e.target.checked) }), t('wbx.groupByLabel')] })] }), state.predicted.length > 0 && _jsx("p", { className: "muted small", children: t('wb.predictionHint') }), rows.length ? _jsx("ul", { className: "region-list", children: rows }) : _jsx("p", { className: "muted", children: t('wb.noRegions') }), schema.controls.some((c) => c.type === 'relations') && _jsxs(_Fragment, { children: [_jsx("h3", { children: t('wb.relations') }), _jsx("p", { className: "muted small", children: t('wb.relationHint') }), _jsx("ul", { className: "region-list", children: rels })] })] }));
}
export const SHORTCUTS = [
    ['Ctrl+Enter', 'keys.submit'], ['Ctrl+Shift+S', 'keys.skip'], ['Ctrl+Z', 'keys.undo'], ['Ctrl+Shift+Z', 'keys.redo'],
    ['1–9', 'keys.labels'], ['Tab', 'keys.tab'], ['Delete', 'keys.delete'], ['Esc', 'keys.escape'], ['R', 'keys.relation'], ['Shift+← →', 'keys.textCaret'], ['Shift+drag', 'keys.tools'],
    ['Space', 'keys.pan'], ['← ↑ → ↓', 'keys.nudge'], ['[ ]', 'keys.rotate'], ['+ − F', 'keys.zoom'], ['Enter', 'keys.enterPolygon'], ['Space', 'keys.play'], ['← →', 'keys.seek'], ['[ ]', 'keys.mark'],
    ['1 2 3', 'keys.pair'], ['?', 'keys.help'],
];
export function ShortcutSheet({ onClose }) {
    const t = useT();
    return (_jsx("div", { className: "modal-back", onClick: onClose, children: _jsxs("div", { className: "modal", role: "dialog", "aria-label": t('wb.shortcuts'), "data-testid": "shortcut-sheet", onClick: (e) => e.stopPropagation(), children: [_jsx("h2", { children: t('wb.shortcuts') }), _jsx("table", { className: "keys", children: _jsx("tbody", { children: SHORTCUTS.map(([k, m], i) => _jsxs("tr", { children: [_jsx("td", { children: _jsx("kbd", { children: k }) }), _jsx("td", { children: t(m) })] }, i)) }) }), _jsx("button", { type: "button", onClick: onClose, "data-testid": "shortcut-close", children: t('common.close') })] }) }));
}
