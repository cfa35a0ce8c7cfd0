import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useT } from '../i18n';
import { cpLength } from '../lib/codepoints';
import { step } from '../lib/textnav';
import { labelsOf, type Control, type Relation, type Span } from '../lib/schema';
import { addRelation, addSpanFromUtf16 } from './state';
import { isTyping, useWb } from './context';

// Long texts are cut into chunks at line ends; each chunk is its own memoised element with
// `content-visibility: auto`, so the browser lays out only what is on screen and an edit
// re-renders only the chunks whose spans changed.
const CHUNK = 2000;

interface Chunk { start: number; end: number } // UTF-16 offsets into the whole text

function chunkText(text: string): Chunk[] {
  const out: Chunk[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(text.length, i + CHUNK);
    if (end < text.length) {
      const nl = text.lastIndexOf('\n', end);
      if (nl > i + CHUNK / 2) end = nl + 1;
      const c = text.charCodeAt(end - 1);
      if (c >= 0xd800 && c <= 0xdbff) end++; // never cut a surrogate pair
    }
    out.push({ start: i, end });
    i = end;
  }
  return out;
}

/** UTF-16 offset of every code point (and of the end). */
function cpIndex(text: string): Uint32Array {
  const idx = new Uint32Array(cpLength(text) + 1);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    idx[n++] = i;
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  idx[n] = text.length;
  return idx;
}

interface USpan { id: string; u0: number; u1: number; color: string; label: string; predicted: boolean; control: string }

interface ChunkProps {
  text: string; chunk: Chunk; spans: USpan[]; selected: string | null; relFrom: string | null;
  linked: Set<string>;
}

const ChunkView = memo(function ChunkView({ text, chunk, spans, selected, relFrom, linked }: ChunkProps) {
  const cuts = new Set<number>([chunk.start, chunk.end]);
  for (const s of spans) {
    if (s.u0 > chunk.start && s.u0 < chunk.end) cuts.add(s.u0);
    if (s.u1 > chunk.start && s.u1 < chunk.end) cuts.add(s.u1);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const pieces = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    // Outer (longer) spans first so they sit lowest in the stack of underlines.
    const cover = spans.filter((s) => s.u0 <= a && s.u1 >= b).sort((x, y) => (y.u1 - y.u0) - (x.u1 - x.u0));
    const starting = spans.filter((s) => s.u0 === a);
    const tags = starting.map((s) => (
      <span key={`t${s.id}`} data-tag={s.id} className={`span-tag${s.predicted ? ' predicted' : ''}`} style={{ background: s.color }} contentEditable={false} aria-hidden>
        {s.label}
      </span>
    ));
    if (!cover.length) {
      pieces.push(...tags, <span key={a} data-u={a}>{text.slice(a, b)}</span>);
      continue;
    }
    const inner = cover[cover.length - 1]!;
    const shadows = cover.slice().reverse().map((s, k) => `0 ${3 + k * 4}px 0 0 ${s.color}`).join(', ');
    const isSel = cover.some((s) => s.id === selected);
    const cls = ['span-piece', isSel ? 'sel' : '', cover.some((s) => s.id === relFrom) ? 'rel-from' : '',
      cover.some((s) => s.predicted) ? 'predicted' : '', cover.some((s) => linked.has(s.id)) ? 'linked' : ''].join(' ');
    pieces.push(...tags,
      <span key={a} data-u={a} data-span={inner.id} data-testid={`span-${inner.id}`} className={cls}
        style={{ boxShadow: shadows, background: `${inner.color}22`, paddingBottom: `${cover.length * 4}px` }}>
        {text.slice(a, b)}
      </span>);
  }
  return <div className="text-chunk">{pieces}</div>;
}, sameChunk);

/**
 * A chunk re-renders only when something it shows changed: its spans, or the selection,
 * relation source or linked spans among them. Span arrays are rebuilt on every edit, so they
 * are compared by content.
 */
