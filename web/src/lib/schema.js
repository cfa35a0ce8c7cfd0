// Types of the label schema and annotation result of docs/label-schema.md.
export const DEFAULT_COLORS = ['#e4572e', '#2e86ab', '#76b041', '#a25ebf', '#f2a541', '#17bebb', '#d7263d', '#5d576b', '#c17817', '#3d5a80'];
/** Labels or options of a control as full objects, with a colour and a hotkey for each. */
export function labelsOf(c) {
    const raw = c.type === 'choices' || c.type === 'taxonomy' ? c.options : 'labels' in c ? c.labels ?? [] : [];
    return raw.map((l, i) => {
        const d = typeof l === 'string' ? { value: l } : l;
        return {
            value: d.value,
            hotkey: d.hotkey ?? (i < 9 ? String(i + 1) : ''),
            color: d.color ?? DEFAULT_COLORS[i % DEFAULT_COLORS.length],
        };
    });
}
export function fieldOf(schema, name) {
    return schema.fields.find((f) => f.name === name);
}
/** Items of a `list` field: the object's id, or the index as a string for plain strings. */
export function listItems(value) {
    if (!Array.isArray(value))
        return [];
    return value.map((v, i) => typeof v === 'string' ? { id: String(i), text: v }
        : v && typeof v === 'object' ? { id: scalar(v.id) ?? String(i), text: scalar(v.text) ?? JSON.stringify(v) }
            : { id: String(i), text: scalar(v) ?? '' });
}
/** A string, number or boolean as text; anything else (an object, null) is not one. */
function scalar(v) {
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}
/** Parses a schema loosely enough for the editor; throws with a message when it is not one. */
export function parseSchema(json) {
    const v = JSON.parse(json);
    if (!v || typeof v !== 'object' || !Array.isArray(v.fields) || !Array.isArray(v.controls))
        throw new Error('fields and controls must be arrays');
    return v;
}
