import { jsx as _jsx } from "react/jsx-runtime";
import { createContext, useCallback, useContext, useMemo, useState } from 'react';
import { en } from './en';
import { zhCN } from './zh-CN';
const tables = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'yz.lang';
export function initialLang() {
    const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
    if (saved === 'en' || saved === 'zh-CN')
        return saved;
    const nav = typeof navigator !== 'undefined' ? navigator.language : 'en';
    return nav.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
export function translate(lang, key, vars) {
    const s = tables[lang][key] ?? en[key] ?? key;
    return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : s;
}
const Ctx = createContext({ lang: 'en', setLang: () => { }, t: (k, v) => translate('en', k, v) });
export function I18nProvider({ children }) {
    const [lang, setLangState] = useState(initialLang);
    const setLang = useCallback((l) => {
        localStorage.setItem(STORAGE_KEY, l);
        document.documentElement.lang = l;
        setLangState(l);
    }, []);
    const value = useMemo(() => ({ lang, setLang, t: (k, v) => translate(lang, k, v) }), [lang, setLang]);
    return _jsx(Ctx.Provider, { value: value, children: children });
}
export function useI18n() { return useContext(Ctx); }
export function useT() { return useContext(Ctx).t; }