function sameChunk(a: ChunkProps, b: ChunkProps): boolean {
  if (a.text !== b.text || a.chunk.start !== b.chunk.start || a.chunk.end !== b.chunk.end || a.spans.length !== b.spans.length) return false;
  for (let i = 0; i < a.spans.length; i++) {
    const x = a.spans[i]!; const y = b.spans[i]!;
    if (x.id !== y.id || x.u0 !== y.u0 || x.u1 !== y.u1 || x.color !== y.color || x.label !== y.label || x.predicted !== y.predicted) return false;
  }
  const shown = (p: ChunkProps) => p.spans.map((s) => `${s.id === p.selected ? 's' : ''}${s.id === p.relFrom ? 'r' : ''}${p.linked.has(s.id) ? 'l' : ''}`).join();
  return shown(a) === shown(b);
}

/** UTF-16 offset in the whole text of a DOM selection point inside the text view. */
function domOffset(node: Node, offset: number): number | null {
  let el: Element | null = node.nodeType === Node.TEXT_NODE ? node.parentElement : (node as Element);
  if (node.nodeType !== Node.TEXT_NODE && el) {
    // An element point: the offset counts children; find the piece at or after it.
    const child = el.childNodes[offset] as Element | undefined;
    const piece = child?.closest?.('[data-u]') ?? (child)?.querySelector?.('[data-u]');
    if (piece) return Number(piece.getAttribute('data-u'));
    el = el.closest('[data-u]');
    return el ? Number(el.getAttribute('data-u')) + (el.textContent?.length ?? 0) : null;
  }
  el = el?.closest('[data-u]') ?? null;
  if (!el) return null;
  return Number(el.getAttribute('data-u')) + offset;
}

/** DOM point (text node and offset) of a UTF-16 offset of the whole text. */
function domPoint(root: HTMLElement, u: number): { node: Node; offset: number } | null {
  const pieces = root.querySelectorAll<HTMLElement>('[data-u]');
  let lo = 0; let hi = pieces.length - 1; let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (Number(pieces[mid]!.dataset.u) <= u) { best = mid; lo = mid + 1; } else hi = mid - 1;
  }
  if (best < 0) return null;
  const el = pieces[best]!;
  const node = el.firstChild;
  if (!node) return null;
  return { node, offset: Math.min(u - Number(el.dataset.u), node.textContent?.length ?? 0) };
}

