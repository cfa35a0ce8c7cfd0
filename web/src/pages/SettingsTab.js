import { jsx as _jsx, jsxs as _jsxs, Fragment as _Fragment } from "react/jsx-runtime";
import { useMemo, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api';
import { fieldLines } from '../api/problems';
import { errorText, keys } from '../api/queries';
import { useI18n } from '../i18n';
import { Markdown } from '../lib/Markdown';
import { sampleData } from '../lib/sample';
import { navigate } from '../router';
import { FieldErrors, SchemaEditorCard, useSchemaDraft } from './SchemaDraft';
import { SchemaPreview } from './SchemaPreview';
/** What the settings form edits, as the project holds it. */
function formOf(p) {
    return {
        name: p.name, instructions: p.instructions, overlap: p.overlap, leaseSeconds: p.leaseSeconds, order: p.order,
        policy: p.review.policy, percent: p.review.percent || 10,
        goldRate: p.quality.goldRate, goldThreshold: p.quality.goldThreshold, goldMinimum: p.quality.goldMinimum,
        dynamic: p.quality.overlapMax != null, overlapMax: p.quality.overlapMax ?? Math.max(p.overlap + 2, 3), confidenceTarget: p.quality.confidenceTarget ?? 0.9,
    };
}
function patchOf(f) {
    return {
        name: f.name, instructions: f.instructions, overlap: f.overlap, leaseSeconds: f.leaseSeconds, order: f.order,
        review: { policy: f.policy, percent: f.policy === 'sample' ? f.percent : 0 },
        quality: {
            goldRate: f.goldRate, goldThreshold: f.goldThreshold, goldMinimum: f.goldMinimum,
            ...(f.dynamic ? { overlapMax: f.overlapMax, confidenceTarget: f.confidenceTarget } : { dynamicOverlap: false }),
        },
    };
}
/** The project's settings: what a manager changes, and what every member may read. */
export function SettingsTab({ project, canManage }) {
    const { t } = useI18n();
    if (!canManage) {
        return (_jsxs("div", { className: "two-col", children: [_jsxs("div", { children: [project.instructions && _jsxs("div", { className: "card", children: [_jsx("h3", { children: t('project.instructions') }), _jsx(Markdown, { source: project.instructions, testId: "settings-instructions-view" })] }), _jsx("pre", { className: "json card", "data-testid": "project-schema", children: JSON.stringify(project.schema, null, 2) })] }), _jsx("div", { className: "card", children: _jsx(SchemaPreview, { schema: project.schema, data: sampleData(project.schema) }) })] }));
    }
    return (_jsx("div", { className: "settings", "data-testid": "settings", children: _jsxs("div", { className: "two-col", children: [_jsx(GeneralSettings, { project: project }, `${project.id}`), _jsxs("div", { children: [_jsx(SchemaSettings, { project: project }, project.id), _jsx(DangerZone, { project: project })] })] }) }));
}
function useSaveProject(project, onSaved) {
    const queryClient = useQueryClient();
    return useMutation({
        mutationFn: (patch) => api.updateProject(project.id, patch),
        onSuccess: (p) => {
            queryClient.setQueryData(keys.project(project.id), p);
            onSaved?.(p);
            void queryClient.invalidateQueries({ queryKey: ['projects'] });
        },
    });
}
function GeneralSettings({ project }) {
    const { t } = useI18n();
    const [form, setForm] = useState(() => formOf(project));
    const saving = useSaveProject(project);
    const set = (k, v) => { setForm((f) => ({ ...f, [k]: v })); saving.reset(); };
    // Compared as the PATCH would send them: a hidden value (the dynamic-overlap pair while it is off) is no change.
    const dirty = JSON.stringify(patchOf(form)) !== JSON.stringify(patchOf(formOf(project)));
    const failure = saving.error;
    const num = (k) => (e) => set(k, Number(e.target.value));
    return (_jsxs("form", { className: "card form-grid", "data-testid": "settings-form", onSubmit: (e) => { e.preventDefault(); saving.mutate(patchOf(form)); }, children: [_jsx("h3", { children: t('settings.general') }), _jsxs("label", { children: [t('settings.name'), _jsx("input", { required: true, maxLength: 200, "data-testid": "settings-name", value: form.name, onChange: (e) => set('name', e.target.value) })] }), _jsxs("div", { className: "md-edit", children: [_jsxs("label", { children: [t('settings.instructions'), _jsx("textarea", { rows: 10, "data-testid": "settings-instructions", value: form.instructions, onChange: (e) => set('instructions', e.target.value) })] }), _jsxs("div", { className: "md-preview", children: [_jsx("span", { className: "muted small", children: t('settings.instructionsPreview') }), form.instructions.trim()
                                ? _jsx(Markdown, { source: form.instructions, testId: "settings-instructions-preview" })
                                : _jsx("p", { className: "muted", children: t('settings.instructionsEmpty') })] })] }), _jsx("p", { className: "muted small", children: t('settings.instructionsHint') }), _jsx("h3", { children: t('settings.work') }), _jsxs("div", { className: "row wrap", children: [_jsxs("label", { children: [t('create.overlap'), _jsx("input", { type: "number", min: 1, max: 100, "data-testid": "settings-overlap", value: form.overlap, onChange: num('overlap') })] }), _jsxs("label", { children: [t('create.lease'), _jsx("input", { type: "number", min: 30, max: 604800, "data-testid": "settings-lease", value: form.leaseSeconds, onChange: num('leaseSeconds') })] }), _jsxs("label", { children: [t('create.order'), _jsx("select", { "data-testid": "settings-order", value: form.order, onChange: (e) => set('order', e.target.value), children: ['priority', 'random', 'least_annotated'].map((o) => _jsx("option", { value: o, children: t(`create.order.${o}`) }, o)) })] }), _jsxs("label", { children: [t('create.review'), _jsx("select", { "data-testid": "settings-review", value: form.policy, onChange: (e) => set('policy', e.target.value), children: ['none', 'sample', 'all'].map((o) => _jsx("option", { value: o, children: t(`create.review.${o}`) }, o)) })] }), form.policy === 'sample' && _jsxs("label", { children: [t('create.review.percent'), _jsx("input", { type: "number", min: 1, max: 100, "data-testid": "settings-percent", value: form.percent, onChange: num('percent') })] })] }), _jsx("h3", { children: t('settings.quality') }), _jsxs("div", { className: "row wrap", children: [_jsxs("label", { children: [t('settings.goldRate'), _jsx("input", { type: "number", min: 0, max: 50, "data-testid": "settings-gold-rate", value: form.goldRate, onChange: num('goldRate') })] }), _jsxs("label", { children: [t('settings.goldThreshold'), _jsx("input", { type: "number", min: 0, max: 1, step: 0.05, "data-testid": "settings-gold-threshold", value: form.goldThreshold, onChange: num('goldThreshold') })] }), _jsxs("label", { children: [t('settings.goldMinimum'), _jsx("input", { type: "number", min: 1, max: 1000, "data-testid": "settings-gold-minimum", value: form.goldMinimum, onChange: num('goldMinimum') })] })] }), _jsxs("label", { className: "check", children: [_jsx("input", { type: "checkbox", "data-testid": "settings-dynamic", checked: form.dynamic, onChange: (e) => set('dynamic', e.target.checked) }), " ", t('settings.dynamic')] }), form.dynamic && (_jsxs("div", { className: "row wrap", children: [_jsxs("label", { children: [t('settings.overlapMax'), _jsx("input", { type: "number", min: form.overlap, max: 100, "data-testid": "settings-overlap-max", value: form.overlapMax, onChange: num('overlapMax') })] }), _jsxs("label", { children: [t('settings.confidenceTarget'), _jsx("input", { type: "number", min: 0.5, max: 0.99, step: 0.01, "data-testid": "settings-confidence", value: form.confidenceTarget, onChange: num('confidenceTarget') })] })] })), _jsx(FieldErrors, { error: failure, testId: "settings-errors" }), failure && Object.keys(failure.errors).length === 0 && _jsx("div", { className: "banner error", role: "alert", children: errorText(failure, t) }), _jsxs("div", { className: "row", children: [_jsx("button", { type: "submit", className: "primary", disabled: saving.isPending || !dirty, "data-testid": "settings-save", children: t('settings.save') }), dirty && _jsx("span", { className: "muted small", "data-testid": "settings-dirty", children: t('settings.unsaved') }), saving.isSuccess && !dirty && _jsx("span", { className: "ok-text", "data-testid": "settings-saved", role: "status", children: t('settings.saved') })] })] }));
}
function SchemaSettings({ project }) {
    const { t } = useI18n();
    const draft = useSchemaDraft(project.schema);
    // The saved schema, as the server made it canonical, is the new starting point (XML becomes the form).
    const saving = useSaveProject(project, (p) => { draft.setSchema(p.schema); draft.setXml(''); draft.setTab('form'); });
    const failure = saving.error;
    const fieldsKey = JSON.stringify(draft.schema.fields);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- new sample data only when the fields change
    const sample = useMemo(() => sampleData(draft.schema), [fieldsKey]);
    const changed = draft.tab === 'xml' ? draft.xml.trim() !== '' : JSON.stringify(draft.schema) !== JSON.stringify(project.schema);
    return (_jsxs("div", { className: "card", "data-testid": "settings-schema", children: [_jsx("h3", { children: t('settings.schema') }), project.hasAnnotations && _jsx("div", { className: "banner warn", "data-testid": "schema-locked", children: t('settings.schemaLocked') }), _jsx(SchemaEditorCard, { draft: draft, onCheck: () => saving.reset() }), failure && (_jsxs("div", { className: "banner error stack", role: "alert", "data-testid": "schema-refused", children: [_jsx("b", { children: t('settings.schemaRefused') }), Object.keys(failure.errors).length === 0 ? _jsx("span", { children: errorText(failure, t) }) : _jsxs(_Fragment, { children: [project.hasAnnotations && _jsx("span", { children: t('settings.schemaRefusedWhy') }), _jsx("ul", { "data-testid": "schema-save-errors", children: fieldLines(failure.problem, t).map((line, i) => _jsx("li", { children: line }, i)) })] })] })), _jsxs("div", { className: "row", children: [_jsx("button", { type: "button", className: "primary", "data-testid": "schema-save", disabled: !changed || saving.isPending || !!draft.jsonError, onClick: () => saving.mutate(draft.body()), children: t('settings.schemaSave') }), changed && _jsx("button", { type: "button", "data-testid": "schema-reset", onClick: () => { draft.setSchema(project.schema); draft.setXml(''); draft.setTab('form'); saving.reset(); }, children: t('settings.schemaReset') }), saving.isSuccess && !changed && _jsx("span", { className: "ok-text", role: "status", "data-testid": "schema-saved", children: t('settings.schemaSaved') })] }), _jsx("h3", { className: "spaced", children: t('create.preview') }), _jsx(SchemaPreview, { schema: draft.schema, data: sample })] }));
}
function DangerZone({ project }) {
    const { t, lang } = useI18n();
    const queryClient = useQueryClient();
    const archiving = useSaveProject(project);
    const [confirm, setConfirm] = useState('');
    const deleting = useMutation({
        mutationFn: () => api.deleteProject(project.id),
        onSuccess: () => {
            queryClient.removeQueries({ queryKey: keys.project(project.id) });
            void queryClient.invalidateQueries({ queryKey: ['projects'] });
            navigate('/');
        },
    });
    const failure = archiving.error ?? deleting.error;
    return (_jsxs("div", { className: "card danger-zone", "data-testid": "danger-zone", children: [_jsx("h3", { children: t('settings.danger') }), project.archivedAt && _jsx("div", { className: "banner info", "data-testid": "archived-banner", children: t('settings.archived', { date: new Date(project.archivedAt).toLocaleDateString(lang) }) }), _jsx("p", { className: "muted small", children: t('settings.archiveHint') }), _jsx("button", { type: "button", "data-testid": project.archivedAt ? 'project-unarchive' : 'project-archive', disabled: archiving.isPending, onClick: () => archiving.mutate({ archived: !project.archivedAt }), children: project.archivedAt ? t('settings.unarchive') : t('settings.archive') }), _jsx("hr", {}), _jsx("p", { className: "muted small", children: t('settings.deleteHint') }), _jsxs("div", { className: "row wrap", children: [_jsx("input", { "aria-label": t('settings.deleteConfirm', { name: project.name }), placeholder: t('settings.deleteConfirm', { name: project.name }), "data-testid": "delete-confirm", value: confirm, onChange: (e) => setConfirm(e.target.value), className: "grow" }), _jsx("button", { type: "button", className: "danger", "data-testid": "project-delete", disabled: confirm.trim() !== project.name || deleting.isPending, onClick: () => deleting.mutate(), children: t('settings.delete') })] }), failure && _jsx("div", { className: "banner error", role: "alert", children: errorText(failure, t) })] }));
}
