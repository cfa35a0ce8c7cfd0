import { jsx as _jsx, jsxs as _jsxs } from "react/jsx-runtime";
import { useT } from '../i18n';
/** What a person sees on a page their roles do not include (a link from elsewhere, a typed URL). */
export function NotAllowed({ inline = false }) {
    const t = useT();
    const body = (_jsxs("div", { className: "banner error", role: "alert", "data-testid": "not-allowed", children: [_jsx("b", { children: t('denied.title') }), " ", t('denied.body'), " ", _jsx("a", { href: "#/", "data-testid": "not-allowed-home", children: t('denied.home') })] }));
    return inline ? body : _jsx("div", { className: "page", children: body });
}
