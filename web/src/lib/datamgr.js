export function allColumns(schema) {
    return ['preview', ...schema.fields.map((f) => `data:${f.name}`), 'key', 'state', 'priority', 'annotations', 'updated'];
}
const storageKey = (projectId) => `yz.dm.hidden.${projectId}`;
/** Hidden until chosen: the preview of a project without media repeats its first text column. */
export function defaultHidden(schema) {
    return schema.fields.some((f) => f.type === 'image' || f.type === 'audio' || f.type === 'video') ? [] : ['preview'];
}
/** The columns hidden in a project's table (remembered per project; a new field shows by default). */
export function hiddenColumns(projectId, storage = localStorage, defaults = []) {
    try {
        const v = JSON.parse(storage.getItem(storageKey(projectId)) ?? JSON.stringify(defaults));
        return new Set(Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);
    }
    catch {
        return new Set();
    }
}
export function saveHiddenColumns(projectId, hidden, storage = localStorage) {
    storage.setItem(storageKey(projectId), JSON.stringify([...hidden]));
}
/** What a row shows first: the first media field's file, else the first text field's words, else any string. */
export function previewOf(schema, data) {
    for (const f of schema.fields) {
        const v = data[f.name];
        if ((f.type === 'image' || f.type === 'audio' || f.type === 'video') && typeof v === 'string' && v)
            return { kind: f.type, src: v };
    }
    for (const f of schema.fields) {
        const v = data[f.name];
        if (typeof v === 'string' && v)
            return { kind: 'text', text: v };
    }
    const any = Object.values(data).find((v) => typeof v === 'string');
    return typeof any === 'string' ? { kind: 'text', text: any } : null;
}
/** A data value as a cell shows it: strings as they are, a media URL as its file name, the rest as JSON. */
export function cellText(value, media) {
    if (value === undefined || value === null)
        return '';
    if (typeof value === 'string') {
        if (!media)
            return value;
        // A project medium is named by its path after /media/ (a zip's folders included).
        const at = value.indexOf('/media/');
        const name = at >= 0 ? value.slice(at + 7) : value.split('/').pop() ?? value;
        try {
            return decodeURIComponent(name);
        }
        catch {
            return name;
        }
    }
    return JSON.stringify(value);
}
/** Splits CSV/TSV text into records (RFC 4180 quoting), at most `max` of them. */
export function parseDelimited(text, delimiter, max) {
    const out = [];
    let row = [];
    let cell = '';
    let quoted = false;
    let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    for (; i < text.length && out.length < max; i++) {
        const c = text[i];
        if (quoted) {
            if (c === '"' && text[i + 1] === '"') {
                cell += '"';
                i++;
            }
            else if (c === '"')
                quoted = false;
            else
                cell += c;
        }
        else if (c === '"' && cell === '')
            quoted = true;
        else if (c === delimiter) {
            row.push(cell);
            cell = '';
        }
        else if (c === '\n' || c === '\r') {
            if (c === '\r' && text[i + 1] === '\n')
                i++;
            row.push(cell);
            cell = '';
            if (row.length > 1 || row[0] !== '')
                out.push(row);
            row = [];
        }
        else
            cell += c;
    }
    if (out.length < max && (cell !== '' || row.length)) {
        row.push(cell);
        out.push(row);
    }
    return out;
}
/** The data object of a JSON task row: its `data` when it has one (native and Label Studio rows), else the row itself. */
function dataOf(row) {
    if (!row || typeof row !== 'object' || Array.isArray(row))
        return null;
    const r = row;
    return r.data && typeof r.data === 'object' && !Array.isArray(r.data) ? r.data : r;
}
/**
 * The first rows of a data file and its columns (the data keys), or null when the head cannot be read
 * (a JSON array cut in the middle, an unknown format). `head` is the file's first bytes as text.
 */
export function previewFile(name, head, complete, max = 5) {
    const ext = name.toLowerCase().split('.').pop();
    let rows = [];
    if (ext === 'csv' || ext === 'tsv') {
        const records = parseDelimited(head, ext === 'tsv' ? '\t' : ',', max + 1 + (complete ? 0 : 1));
        // Without the whole file the last record may be cut short.
        const usable = complete ? records : records.slice(0, -1);
        const [header, ...body] = usable;
        if (!header)
            return null;
        rows = body.slice(0, max).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
        return { columns: header, rows };
    }
    if (ext === 'jsonl' || ext === 'ndjson') {
        const lines = head.split('\n').slice(0, complete ? undefined : -1).filter((l) => l.trim());
        for (const l of lines.slice(0, max)) {
            try {
                const d = dataOf(JSON.parse(l));
                if (d)
                    rows.push(d);
            }
            catch {
                return null;
            }
        }
    }
    else if (ext === 'json') {
        if (!complete)
            return null;
        try {
            const v = JSON.parse(head);
            const list = Array.isArray(v) ? v : [v];
            rows = list.slice(0, max).map(dataOf).filter((d) => d !== null);
        }
        catch {
            return null;
        }
    }
    else
        return null;
    const columns = [];
    for (const r of rows)
        for (const k of Object.keys(r))
            if (!columns.includes(k))
                columns.push(k);
    return { columns, rows };
}
/** CSV columns the server takes out of the data itself; they are never mapped to a field. */
const RESERVED = new Set(['key', 'priority']);
/** The mapping a file starts with: a column named like a field fills it; others keep their name. */
export function defaultMapping(columns) {
    return Object.fromEntries(columns.filter((c) => !RESERVED.has(c)).map((c) => [c, c]));
}
/** The `map` the server takes: only columns whose target differs from their name. */
export function mapParameter(mapping) {
    return Object.fromEntries(Object.entries(mapping).filter(([c, f]) => c !== f));
}
/** Schema fields no column fills under `mapping`. */
export function unfilledFields(schema, mapping) {
    const filled = new Set(Object.values(mapping));
    return schema.fields.map((f) => f.name).filter((f) => !filled.has(f));
}
