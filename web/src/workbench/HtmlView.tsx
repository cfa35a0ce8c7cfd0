import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useT } from '../i18n';
import { cpToUtf16, utf16ToCp } from '../lib/codepoints';
import { htmlOffsetOf, htmlPieces, htmlRange, htmlTextOf, sanitizeHtml, type HtmlPiece } from '../lib/html';
import { labelsOf, type Control, type Span } from '../lib/schema';
import { addSpanFromUtf16 } from './state';
import { useWb } from './context';

interface Mark { key: string; id: string; left: number; top: number; width: number; height: number; color: string; first: boolean; label: string; sel: boolean; predicted: boolean }

/**
 * An `html` field: the task's HTML rendered after sanitising (lib/html.ts), text selected in it
 * becoming spans over its text content. Spans are drawn as marks over the text, in a layer of their
 * own, so the rendered tree stays exactly what was sanitised: the offsets the browser reads from a
 * selection are the ones the server counts.
 */
export function HtmlView({ field, html }: { field: string; html: string }) {
  const t = useT();
  const wb = useWb();
  const body = useRef<HTMLDivElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  const pieces = useRef<HtmlPiece[]>([]);
  const clean = useMemo(() => {
    const s = sanitizeHtml(html);
    return { ...s, text: htmlTextOf(s.fragment) };
  }, [html]);
  const text = clean.text;
  const spanControls = useMemo(() => wb.schema.controls.filter((c) => c.type === 'spans' && c.field === field), [wb.schema, field]);
  const drawControl = useCallback((): Control | undefined => spanControls.find((c) => c.name === wb.active) ?? spanControls[0], [spanControls, wb.active]);

  const [layout, setLayout] = useState(0);
  useLayoutEffect(() => {
    const el = body.current;
    if (!el) return;
    el.replaceChildren(clean.fragment.cloneNode(true));
    pieces.current = htmlPieces(el);
    // The marks are placed from the laid-out HTML, so they are set from a layout effect.
    setLayout((n) => n + 1);
  }, [clean]);
  useEffect(() => {
    const el = stage.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setLayout((n) => n + 1));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const [marks, setMarks] = useState<Mark[]>([]);
  useLayoutEffect(() => {
    const root = stage.current;
    if (!root) return;
    const box = root.getBoundingClientRect();
    const out: Mark[] = [];
    for (const c of spanControls) {
      const colors = new Map(labelsOf(c).map((l) => [l.value, l.color]));
      for (const s of (wb.state.result[c.name] as Span[] | undefined) ?? []) {
        const r = htmlRange(pieces.current, cpToUtf16(text, s.start), cpToUtf16(text, s.end));
        if (!r) continue;
        const rects = Array.from(r.getClientRects()).filter((x) => x.width > 0.5);
        rects.forEach((x, i) => out.push({
          key: `${s.id}:${i}`, id: s.id, left: x.left - box.left, top: x.top - box.top, width: x.width, height: x.height,
          color: colors.get(s.label) ?? '#888', first: i === 0, label: s.label, sel: wb.state.selected?.id === s.id, predicted: wb.state.predicted.includes(s.id),
        }));
      }
    }
    setMarks(out);
  }, [spanControls, wb.state.result, wb.state.selected, wb.state.predicted, text, layout]);

  const createFromSelection = useCallback((label?: string): boolean => {
    const sel = window.getSelection();
    const root = body.current;
    if (!sel || sel.isCollapsed || !root || !sel.anchorNode || !sel.focusNode) return false;
    const a = htmlOffsetOf(root, sel.anchorNode, sel.anchorOffset);
    const b = htmlOffsetOf(root, sel.focusNode, sel.focusOffset);
    const c = drawControl();
    if (a == null || b == null || !c) return false;
    const lab = label ?? wb.labelFor[c.name] ?? labelsOf(c)[0]?.value;
    if (!lab) return false;
    wb.update((s) => addSpanFromUtf16(s, c, text, a, b, lab));
    wb.setActive(c.name);
    sel.removeAllRanges();
    return true;
  }, [wb, text, drawControl]);

  // A label's hotkey with text selected makes a span of that label.
  useEffect(() => {
    if (wb.readOnly) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const c = drawControl();
      const l = c && labelsOf(c).find((x) => x.hotkey === e.key);
      if (l && createFromSelection(l.value)) { e.preventDefault(); e.stopImmediatePropagation(); }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  });

  const onClick = (e: React.MouseEvent) => {
    const sel = window.getSelection();
    const root = body.current;
    if (!root || (sel && !sel.isCollapsed)) return;
    const caret = document.caretRangeFromPoint?.(e.clientX, e.clientY);
    const u = caret ? htmlOffsetOf(root, caret.startContainer, caret.startOffset) : null;
    if (u == null) return;
    const cp = utf16ToCp(text, u);
    let hit: { control: string; id: string; size: number } | null = null;
    for (const c of spanControls)
      for (const s of (wb.state.result[c.name] as Span[] | undefined) ?? [])
        if (s.start <= cp && cp < s.end && (!hit || s.end - s.start < hit.size)) hit = { control: c.name, id: s.id, size: s.end - s.start };
    if (hit) { const h = hit; wb.update((s) => ({ ...s, selected: { control: h.control, id: h.id } })); }
  };

  return (
    <div className="text-view html-view" data-testid={`html-${field}`} aria-label={t('html.field', { name: field })}>
      {clean.dropped > 0 && <div className="muted small" data-testid={`html-dropped-${field}`}>{t('html.dropped', { count: clean.dropped })}</div>}
      <div ref={stage} className="html-stage">
        <div ref={body} className="html-body" onMouseUp={() => { if (!wb.readOnly) createFromSelection(); }} onClick={onClick} />
        <div className="html-marks" aria-hidden>
          {marks.map((m) => (
            <div key={m.key} data-testid={m.first ? `span-${m.id}` : undefined} className={`html-mark${m.sel ? ' sel' : ''}${m.predicted ? ' predicted' : ''}`}
              style={{ left: m.left, top: m.top, width: m.width, height: m.height, background: `color-mix(in srgb, ${m.color} 22%, transparent)`, borderBottomColor: m.color }}>
              {m.first && <span className="span-tag html-tag" style={{ background: m.color }}>{m.label}</span>}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
