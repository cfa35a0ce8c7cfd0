import { jsx as _jsx, jsxs as _jsxs } from "react/jsx-runtime";
import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import { keys } from '../api/queries';
import { useI18n } from '../i18n';
/** A control's value as a short line: choices and labels in a fixed order, so equal answers read equal. */
export function summarise(c, v, t) {
    if (v == null || (Array.isArray(v) && !v.length) || v === '')
        return t('wbx.emptyValue');
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
        return String(v);
    if (Array.isArray(v)) {
        if (v.every((x) => typeof x === 'string'))
            return [...v].sort().join(', ');
        if (c.type === 'relations')
            return v.map((r) => r.label ?? '→').sort().join(', ');
        // Regions: how many of each label (their exact geometry is in the view below).
        const n = new Map();
        for (const r of v)
            n.set(r.label ?? '?', (n.get(r.label ?? '?') ?? 0) + 1);
        return [...n].sort(([a], [b]) => a.localeCompare(b)).map(([l, k]) => (k > 1 ? `${l} ×${k}` : l)).join(', ');
    }
    const o = v;
    if (Array.isArray(o.order))
        return o.order.join(' > ');
    if (typeof o.preferred === 'string')
        return o.preferred;
    return JSON.stringify(v);
}
/** The first single-choice control: the one truth inference answers for. */
function inferable(project) {
    return project.schema.controls.find((c) => c.type === 'choices' && !c.multiple);
}
/**
 * Every annotation in force of the task under review side by side, one column each, the cells
 * that differ from the annotation under review marked; and the answer truth inference gives
 * for the task (the project's first single-choice control), when there is one.
 */
export function ReviewCompare({ project, item }) {
    const { t } = useI18n();
    const detail = useQuery({ queryKey: keys.task(item.task.id), queryFn: () => api.task(item.task.id) });
    const control = inferable(project);
    // Not under the project's key: reviewing does not change the answers, so a decision need not refetch it.
    const truth = useQuery({
        queryKey: ['aggregate', project.id, control?.name ?? null], enabled: !!control, staleTime: 60_000,
        queryFn: () => api.aggregate(project.id, 'auto', control.name),
    });
    const inForce = (detail.data?.annotations ?? []).filter((a) => a.status !== 'superseded');
    if (inForce.length < 2)
        return null;
    const columns = [
        ...inForce.filter((a) => a.id === item.annotationId),
        ...inForce.filter((a) => a.id !== item.annotationId),
    ];
    const controls = project.schema.controls.filter((c) => c.type !== 'relations' || columns.some((a) => a.result[c.name] != null));
    const inferred = truth.data?.items.find((x) => x.taskId === item.task.id);
    return (_jsxs("section", { className: "review-compare", "data-testid": "review-compare", children: [_jsx("h3", { children: t('wbx.compare') }), _jsx("p", { className: "muted small", children: t('wbx.compareHint') }), _jsx("div", { className: "table-scroll", children: _jsxs("table", { className: "compare", children: [_jsx("thead", { children: _jsxs("tr", { children: [_jsx("th", {}), columns.map((a) => (_jsxs("th", { "data-testid": `compare-col-${a.id}`, className: a.id === item.annotationId ? 'current' : '', children: [a.annotator || a.userId, a.id === item.annotationId && _jsx("span", { className: "badge", children: t('wbx.underReview') })] }, a.id)))] }) }), _jsx("tbody", { children: controls.map((c) => {
                                const mine = summarise(c, item.annotation.result[c.name], t);
                                return (_jsxs("tr", { children: [_jsx("th", { children: c.name }), columns.map((a) => {
                                            const v = summarise(c, a.result[c.name], t);
                                            const differs = a.id !== item.annotationId && v !== mine;
                                            return _jsx("td", { "data-testid": `compare-${c.name}-${a.id}`, className: differs ? 'diff' : '', "data-differs": differs ? 'true' : 'false', children: v }, a.id);
                                        })] }, c.name));
                            }) })] }) }), control && (_jsxs("p", { "data-testid": "review-inferred", children: [_jsxs("b", { children: [t('wbx.inferred'), ":"] }), ' ', inferred
                        ? t('wbx.inferredOf', { label: inferred.label, percent: Math.round(inferred.confidence * 100), method: truth.data.method })
                        : _jsx("span", { className: "muted", children: t('wbx.noInference') })] }))] }));
}
