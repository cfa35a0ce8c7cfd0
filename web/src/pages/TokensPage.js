import { jsx as _jsx, jsxs as _jsxs } from "react/jsx-runtime";
import { useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api';
import { errorText, keys } from '../api/queries';
import { useI18n } from '../i18n';
/** The signed-in person's API tokens: list, create (the secret shown once), revoke. */
export function TokensPage() {
    const { t, lang } = useI18n();
    const queryClient = useQueryClient();
    const list = useQuery({ queryKey: keys.tokens, queryFn: api.tokens });
    const tokens = list.data;
    const [name, setName] = useState('');
    // The secret lives only in this state: the server keeps its hash, so after this page is left
    // nobody can show it again.
    const [created, setCreated] = useState(null);
    const [copied, setCopied] = useState(false);
    const secretRef = useRef(null);
    const refresh = () => queryClient.invalidateQueries({ queryKey: keys.tokens });
    const creating = useMutation({
        mutationFn: (n) => api.createToken(n),
        onMutate: () => { revoking.reset(); setCopied(false); },
        onSuccess: async (tok) => { setCreated(tok); setName(''); await refresh(); },
    });
    const revoking = useMutation({
        mutationFn: (tok) => api.deleteToken(tok.id),
        onMutate: () => creating.reset(),
        onSuccess: async (_, tok) => { if (created?.id === tok.id)
            setCreated(null); await refresh(); },
    });
    const busy = creating.isPending;
    const failure = creating.error ?? revoking.error ?? list.error;
    const error = !failure ? null
        : errorText(failure, t);
    const create = (e) => {
        e.preventDefault();
        creating.mutate(name.trim());
    };
    const copy = async () => {
        if (!created?.token)
            return;
        try {
            await navigator.clipboard.writeText(created.token);
        }
        catch {
            // No clipboard API (plain-http LAN address): select the text for Ctrl+C instead.
            secretRef.current?.select();
            document.execCommand('copy');
        }
        setCopied(true);
    };
    const revoke = (tok) => {
        if (!window.confirm(t('tokens.confirmRevoke', { name: tok.name })))
            return;
        revoking.mutate(tok);
    };
    return (_jsxs("div", { className: "page", children: [_jsx("div", { className: "page-head", children: _jsx("h1", { children: t('tokens.title') }) }), _jsx("p", { className: "muted", children: t('tokens.intro') }), _jsxs("form", { className: "card row wrap", onSubmit: create, "data-testid": "token-form", children: [_jsxs("label", { className: "row", children: [t('tokens.name'), _jsx("input", { value: name, onChange: (e) => setName(e.target.value), maxLength: 100, placeholder: t('tokens.namePlaceholder'), "data-testid": "token-name" })] }), _jsx("button", { type: "submit", className: "primary", disabled: busy || !name.trim(), "data-testid": "token-create", children: t('tokens.create') })] }), error && _jsx("div", { className: "banner error", role: "alert", "data-testid": "token-error", children: error }), created?.token && (_jsxs("div", { className: "banner ok secret", "data-testid": "token-created", role: "status", children: [_jsx("b", { children: t('tokens.createdOnce', { name: created.name }) }), _jsx("input", { ref: secretRef, readOnly: true, className: "mono grow", value: created.token, onFocus: (e) => e.target.select(), "data-testid": "token-secret" }), _jsx("button", { type: "button", onClick: () => void copy(), "data-testid": "token-copy", children: copied ? t('tokens.copied') : t('tokens.copy') }), _jsx("button", { type: "button", className: "link", onClick: () => setCreated(null), "data-testid": "token-dismiss", children: t('common.close') })] })), !tokens ? _jsx("p", { className: "muted", children: t('common.loading') }) : tokens.length === 0 ? _jsx("p", { className: "empty-state", "data-testid": "tokens-empty", children: t('tokens.empty') }) : (_jsxs("table", { className: "grid", "data-testid": "token-table", children: [_jsx("thead", { children: _jsxs("tr", { children: [_jsx("th", { children: t('tokens.name') }), _jsx("th", { children: t('tokens.created') }), _jsx("th", {})] }) }), _jsx("tbody", { children: tokens.map((tok) => (_jsxs("tr", { "data-testid": `token-row-${tok.id}`, children: [_jsx("td", { children: tok.name }), _jsx("td", { className: "muted", children: tok.createdAt ? new Date(tok.createdAt).toLocaleString(lang) : '' }), _jsx("td", { className: "right", children: _jsx("button", { type: "button", className: "danger", onClick: () => revoke(tok), "data-testid": `token-revoke-${tok.id}`, children: t('tokens.revoke') }) })] }, tok.id))) })] }))] }));
}
