import { jsx as _jsx } from "react/jsx-runtime";
import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { useMemo } from 'react';
// Instructions are Markdown written by project managers and read by every annotator: rendered by
// `marked`, then cleaned by DOMPurify, so raw HTML in them never runs (no script, no event
// handler, no javascript: link). Links open in a new tab, away from the work on screen.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.getAttribute('href')) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
    }
});
/** Markdown as safe HTML: GitHub-flavoured, single line breaks kept (as people type instructions). */
export function markdownHtml(source) {
    const html = marked.parse(source, { async: false, gfm: true, breaks: true });
    return DOMPurify.sanitize(html, { FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select'], FORBID_ATTR: ['style'] });
}
export function Markdown({ source, className, testId }) {
    const html = useMemo(() => markdownHtml(source), [source]);
    return _jsx("div", { className: `markdown ${className ?? ''}`, "data-testid": testId, dangerouslySetInnerHTML: { __html: html } });
}
