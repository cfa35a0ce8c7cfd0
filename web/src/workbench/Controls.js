import { jsxs as _jsxs, jsx as _jsx } from "react/jsx-runtime";
import { useEffect, useRef, useState } from 'react';
import { useT } from '../i18n';
import { labelsOf, listItems, } from '../lib/schema';
import { moveRankItem, setPairwise, setRankOrder, setRationale, setValue, toggleChoice, typeText } from './state';
import { isTyping, useWb } from './context';
export function Frame({ c, children }) {
    const wb = useWb();
    return (_jsxs("section", { className: `control${wb.active === c.name ? ' active' : ''}`, "data-testid": `control-${c.name}`, onMouseDown: () => wb.setActive(c.name), children: [_jsxs("h3", { children: [c.name, c.required ? ' *' : ''] }), children] }));
}
export function ChoicesView({ c }) {
    const wb = useWb();
    const cur = wb.state.result[c.name] ?? [];
    return (_jsx(Frame, { c: c, children: _jsx("div", { className: "choices", role: c.multiple ? 'group' : 'radiogroup', children: labelsOf(c).map((o) => (_jsxs("button", { type: "button", role: c.multiple ? 'checkbox' : 'radio', "aria-checked": cur.includes(o.value), "data-testid": `choice-${c.name}-${o.value}`, className: `chip${cur.includes(o.value) ? ' on' : ''}`, style: { borderColor: o.color, ...(cur.includes(o.value) ? { background: o.color, color: '#fff' } : {}) }, disabled: wb.readOnly, onClick: () => wb.update((s) => toggleChoice(s, c, o.value)), children: [o.hotkey && _jsx("kbd", { children: o.hotkey }), " ", cur.includes(o.value) && _jsx("span", { "aria-hidden": true, className: "tick", children: "\u2713" }), o.value] }, o.value))) }) }));
}
export function RatingView({ c }) {
    const t = useT();
    const wb = useWb();
    const max = c.max ?? 5;
    const cur = wb.state.result[c.name];
    return (_jsx(Frame, { c: c, children: _jsx("div", { className: "rating", role: "radiogroup", "aria-label": t('wb.rating'), children: Array.from({ length: max }, (_, i) => i + 1).map((n) => (_jsxs("button", { type: "button", role: "radio", "aria-checked": cur === n, "data-testid": `rating-${c.name}-${n}`, className: `star${cur != null && n <= cur ? ' on' : ''}`, disabled: wb.readOnly, onClick: () => wb.update((s) => setValue(s, c.name, cur === n ? null : n)), children: ["\u2605", _jsx("small", { children: n % 10 })] }, n))) }) }));
}
export function TranscriptionView({ c }) {
    const t = useT();
    const wb = useWb();
    const cur = wb.state.result[c.name] ?? '';
    return (_jsx(Frame, { c: c, children: _jsx("textarea", { "data-testid": `transcription-${c.name}`, rows: 4, className: "grows tall", value: cur, readOnly: wb.readOnly, placeholder: t('wb.transcript'), onChange: (e) => { const v = e.target.value; wb.update((s) => typeText(s, c.name, v)); } }) }));
}
export function RankingView({ c }) {
    const t = useT();
    const wb = useWb();
    const items = listItems(wb.data[c.field]);
    const initial = items.map((i) => i.id);
    const byId = new Map(items.map((i) => [i.id, i]));
    const value = wb.state.result[c.name];
    const rationale = value?.rationale ?? '';
    const dragId = useRef(null);
    const [focus, setFocus] = useState(null);
    const rationaleBox = c.rationale && (_jsx("textarea", { "data-testid": `rationale-${c.name}`, rows: 2, placeholder: t('wb.rationale'), value: rationale, readOnly: wb.readOnly, onChange: (e) => { const v = e.target.value; wb.update((s) => setRationale(s, c.name, v, initial, c.mode)); } }));
    if (c.mode === 'pairwise') {
        const [a, b] = items;
        const pick = (p) => !wb.readOnly && wb.update((s) => setPairwise(s, c.name, p));
        return (_jsxs(Frame, { c: c, children: [_jsx("p", { className: "muted", children: t('wb.pairHint') }), _jsx("div", { className: "pairwise", children: [['a', a], ['b', b]].map(([side, item], i) => (_jsxs("button", { type: "button", "data-testid": `pair-${c.name}-${side}`, className: `pair-card${value?.preferred === side ? ' on' : ''}`, onClick: () => pick(side), disabled: wb.readOnly, children: [_jsxs("div", { className: "pair-head", children: [_jsx("kbd", { children: i + 1 }), " ", side.toUpperCase()] }), _jsx("div", { className: "pair-text", children: item?.text })] }, side))) }), _jsxs("button", { type: "button", "data-testid": `pair-${c.name}-tie`, className: `chip${value?.preferred === 'tie' ? ' on' : ''}`, onClick: () => pick('tie'), disabled: wb.readOnly, children: [_jsx("kbd", { children: "3" }), " ", t('wb.tie')] }), rationaleBox] }));
    }
    const order = value?.order ?? initial;
    return _jsx(RankList, { c: c, order: order, initial: initial, byId: byId, focus: focus, setFocus: setFocus, dragId: dragId, rationaleBox: rationaleBox });
}
function RankList({ c, order, initial, byId, focus, setFocus, dragId, rationaleBox }) {
    const t = useT();
    const wb = useWb();
    const list = useRef(null);
    // While the ranking is the active control, ↑/↓ walk the items without a mouse.
    useEffect(() => {
        if (wb.active !== c.name)
            return;
        const onKey = (e) => {
            if (isTyping(e) || e.altKey || e.ctrlKey || e.metaKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown'))
                return;
            e.preventDefault();
            const i = focus ? order.indexOf(focus) : -1;
            const j = Math.max(0, Math.min(order.length - 1, i < 0 ? 0 : i + (e.key === 'ArrowUp' ? -1 : 1)));
            const id = order[j];
            if (id)
                list.current?.querySelector(`[data-testid="rank-item-${CSS.escape(id)}"]`)?.focus();
        };
        window.addEventListener('keydown', onKey);
        return () => window.removeEventListener('keydown', onKey);
    }, [wb.active, c.name, focus, order]);
    return (_jsxs(Frame, { c: c, children: [_jsx("p", { className: "muted", children: t('wb.rankHint') }), _jsx("ol", { ref: list, className: "ranking", "data-testid": `ranking-${c.name}`, children: order.map((id, i) => (_jsxs("li", { tabIndex: 0, draggable: !wb.readOnly, "data-testid": `rank-item-${id}`, "data-rank": i + 1, className: focus === id ? 'focus' : '', onFocus: () => { setFocus(id); wb.setActive(c.name); }, onKeyDown: (e) => {
                        if (wb.readOnly || !e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown'))
                            return;
                        e.preventDefault();
                        const target = e.currentTarget;
                        wb.update((s) => moveRankItem(s, c.name, initial, id, e.key === 'ArrowUp' ? -1 : 1));
                        // Keep focus on the moved item after React re-orders the list.
                        requestAnimationFrame(() => target.parentElement?.querySelector(`[data-testid="rank-item-${CSS.escape(id)}"]`)?.focus());
                    }, onDragStart: () => { dragId.current = id; }, onDragOver: (e) => e.preventDefault(), onDrop: (e) => {
                        e.preventDefault();
                        const from = dragId.current;
                        dragId.current = null;
                        if (!from || from === id)
                            return;
                        const next = order.filter((x) => x !== from);
                        next.splice(next.indexOf(id) + (order.indexOf(from) < i ? 1 : 0), 0, from);
                        wb.update((s) => setRankOrder(s, c.name, next));
                    }, children: [_jsx("span", { className: "rank-no", children: i + 1 }), _jsx("span", { className: "rank-text", children: byId.get(id)?.text ?? id })] }, id))) }), rationaleBox] }));
}
