import { jsx as _jsx, jsxs as _jsxs } from "react/jsx-runtime";
import { useI18n } from '../i18n';
import { DEFAULT_COLORS } from '../lib/schema';
import { controlSummary, TEMPLATES } from '../lib/templates';
/** The gallery of ready schemas on the new-project page; choosing one hands its schema, in the reader's language, to the form. */
export function TemplateGallery({ chosen, onChoose }) {
    const { t, lang } = useI18n();
    return (_jsxs("div", { className: "card", "data-testid": "template-gallery", children: [_jsx("h3", { children: t('tpl.title') }), _jsx("div", { className: "tpl-grid", children: TEMPLATES.map((tpl) => {
                    const schema = tpl.schema(lang === 'zh-CN');
                    return (_jsxs("button", { type: "button", className: `tpl-card${chosen === tpl.id ? ' on' : ''}`, "aria-pressed": chosen === tpl.id, "data-testid": `template-${tpl.id}`, onClick: () => onChoose(tpl), children: [_jsxs("span", { className: "tpl-head", children: [_jsx("span", { className: "tpl-icon", "aria-hidden": true, children: tpl.icon }), _jsx("b", { children: t(`tpl.${tpl.id}.name`) })] }), _jsx("span", { className: "tpl-desc", children: t(`tpl.${tpl.id}.desc`) }), _jsxs("span", { className: "tpl-preview", "data-testid": `template-preview-${tpl.id}`, children: [schema.fields.map((f) => _jsx("span", { className: "tpl-field", children: f.type }, f.name)), schema.controls.map((c) => {
                                        const s = controlSummary(c);
                                        return (_jsxs("span", { className: "tpl-control", children: [_jsx("i", { children: s.type }), s.labels.slice(0, 3).map((l, i) => _jsx("span", { className: "tpl-chip", style: { borderColor: DEFAULT_COLORS[i % DEFAULT_COLORS.length] }, children: l }, l)), s.labels.length > 3 && _jsxs("span", { className: "muted", children: ["+", s.labels.length - 3] })] }, c.name));
                                    })] })] }, tpl.id));
                }) })] }));
}
