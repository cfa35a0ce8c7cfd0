import { jsx as _jsx, jsxs as _jsxs } from "react/jsx-runtime";
import { useMemo, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api';
import { errorText } from '../api/queries';
import { fieldLines, problemHead } from '../api/problems';
import { useI18n, useT } from '../i18n';
import { STARTER_SCHEMA, sampleData } from '../lib/sample';
import { navigate } from '../router';
import { useSession } from '../session';
import { FieldErrors, SchemaEditorCard, useSchemaDraft } from './SchemaDraft';
import { SchemaPreview } from './SchemaPreview';
import { TemplateGallery } from './TemplateGallery';
export function NewProjectPage() {
    const t = useT();
    const { lang } = useI18n();
    const { org } = useSession();
    const queryClient = useQueryClient();
    const [name, setName] = useState('');
    const [instructions, setInstructions] = useState('');
    const [overlap, setOverlap] = useState(1);
    const [leaseSeconds, setLeaseSeconds] = useState(1800);
    const [order, setOrder] = useState('priority');
    const [review, setReview] = useState('none');
    const [percent, setPercent] = useState(10);
    const draft = useSchemaDraft(STARTER_SCHEMA);
    const { schema } = draft;
    const [template, setTemplate] = useState(null);
    const choose = (tpl) => { draft.setSchema(tpl.schema(lang === 'zh-CN')); draft.setTab('form'); setTemplate(tpl.id); };
    const fieldsKey = JSON.stringify(schema.fields);
    const [sampleText, setSampleText] = useState('');
    // New fields get new sample data; other schema edits keep what the person typed into it.
    const [sampleFor, setSampleFor] = useState(null);
    if (sampleFor !== fieldsKey) {
        setSampleFor(fieldsKey);
        setSampleText(JSON.stringify(sampleData(schema), null, 2));
    }
    const sample = useMemo(() => { try {
        return JSON.parse(sampleText);
    }
    catch {
        return null;
    } }, [sampleText]);
    const creating = useMutation({
        mutationFn: (body) => api.createProject(body),
        onSuccess: (p) => {
            void queryClient.invalidateQueries({ queryKey: ['projects'] });
            navigate(`/projects/${p.id}/import`);
        },
    });
    const createError = creating.error;
    const errorLines = createError ? fieldLines(createError.problem, t) : [];
    const error = createError ? (errorLines.length ? problemHead(createError.problem, t) : errorText(createError, t)) : null;
    const create = (e) => {
        e.preventDefault();
        if (!org)
            return;
        draft.checking.reset();
        creating.mutate({
            organizationId: org.id, name, instructions, overlap, leaseSeconds, order,
            review: { policy: review, percent: review === 'sample' ? percent : 0 },
            ...draft.body(),
        });
    };
    const busy = creating.isPending;
    return (_jsxs("form", { className: "page wide", onSubmit: create, "data-testid": "new-project-form", children: [_jsx("div", { className: "page-head", children: _jsx("h1", { children: t('create.title') }) }), _jsx(TemplateGallery, { chosen: template, onChoose: choose }), _jsxs("div", { className: "two-col", children: [_jsxs("div", { children: [_jsxs("div", { className: "card form-grid", children: [_jsxs("label", { children: [t('create.name'), _jsx("input", { required: true, "data-testid": "project-name", value: name, onChange: (e) => setName(e.target.value) })] }), _jsxs("label", { children: [t('settings.instructions'), _jsx("textarea", { rows: 4, "data-testid": "project-instructions", value: instructions, onChange: (e) => setInstructions(e.target.value), placeholder: t('settings.instructionsHint') })] }), _jsxs("div", { className: "row wrap", children: [_jsxs("label", { children: [t('create.overlap'), _jsx("input", { type: "number", min: 1, max: 20, "data-testid": "project-overlap", value: overlap, onChange: (e) => setOverlap(Number(e.target.value)) })] }), _jsxs("label", { children: [t('create.lease'), _jsx("input", { type: "number", min: 60, "data-testid": "project-lease", value: leaseSeconds, onChange: (e) => setLeaseSeconds(Number(e.target.value)) })] }), _jsxs("label", { children: [t('create.order'), _jsxs("select", { "data-testid": "project-order", value: order, onChange: (e) => setOrder(e.target.value), children: [_jsx("option", { value: "priority", children: t('create.order.priority') }), _jsx("option", { value: "random", children: t('create.order.random') }), _jsx("option", { value: "least_annotated", children: t('create.order.least_annotated') })] })] }), _jsxs("label", { children: [t('create.review'), _jsxs("select", { "data-testid": "project-review", value: review, onChange: (e) => setReview(e.target.value), children: [_jsx("option", { value: "none", children: t('create.review.none') }), _jsx("option", { value: "sample", children: t('create.review.sample') }), _jsx("option", { value: "all", children: t('create.review.all') })] })] }), review === 'sample' && _jsxs("label", { children: [t('create.review.percent'), _jsx("input", { type: "number", min: 1, max: 100, value: percent, onChange: (e) => setPercent(Number(e.target.value)) })] })] })] }), _jsxs("div", { className: "card", children: [template && _jsx("div", { className: "banner info", "data-testid": "template-chosen", children: t('tpl.chosen', { name: t(`tpl.${template}.name`) }) }), _jsx(SchemaEditorCard, { draft: draft, onCheck: () => creating.reset() })] }), _jsx(FieldErrors, { error: createError, testId: "create-errors" }), error && _jsx("div", { className: "banner error", role: "alert", children: error }), _jsx("button", { type: "submit", className: "primary", disabled: busy || !!draft.jsonError, "data-testid": "create-submit", children: t('create.submit') })] }), _jsx("div", { children: _jsxs("div", { className: "card", children: [_jsx("h3", { children: t('create.preview') }), sample && _jsx(SchemaPreview, { schema: schema, data: sample }), _jsxs("details", { children: [_jsx("summary", { children: t('create.sample') }), _jsx("textarea", { className: "code", rows: 8, spellCheck: false, "data-testid": "sample-data", value: sampleText, onChange: (e) => setSampleText(e.target.value) })] })] }) })] })] }));
}
