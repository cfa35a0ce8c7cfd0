import { jsx as _jsx, jsxs as _jsxs, Fragment as _Fragment } from "react/jsx-runtime";
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api';
import { errorText, keys, useMembers } from '../api/queries';
import { fieldMessages } from '../api/problems';
import { useT } from '../i18n';
import { useSession } from '../session';
export const ROLES = ['admin', 'manager', 'annotator', 'reviewer', 'trainer'];
function RolePicker({ value, onChange, testId }) {
    const t = useT();
    return (_jsx("span", { className: "row wrap", "data-testid": testId, children: ROLES.map((r) => (_jsxs("label", { className: "check", children: [_jsx("input", { type: "checkbox", checked: value.includes(r), "data-testid": `${testId}-${r}`, onChange: (e) => onChange(e.target.checked ? [...value, r] : value.filter((x) => x !== r)) }), t(`role.${r}`)] }, r))) }));
}
/** The current organisation's people and roles; admins add and remove people and change roles. */
export function MembersPage() {
    const t = useT();
    const { org } = useSession();
    const queryClient = useQueryClient();
    const list = useMembers(org?.id ?? 0, !!org);
    const [form, setForm] = useState({ email: '', name: '', password: '', roles: ['annotator'] });
    const [editing, setEditing] = useState(null);
    const isAdmin = !!org?.roles.includes('admin');
    const refresh = () => queryClient.invalidateQueries({ queryKey: keys.members(org?.id ?? 0) });
    const adding = useMutation({
        mutationFn: (m) => api.addMember(org.id, m),
        onSuccess: () => { setForm({ email: '', name: '', password: '', roles: ['annotator'] }); return refresh(); },
    });
    const changing = useMutation({
        mutationFn: ({ m, roles }) => api.addMember(org.id, { email: m.email, roles }),
        onSuccess: () => { setEditing(null); return refresh(); },
    });
    const removing = useMutation({
        mutationFn: (m) => api.removeMember(org.id, m.userId),
        onSuccess: refresh,
    });
    if (!org)
        return _jsx("div", { className: "page", children: _jsx("p", { className: "empty-state", children: t('members.noOrg') }) });
    const members = list.data ?? (list.error ? [] : null);
    const added = adding.data?.email ?? null;
    const addError = adding.error;
    const fieldErrors = addError ? fieldMessages(addError.problem, t) : {};
    const failure = list.error ?? (addError && !Object.keys(fieldErrors).length ? addError : null) ?? changing.error ?? removing.error;
    const error = !failure ? null
        : list.error instanceof ApiError && list.error.status === 403 ? t('members.forbidden')
            : errorText(failure, t);
    const busy = adding.isPending;
    const resetAll = () => { adding.reset(); changing.reset(); removing.reset(); };
    const submit = (e) => {
        e.preventDefault();
        resetAll();
        adding.mutate({ email: form.email.trim(), name: form.name.trim() || undefined, password: form.password || undefined, roles: form.roles });
    };
    const saveRoles = (m, roles) => { resetAll(); changing.mutate({ m, roles }); };
    const remove = (m) => {
        if (!window.confirm(t('members.removeConfirm', { name: m.name, org: org.name })))
            return;
        resetAll();
        removing.mutate(m);
    };
    const fieldError = (k) => fieldErrors[k] ? _jsx("span", { className: "field-error", "data-testid": `member-error-${k}`, children: fieldErrors[k] }) : null;
    return (_jsxs("div", { className: "page", children: [_jsx("div", { className: "page-head", children: _jsx("h1", { children: t('members.title', { org: org.name }) }) }), error && _jsx("div", { className: "banner error", role: "alert", "data-testid": "members-error", children: error }), isAdmin && (_jsxs("form", { className: "card form-grid", onSubmit: submit, "data-testid": "member-form", children: [_jsx("h3", { children: t('members.add') }), _jsxs("div", { className: "row wrap", children: [_jsxs("label", { children: [t('login.email'), _jsx("input", { type: "email", required: true, value: form.email, onChange: (e) => setForm({ ...form, email: e.target.value }), "data-testid": "member-email" }), fieldError('email')] }), _jsxs("label", { children: [t('members.name'), _jsx("input", { value: form.name, onChange: (e) => setForm({ ...form, name: e.target.value }), "data-testid": "member-name" })] }), _jsxs("label", { children: [t('members.password'), _jsx("input", { type: "password", autoComplete: "new-password", value: form.password, onChange: (e) => setForm({ ...form, password: e.target.value }), "data-testid": "member-password" }), fieldError('password')] })] }), _jsxs("div", { children: [_jsx(RolePicker, { value: form.roles, onChange: (roles) => setForm({ ...form, roles }), testId: "member-roles" }), fieldError('roles')] }), _jsx("p", { className: "muted small", children: t('members.addHint') }), _jsx("div", { children: _jsx("button", { type: "submit", className: "primary", disabled: busy || !form.email.trim() || !form.roles.length, "data-testid": "member-add", children: t('members.addButton') }) }), added && _jsx("div", { className: "banner ok", "data-testid": "member-added", children: t('members.added', { email: added }) })] })), !members ? _jsx("p", { className: "muted", children: t('common.loading') }) : members.length > 0 && (_jsxs("table", { className: "grid", "data-testid": "member-table", children: [_jsx("thead", { children: _jsxs("tr", { children: [_jsx("th", { children: t('members.name') }), _jsx("th", { children: t('login.email') }), _jsx("th", { children: t('members.roles') }), isAdmin && _jsx("th", {})] }) }), _jsx("tbody", { children: members.map((m) => (_jsxs("tr", { "data-testid": `member-row-${m.email}`, children: [_jsx("td", { children: m.name }), _jsx("td", { className: "mono small", children: m.email }), _jsx("td", { children: editing?.userId === m.userId
                                        ? _jsx(RolePicker, { value: editing.roles, onChange: (roles) => setEditing({ userId: m.userId, roles }), testId: `member-edit-${m.userId}` })
                                        : m.roles.map((r) => _jsx("span", { className: `role-pill ${r}`, children: t(`role.${r}`) }, r)) }), isAdmin && (_jsx("td", { className: "right", children: editing?.userId === m.userId ? _jsxs(_Fragment, { children: [_jsx("button", { type: "button", className: "primary", disabled: !editing.roles.length, onClick: () => saveRoles(m, editing.roles), "data-testid": "member-save-roles", children: t('common.save') }), _jsx("button", { type: "button", onClick: () => setEditing(null), children: t('common.cancel') })] }) : _jsxs(_Fragment, { children: [_jsx("button", { type: "button", onClick: () => setEditing({ userId: m.userId, roles: m.roles }), "data-testid": `member-edit-roles-${m.userId}`, children: t('members.editRoles') }), _jsx("button", { type: "button", className: "danger", onClick: () => remove(m), "data-testid": `member-remove-${m.userId}`, children: t('members.remove') })] }) }))] }, m.userId))) })] }))] }));
}
