import { jsx as _jsx, jsxs as _jsxs, Fragment as _Fragment } from "react/jsx-runtime";
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api } from '../api';
import { fieldLines } from '../api/problems';
import { errorText } from '../api/queries';
import { useT } from '../i18n';
import { SchemaForm } from './SchemaEditor';
/** A label schema being edited three ways (form, JSON, Label Studio XML), as the new-project page and the settings tab hold it. */
export function useSchemaDraft(initial) {
    const [schema, setSchemaState] = useState(initial);
    const [json, setJsonText] = useState(JSON.stringify(initial, null, 2));
    const [jsonError, setJsonError] = useState(null);
    const [xml, setXmlText] = useState('');
    const [tab, setTab] = useState('form');
    const [check, setCheck] = useState(null);
    const t = useT();
    const checking = useMutation({
        mutationFn: () => api.checkSchema(tab === 'xml' ? { labelStudioXml: xml } : { schema }),
        onSuccess: setCheck,
    });
    const setSchema = (s) => { setSchemaState(s); setJsonText(JSON.stringify(s, null, 2)); setJsonError(null); setCheck(null); };
    const setJson = (text) => {
        setJsonText(text);
        setCheck(null);
        try {
            const v = JSON.parse(text);
            if (!Array.isArray(v.fields) || !Array.isArray(v.controls))
                throw new Error('fields / controls');
            setSchemaState(v);
            setJsonError(null);
        }
        catch (e) {
            setJsonError(t('create.jsonError', { message: e.message }));
        }
    };
    const setXml = (text) => { setXmlText(text); setCheck(null); };
    /** What a create or PATCH body carries: the XML while its tab is open, else the schema. */
    const body = () => (tab === 'xml' ? { labelStudioXml: xml } : { schema });
    return { schema, setSchema, json, setJson, jsonError, xml, setXml, tab, setTab, check, checking, body };
}
/** A Label Studio tag the conversion left out, as `<Taxonomy> named “topic”`. */
export function unmappedLabel(t, u) {
    return u.name ? t('create.unmappedTag', { tag: u.tag, name: u.name }) : `<${u.tag}>`;
}
/** The schema editor: form, JSON and XML tabs, a check against the server, the conversion of XML. */
export function SchemaEditorCard({ draft, onCheck }) {
    const t = useT();
    const { tab, check } = draft;
    return (_jsxs(_Fragment, { children: [_jsxs("div", { className: "tabs", role: "tablist", children: [['form', 'json', 'xml'].map((x) => (_jsx("button", { type: "button", role: "tab", "aria-selected": tab === x, "data-testid": `schema-tab-${x}`, className: tab === x ? 'on' : '', onClick: () => draft.setTab(x), children: t(`create.tab.${x}`) }, x))), _jsx("span", { className: "grow" }), _jsx("button", { type: "button", "data-testid": "schema-check", onClick: () => { onCheck?.(); draft.checking.mutate(); }, children: t('create.check') })] }), tab === 'form' && _jsx(SchemaForm, { schema: draft.schema, onChange: draft.setSchema }), tab === 'json' && _jsxs(_Fragment, { children: [_jsx("textarea", { className: "code", rows: 22, spellCheck: false, "data-testid": "schema-json", value: draft.json, onChange: (e) => draft.setJson(e.target.value) }), draft.jsonError && _jsx("div", { className: "banner error", "data-testid": "schema-json-error", children: draft.jsonError })] }), tab === 'xml' && _jsxs(_Fragment, { children: [_jsx("p", { className: "muted small", children: t('create.xmlHint') }), _jsx("textarea", { className: "code", rows: 16, spellCheck: false, "data-testid": "schema-xml", value: draft.xml, onChange: (e) => draft.setXml(e.target.value), placeholder: '<View>\n  <Text name="text" value="$text"/>\n  <Labels name="ner" toName="text">\n    <Label value="PER"/>\n  </Labels>\n</View>' })] }), draft.checking.error && _jsx("div", { className: "banner error", role: "alert", children: errorText(draft.checking.error, t) }), check && (_jsxs("div", { "data-testid": "schema-check-result", children: [check.errors.length === 0 ? _jsx("div", { className: "banner ok", children: t('create.checkOk') }) : (_jsx("ul", { className: "banner error", children: check.errors.map((x, i) => _jsxs("li", { children: [_jsx("code", { children: x.path }), " ", x.message] }, i)) })), check.unmapped.length > 0 && _jsx("div", { className: "banner warn", "data-testid": "schema-unmapped", children: t('create.unmapped', { tags: check.unmapped.map((u) => unmappedLabel(t, u)).join(', ') }) }), tab === 'xml' && check.schema && (_jsx("button", { type: "button", "data-testid": "schema-use-converted", onClick: () => { draft.setSchema(check.schema); draft.setTab('form'); }, children: t('create.useConverted') }))] }))] }));
}
/** A refusal's field errors in words (where, then what), as a list; nothing when it names no field. */
export function FieldErrors({ error, testId }) {
    const t = useT();
    const lines = error ? fieldLines(error.problem, t) : [];
    if (lines.length === 0)
        return null;
    return _jsx("ul", { className: "banner error", "data-testid": testId, children: lines.map((line, i) => _jsx("li", { children: line }, i)) });
}