export function TextView({ field, text }: { field: string; text: string }) {
  const t = useT();
  const wb = useWb();
  const ref = useRef<HTMLDivElement>(null);
  const spanControls = useMemo(() => wb.schema.controls.filter((c) => c.type === 'spans' && c.field === field), [wb.schema, field]);
  const relControls = useMemo(() => wb.schema.controls.filter((c) => c.type === 'relations' && spanControls.some((s) => s.name === c.spans)), [wb.schema, spanControls]);
  const chunks = useMemo(() => chunkText(text), [text]);
  const index = useMemo(() => cpIndex(text), [text]);

  const uspans = useMemo(() => {
    const out: USpan[] = [];
    for (const c of spanControls) {
      const colors = new Map(labelsOf(c).map((l) => [l.value, l.color]));
      const list = (wb.state.result[c.name] as Span[] | undefined) ?? [];
      for (const s of list) {
        out.push({
          id: s.id, control: c.name, label: s.label, color: colors.get(s.label) ?? '#888', predicted: wb.state.predicted.includes(s.id),
          u0: index[Math.min(s.start, index.length - 1)]!, u1: index[Math.min(s.end, index.length - 1)]!,
        });
      }
    }
    return out;
  }, [spanControls, wb.state.result, wb.state.predicted, index]);

  const linked = useMemo(() => {
    const ids = new Set<string>();
    const sel = wb.state.selected?.id;
    for (const rc of relControls)
      for (const r of (wb.state.result[rc.name] as Relation[] | undefined) ?? [])
        if (r.from === sel || r.to === sel) { ids.add(r.from); ids.add(r.to); }
    return ids;
  }, [relControls, wb.state.result, wb.state.selected]);

  const byChunk = useMemo(() => chunks.map((ch) => uspans.filter((s) => s.u0 < ch.end && s.u1 > ch.start)), [chunks, uspans]);

  const drawControl = useCallback((): Control | undefined =>
    spanControls.find((c) => c.name === wb.active) ?? spanControls[0], [spanControls, wb.active]);

  // Keyboard selection: ←/→ move a caret by character (Ctrl: by word), Shift extends, Enter or
  // a label digit makes the span. The selection is the browser's own, so it looks native.
  const [kb, setKb] = useState<{ anchor: number; focus: number } | null>(null);

  const createFromSelection = useCallback((label?: string): boolean => {
    const sel = window.getSelection();
    const root = ref.current;
    if (!sel || sel.isCollapsed || !root || !sel.anchorNode || !sel.focusNode) return false;
    if (!root.contains(sel.anchorNode) || !root.contains(sel.focusNode)) return false;
    const a = domOffset(sel.anchorNode, sel.anchorOffset);
    const b = domOffset(sel.focusNode, sel.focusOffset);
    const c = drawControl();
    if (a == null || b == null || !c) return false;
    const lab = label ?? wb.labelFor[c.name] ?? labelsOf(c)[0]?.value;
    if (!lab) return false;
    wb.update((s) => addSpanFromUtf16(s, c, text, a, b, lab));
    wb.setActive(c.name);
    sel.removeAllRanges();
    setKb((k) => (k ? { anchor: Math.max(a, b), focus: Math.max(a, b) } : k));
    return true;
  }, [wb, text, drawControl]);

  // Keyboard selection (Shift+arrows in caret browsing) then a label digit makes a span too.
  useEffect(() => {
    if (wb.readOnly) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const c = drawControl();
      if (!c) return;
      const l = labelsOf(c).find((x) => x.hotkey === e.key);
      if (l && createFromSelection(l.value)) { e.preventDefault(); e.stopImmediatePropagation(); }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  });

  const onMouseUp = () => { if (!wb.readOnly) { setKb(null); createFromSelection(); } };

  const [caret, setCaret] = useState<{ left: number; top: number; height: number } | null>(null);
  const spansActive = spanControls.some((c) => c.name === wb.active);
  useEffect(() => {
    if (wb.readOnly || !spansActive) return;
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e) || e.altKey || e.metaKey) return;
      if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
        e.preventDefault();
        const dir = e.key === 'ArrowRight' ? 1 : -1;
        const sel = uspans.find((x) => x.id === wb.state.selected?.id);
        const from = kb?.focus ?? (sel ? sel.u1 : 0);
        const to = kb ? step(text, from, dir, e.ctrlKey ? 'word' : 'char') : from;
        setKb(e.shiftKey ? { anchor: kb?.anchor ?? from, focus: to } : { anchor: to, focus: to });
      } else if (e.key === 'Enter' && !e.ctrlKey && kb && kb.anchor !== kb.focus) {
        e.preventDefault();
        if (createFromSelection()) { const end = Math.max(kb.anchor, kb.focus); setKb({ anchor: end, focus: end }); }
      } else if (e.key === 'Escape' && kb) setKb(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  useLayoutEffect(() => {
    const root = ref.current;
    if (!root || !kb) { setCaret(null); return; }
    const a = domPoint(root, kb.anchor);
    const f = domPoint(root, kb.focus);
    if (!a || !f) return;
    const sel = window.getSelection();
    if (kb.anchor !== kb.focus) sel?.setBaseAndExtent(a.node, a.offset, f.node, f.offset);
    else sel?.removeAllRanges();
    const r = document.createRange();
    r.setStart(f.node, f.offset);
    r.collapse(true);
    const rect = r.getBoundingClientRect();
    const box = root.getBoundingClientRect();
    setCaret({ left: rect.left - box.left, top: rect.top - box.top, height: rect.height || 20 });
    (f.node.parentElement)?.scrollIntoView({ block: 'nearest' });
  }, [kb, wb.state.result]);

  const onClick = (e: React.MouseEvent) => {
    const piece = (e.target as Element).closest('[data-span]');
    if (!piece) return;
    const sel = window.getSelection();
    if (sel && !sel.isCollapsed) return;
    const u = Number(piece.getAttribute('data-u'));
    // The innermost span under the click.
    const hit = uspans.filter((s) => s.u0 <= u && s.u1 > u).sort((x, y) => (x.u1 - x.u0) - (y.u1 - y.u0))[0];
    if (!hit) return;
    if (wb.relFrom && wb.relFrom !== hit.id && !wb.readOnly) {
      const rc = relControls[0];
      if (rc) {
        const label = wb.labelFor[rc.name] ?? (rc.type === 'relations' && rc.labels?.length ? labelsOf(rc)[0]!.value : undefined);
        const from = wb.relFrom;
        wb.update((s) => addRelation(s, rc.name, from, hit.id, label));
      }
      wb.setRelFrom(null);
      return;
    }
    wb.update((s) => ({ ...s, selected: { control: hit.control, id: hit.id } }));
  };

  return (
    <div className="text-view" data-testid={`text-${field}`}>
      {wb.relFrom && <div className="hint-bar" data-testid="relation-pick">{t('wb.relationPick')}</div>}
      <div ref={ref} className="text-body" onMouseUp={onMouseUp} onClick={onClick} lang="zh">
        {chunks.map((ch, i) => (
          <ChunkView key={ch.start} text={text} chunk={ch} spans={byChunk[i]!} selected={wb.state.selected?.id ?? null} relFrom={wb.relFrom} linked={linked} />
        ))}
        {caret && <div className="kb-caret" data-testid="text-caret" style={{ left: caret.left, top: caret.top, height: caret.height }} />}
        <RelationArrows container={ref} relations={relControls.flatMap((rc) => (wb.state.result[rc.name] as Relation[] | undefined) ?? [])} />
      </div>
    </div>
  );
}


