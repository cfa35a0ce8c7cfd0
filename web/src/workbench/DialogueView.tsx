import { useRef } from 'react';
import { useT } from '../i18n';
import { cpToUtf16 } from '../lib/codepoints';
import { labelsOf, type Control, type MessageRegion } from '../lib/schema';
import { controlsOn, useWb } from './context';
import { labelMessage, labelSpan, messagesOf, regionsOf, sideOf } from './dialogue';
import { select } from './state';
import { MessageAttributes, attributeControls } from './RegionAttributes';

/** Offset (UTF-16) of a DOM point inside a message's text element, which holds only text pieces. */
function offsetIn(container: HTMLElement, node: Node, offset: number): number | null {
  if (!container.contains(node)) return null;
  const r = document.createRange();
  r.selectNodeContents(container);
  r.setEnd(node, offset);
  return r.toString().length;
}

interface Piece { a: number; b: number; region?: MessageRegion; color?: string }

function pieces(text: string, spans: MessageRegion[], colors: Map<string, string>): Piece[] {
  const placed = spans.map((r) => ({ r, a: cpToUtf16(text, r.start!), b: cpToUtf16(text, r.end!) })).filter((x) => x.a < x.b);
  const cuts = [...new Set([0, text.length, ...placed.flatMap((x) => [x.a, x.b])])].sort((x, y) => x - y);
  const out: Piece[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const a = cuts[i]!; const b = cuts[i + 1]!;
    // The innermost (shortest) span covering the piece owns it.
    const cover = placed.filter((x) => x.a <= a && x.b >= b).sort((x, y) => (x.b - x.a) - (y.b - y.a))[0];
    out.push({ a, b, region: cover?.r, color: cover ? colors.get(cover.r.label) : undefined });
  }
  return out;
}

/** A dialogue field as chat bubbles by role; select text to label a span, Enter on a bubble labels the message. */
export function DialogueView({ field, value }: { field: string; value: unknown }) {
  const t = useT();
  const wb = useWb();
  const { schema, state, update, readOnly, active, labelFor, setActive } = wb;
  const controls = controlsOn(schema, field, ['dialogue']);
  const c: Control | undefined = controls.find((x) => x.name === active) ?? controls[0];
  const labels = c ? labelsOf(c) : [];
  const colors = new Map(labels.map((l) => [l.value, l.color]));
  const label = c ? labelFor[c.name] ?? labels[0]?.value : undefined;
  const messages = messagesOf(value);
  const regions = c ? regionsOf(state.result, c.name) : [];
  const texts = useRef<(HTMLDivElement | null)[]>([]);
  const first = messages[0]?.role ?? null;
  const perMessage = attributeControls(schema.controls).filter((x) => x.perMessage === field);

  const fromSelection = (i: number) => {
    const el = texts.current[i];
    const sel = window.getSelection();
    if (readOnly || !c || !label || !el || !sel || sel.isCollapsed || sel.rangeCount === 0) return;
    const range = sel.getRangeAt(0);
    const a = offsetIn(el, range.startContainer, range.startOffset);
    const b = offsetIn(el, range.endContainer, range.endOffset);
    if (a === null || b === null || a === b) return;
    setActive(c.name);
    update((s) => labelSpan(s, c, i, messages[i]!.text, Math.min(a, b), Math.max(a, b), label));
    sel.removeAllRanges();
  };

  return (
    <section className="dialogue" aria-label={t('dlg.conversation', { name: field })} data-testid={`dialogue-${field}`}>
      {!readOnly && c && <p className="muted small">{t('dlg.hint')}</p>}
      {messages.map((m, i) => {
        const mine = regions.filter((r) => r.message === i);
        const whole = mine.filter((r) => r.start === undefined);
        const role = m.role ?? t('dlg.unknownRole');
        return (
          <div key={i} className={`bubble-row ${sideOf(m.role, first)}`}>
            <div className="bubble" tabIndex={0} data-testid={`message-${i}`} aria-label={t('dlg.message', { n: i + 1, role })}
              onKeyDown={(e) => {
                if (e.key !== 'Enter' || readOnly || !c || !label || e.target !== e.currentTarget) return;
                e.preventDefault();
                setActive(c.name);
                update((s) => labelMessage(s, c, i, label));
              }}>
              <div className="bubble-role">{role}</div>
              <div className="bubble-text" lang="zh" ref={(el) => { texts.current[i] = el; }} onMouseUp={() => fromSelection(i)}>
                {pieces(m.text, mine.filter((r) => r.start !== undefined), colors).map((p) => p.region
                  ? <span key={p.a} data-testid={`span-${p.region.id}`} title={p.region.label}
                      className={`span-piece${state.selected?.id === p.region.id ? ' sel' : ''}`}
                      style={{ boxShadow: `0 3px 0 0 ${p.color ?? '#888'}`, background: `${p.color ?? '#888'}22` }}
                      onClick={() => c && update((s) => select(s, { control: c.name, id: p.region!.id }))}>{m.text.slice(p.a, p.b)}</span>
                  : <span key={p.a}>{m.text.slice(p.a, p.b)}</span>)}
              </div>
              {whole.length > 0 && (
                <div className="bubble-labels">
                  {whole.map((r) => (
                    <button type="button" key={r.id} className={`span-tag chip${state.selected?.id === r.id ? ' sel' : ''}`} data-testid={`span-${r.id}`}
                      style={{ background: colors.get(r.label) ?? '#888' }} onClick={() => c && update((s) => select(s, { control: c.name, id: r.id }))}>
                      {r.label}
                    </button>
                  ))}
                </div>
              )}
            </div>
            {!readOnly && c && label && (
              <button type="button" className="link small" data-testid={`label-message-${i}`} onClick={() => { setActive(c.name); update((s) => labelMessage(s, c, i, label)); }}>
                {t('dlg.labelMessage', { n: i + 1, label })}
              </button>
            )}
            <MessageAttributes controls={perMessage} index={i} />
          </div>
        );
      })}
    </section>
  );
}
