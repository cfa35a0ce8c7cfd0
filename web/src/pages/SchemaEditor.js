import { jsx as _jsx, jsxs as _jsxs, Fragment as _Fragment } from "react/jsx-runtime";
import { useT } from '../i18n';
import { optionsToText, textToOptions } from '../workbench/taxonomy';
const FIELD_TYPES = ['text', 'image', 'audio', 'video', 'list', 'json'];
const CONTROL_TYPES = ['choices', 'spans', 'relations', 'rectangles', 'polygons', 'keypoints', 'segments', 'transcription', 'rating', 'ranking', 'taxonomy'];
const FIELD_FOR = {
    choices: FIELD_TYPES, spans: ['text'], rectangles: ['image'], polygons: ['image'], keypoints: ['image'],
    segments: ['audio', 'video'], transcription: ['audio', 'video', 'text', 'image'], ranking: ['list'], taxonomy: FIELD_TYPES,
};
/** "value|hotkey|#colour" per line, the shorthand the form uses for labels and options. */
export function labelsToText(labels) {
    return (labels ?? []).map((l) => (typeof l === 'string' ? l : [l.value, l.hotkey ?? '', l.color ?? ''].join('|').replace(/\|+$/, ''))).join('\n');
}
export function textToLabels(text) {
    return text.split('\n').map((s) => s.trim()).filter(Boolean).map((line) => {
        const [value, hotkey, color] = line.split('|').map((x) => x.trim());
        if (!hotkey && !color)
            return value;
        return { value: value, ...(hotkey ? { hotkey } : {}), ...(color ? { color } : {}) };
    });
}
function newControl(type, schema) {
    const n = schema.controls.filter((c) => c.type === type).length;
    const name = `${type}${n ? n + 1 : ''}`;
    const field = schema.fields.find((f) => FIELD_FOR[type]?.includes(f.type))?.name ?? '';
    switch (type) {
        case 'choices': return { name, type, field, options: ['yes', 'no'] };
        case 'relations': return { name, type, spans: schema.controls.find((c) => c.type === 'spans')?.name ?? '', labels: [] };
        case 'transcription': return { name, type, field };
        case 'rating': return { name, type, max: 5 };
        case 'ranking': return { name, type, field, mode: 'rank', rationale: false };
        case 'taxonomy': return { name, type, field, options: [{ value: 'A', children: ['A1', 'A2'] }, 'B'] };
        default: return { name, type, field, labels: ['label'] };
    }
}
export function SchemaForm({ schema, onChange }) {
    const t = useT();
    const setField = (i, f) => onChange({ ...schema, fields: schema.fields.map((x, j) => (j === i ? f : x)) });
    const setControl = (i, c) => onChange({ ...schema, controls: schema.controls.map((x, j) => (j === i ? c : x)) });
    const rm = (arr, i) => arr.filter((_, j) => j !== i);
    return (_jsxs("div", { className: "schema-form", "data-testid": "schema-form", children: [_jsx("h3", { children: t('schema.fields') }), schema.fields.map((f, i) => (_jsxs("div", { className: "row", children: [_jsx("input", { "aria-label": t('schema.name'), "data-testid": `field-name-${i}`, value: f.name, onChange: (e) => setField(i, { ...f, name: e.target.value }) }), _jsx("select", { "aria-label": t('schema.type'), "data-testid": `field-type-${i}`, value: f.type, onChange: (e) => setField(i, { ...f, type: e.target.value }), children: FIELD_TYPES.map((x) => _jsx("option", { children: x }, x)) }), _jsx("button", { type: "button", className: "link", onClick: () => onChange({ ...schema, fields: rm(schema.fields, i) }), children: t('schema.remove') })] }, i))), _jsx("div", { className: "row", children: FIELD_TYPES.slice(0, 5).map((ft) => (_jsxs("button", { type: "button", "data-testid": `add-field-${ft}`, onClick: () => onChange({ ...schema, fields: [...schema.fields, { name: schema.fields.some((f) => f.name === ft) ? `${ft}${schema.fields.length + 1}` : ft, type: ft }] }), children: ["+ ", ft] }, ft))) }), _jsx("h3", { children: t('schema.controls') }), schema.controls.map((c, i) => {
                const fits = schema.fields.filter((f) => FIELD_FOR[c.type]?.includes(f.type));
                const labelsKey = c.type === 'choices' ? 'options' : 'labels';
                const hasLabels = c.type !== 'transcription' && c.type !== 'rating' && c.type !== 'ranking' && c.type !== 'taxonomy';
                return (_jsxs("fieldset", { className: "control-edit", "data-testid": `control-edit-${i}`, children: [_jsxs("div", { className: "row", children: [_jsx("input", { "aria-label": t('schema.name'), "data-testid": `control-name-${i}`, value: c.name, onChange: (e) => setControl(i, { ...c, name: e.target.value }) }), _jsx("b", { children: c.type }), FIELD_FOR[c.type] && (_jsxs("label", { children: [t('schema.field'), ' ', _jsxs("select", { value: c.field ?? '', onChange: (e) => setControl(i, { ...c, field: e.target.value || undefined }), children: [(c.type === 'choices' || c.type === 'transcription' || c.type === 'taxonomy') && _jsx("option", { value: "", children: "\u2014" }), fits.map((f) => _jsx("option", { children: f.name }, f.name))] })] })), c.type === 'relations' && (_jsxs("label", { children: [t('schema.spans'), ' ', _jsx("select", { value: c.spans, onChange: (e) => setControl(i, { ...c, spans: e.target.value }), children: schema.controls.filter((x) => x.type === 'spans').map((x) => _jsx("option", { children: x.name }, x.name)) })] })), c.type === 'transcription' && (_jsxs("label", { children: [t('schema.perSegment'), ' ', _jsxs("select", { value: c.perSegment ?? '', onChange: (e) => setControl(i, { ...c, perSegment: e.target.value || undefined }), children: [_jsx("option", { value: "", children: "\u2014" }), schema.controls.filter((x) => x.type === 'segments').map((x) => _jsx("option", { children: x.name }, x.name))] })] })), (c.type === 'choices' || c.type === 'taxonomy') && _jsxs("label", { children: [_jsx("input", { type: "checkbox", checked: !!c.multiple, onChange: (e) => setControl(i, { ...c, multiple: e.target.checked }) }), " ", t('schema.multiple')] }), c.type === 'taxonomy' && _jsxs("label", { children: [_jsx("input", { type: "checkbox", checked: !!c.leafsOnly, onChange: (e) => setControl(i, { ...c, leafsOnly: e.target.checked }) }), " ", t('schema.leafsOnly')] }), c.type === 'rating' && _jsxs("label", { children: [t('schema.max'), " ", _jsx("input", { type: "number", min: 2, max: 10, value: c.max ?? 5, onChange: (e) => setControl(i, { ...c, max: Number(e.target.value) }) })] }), c.type === 'ranking' && _jsxs(_Fragment, { children: [_jsxs("label", { children: [t('schema.mode'), ' ', _jsxs("select", { value: c.mode, onChange: (e) => setControl(i, { ...c, mode: e.target.value }), children: [_jsx("option", { children: "rank" }), _jsx("option", { children: "pairwise" })] })] }), _jsxs("label", { children: [_jsx("input", { type: "checkbox", checked: !!c.rationale, onChange: (e) => setControl(i, { ...c, rationale: e.target.checked }) }), " ", t('schema.rationale')] })] }), ['choices', 'transcription', 'rating', 'taxonomy'].includes(c.type) && (_jsxs("label", { children: [_jsx("input", { type: "checkbox", checked: !!c.required, onChange: (e) => setControl(i, { ...c, required: e.target.checked }) }), " ", t('schema.required')] })), _jsx("span", { className: "grow" }), _jsx("button", { type: "button", className: "link", onClick: () => onChange({ ...schema, controls: rm(schema.controls, i) }), children: t('schema.remove') })] }), c.type === 'taxonomy' && (_jsxs("label", { className: "block", children: [t('schema.taxonomyOptions'), _jsx("textarea", { rows: 5, "data-testid": `control-labels-${i}`, defaultValue: optionsToText(c.options), onBlur: (e) => setControl(i, { ...c, options: textToOptions(e.target.value) }) }, optionsToText(c.options))] })), hasLabels && (_jsxs("label", { className: "block", children: [c.type === 'choices' ? t('schema.options') : t('schema.labels'), _jsx("textarea", { rows: 3, "data-testid": `control-labels-${i}`, defaultValue: labelsToText(c[labelsKey]), onBlur: (e) => setControl(i, { ...c, [labelsKey]: textToLabels(e.target.value) }) }, labelsToText(c[labelsKey]))] }))] }, i));
            }), _jsx("div", { className: "row wrap", children: CONTROL_TYPES.map((ct) => (_jsxs("button", { type: "button", "data-testid": `add-control-${ct}`, onClick: () => onChange({ ...schema, controls: [...schema.controls, newControl(ct, schema)] }), children: ["+ ", ct] }, ct))) })] }));
}
