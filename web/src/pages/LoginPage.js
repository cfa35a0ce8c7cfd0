import { jsxs as _jsxs, jsx as _jsx } from "react/jsx-runtime";
import { useState } from 'react';
import { api } from '../api';
import { errorText } from '../api/queries';
import { useT } from '../i18n';
export function LoginPage({ onLoggedIn, langButton, error: initialError }) {
    const t = useT();
    const [email, setEmail] = useState('');
    const [password, setPassword] = useState('');
    const [error, setError] = useState(initialError);
    const [busy, setBusy] = useState(false);
    const submit = async (e) => {
        e.preventDefault();
        setBusy(true);
        try {
            await api.login(email, password);
            onLoggedIn();
        }
        catch (err) {
            const a = err;
            setError(a.isNetwork ? t('common.networkError') : a.status === 401 || a.status === 400 ? t('login.failed') : a.status === 429 ? t('login.paused') : errorText(a, t));
        }
        finally {
            setBusy(false);
        }
    };
    return (_jsx("div", { className: "login", children: _jsxs("form", { className: "card login-card", onSubmit: (e) => void submit(e), "data-testid": "login-form", children: [_jsxs("div", { className: "login-head", children: [_jsxs("h1", { children: ["\u2601 ", t('login.title')] }), langButton] }), _jsxs("label", { children: [t('login.email'), _jsx("input", { "data-testid": "login-email", type: "email", autoComplete: "username", required: true, autoFocus: true, value: email, onChange: (e) => setEmail(e.target.value) })] }), _jsxs("label", { children: [t('login.password'), _jsx("input", { "data-testid": "login-password", type: "password", autoComplete: "current-password", required: true, value: password, onChange: (e) => setPassword(e.target.value) })] }), error && _jsx("div", { className: "banner error", role: "alert", "data-testid": "login-error", children: error }), _jsx("button", { type: "submit", className: "primary", disabled: busy, "data-testid": "login-submit", children: t('login.submit') })] }) }));
}