interface Arrow { key: string; d: string; lx: number; ly: number; label?: string; both: boolean }

/** Arcs from each relation's source span to its target (a head at both ends for `direction: "bi"`), drawn over the text from the span tags. */
function RelationArrows({ container, relations }: { container: React.RefObject<HTMLDivElement | null>; relations: Relation[] }) {
  const [arrows, setArrows] = useState<Arrow[]>([]);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setTick((n) => n + 1));
    ro.observe(el);
    return () => ro.disconnect();
  }, [container]);
  useLayoutEffect(() => {
    const el = container.current;
    // Arrows are placed from the laid-out text, so they are set from a layout effect, before paint.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (!el || !relations.length) { setArrows([]); return; }
    const box = el.getBoundingClientRect();
    const at = (id: string) => {
      const tag = el.querySelector(`[data-tag="${CSS.escape(id)}"]`);
      if (!tag) return null;
      const r = tag.getBoundingClientRect();
      return { x: r.left - box.left + r.width / 2, y: r.top - box.top };
    };
    const out: Arrow[] = [];
    relations.forEach((r, i) => {
      const a = at(r.from); const b = at(r.to);
      if (!a || !b) return;
      const lift = 14 + Math.min(40, Math.abs(b.x - a.x) / 8) + (Math.abs(b.y - a.y) > 4 ? 10 : 0);
      const top = Math.min(a.y, b.y) - lift;
      out.push({ key: `${r.from}-${r.to}-${i}`, d: `M ${a.x} ${a.y} C ${a.x} ${top}, ${b.x} ${top}, ${b.x} ${b.y - 2}`, lx: (a.x + b.x) / 2, ly: top + 8, label: r.label, both: r.direction === 'bi' });
    });
    setArrows(out);
  }, [container, relations, tick]);
  if (!arrows.length) return null;
  return (
    <svg className="relation-arrows" aria-hidden>
      <defs><marker id="yz-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L8 4 L0 8 z" fill="#5b6b7f" /></marker></defs>
      {arrows.map((a) => (
        <g key={a.key}>
          <path d={a.d} fill="none" stroke="#5b6b7f" strokeWidth="1.5" markerEnd="url(#yz-arrow)" markerStart={a.both ? 'url(#yz-arrow)' : undefined} />
          {a.label && <text x={a.lx} y={a.ly} textAnchor="middle" fontSize="10" fill="#33404f" className="relation-label">{a.label}</text>}
        </g>
      ))}
    </svg>
  );
}
