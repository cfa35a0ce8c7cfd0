import { useEffect, useRef, useState } from 'react';
import { useT } from '../i18n';
import {
  labelsOf, listItems, type BucketsValue, type ChoicesControl, type Control, type PairwiseValue, type RankValue, type RankingControl,
  type RatingControl, type TranscriptionControl,
} from '../lib/schema';
import { bucketOf, moveToBucket, moveWithinBucket, unplaced } from './buckets';
import { moveRankItem, setBuckets, setPairwise, setRankOrder, setRationale, setValue, toggleChoice, typeText } from './state';
import { isTyping, useWb } from './context';

export function Frame({ c, children }: { c: Control; children: React.ReactNode }) {
  const wb = useWb();
  return (
    <section className={`control${wb.active === c.name ? ' active' : ''}`} data-testid={`control-${c.name}`}
      onMouseDown={() => wb.setActive(c.name)}>
      <h3>{c.name}{c.required ? ' *' : ''}</h3>
      {children}
    </section>
  );
}

export function ChoicesView({ c }: { c: ChoicesControl }) {
  const wb = useWb();
  const cur = (wb.state.result[c.name] as string[] | undefined) ?? [];
  return (
    <Frame c={c}>
      <div className="choices" role={c.multiple ? 'group' : 'radiogroup'}>
        {labelsOf(c, wb.data).map((o) => (
          <button type="button" key={o.value} role={c.multiple ? 'checkbox' : 'radio'} aria-checked={cur.includes(o.value)}
            data-testid={`choice-${c.name}-${o.value}`} className={`chip${cur.includes(o.value) ? ' on' : ''}`}
            style={{ borderColor: o.color, ...(cur.includes(o.value) ? { background: o.color, color: '#fff' } : {}) }} disabled={wb.readOnly}
            onClick={() => wb.update((s) => toggleChoice(s, c, o.value))}>
            {o.hotkey && <kbd>{o.hotkey}</kbd>} {cur.includes(o.value) && <span aria-hidden className="tick">✓</span>}{o.value}
          </button>
        ))}
      </div>
    </Frame>
  );
}

export function RatingView({ c }: { c: RatingControl }) {
  const t = useT();
  const wb = useWb();
  const max = c.max ?? 5;
  const cur = wb.state.result[c.name] as number | undefined;
  return (
    <Frame c={c}>
      <div className="rating" role="radiogroup" aria-label={t('wb.rating')}>
        {Array.from({ length: max }, (_, i) => i + 1).map((n) => (
          <button type="button" key={n} role="radio" aria-checked={cur === n} data-testid={`rating-${c.name}-${n}`}
            className={`star${cur != null && n <= cur ? ' on' : ''}`} disabled={wb.readOnly}
            onClick={() => wb.update((s) => setValue(s, c.name, cur === n ? null : n))}>
            ★<small>{n % 10}</small>
          </button>
        ))}
      </div>
    </Frame>
  );
}

export function TranscriptionView({ c }: { c: TranscriptionControl }) {
  const t = useT();
  const wb = useWb();
  const cur = (wb.state.result[c.name] as string | undefined) ?? '';
  return (
    <Frame c={c}>
      <textarea data-testid={`transcription-${c.name}`} rows={4} className="grows tall" value={cur} readOnly={wb.readOnly} placeholder={t('wb.transcript')}
        onChange={(e) => { const v = e.target.value; wb.update((s) => typeText(s, c.name, v)); }} />
    </Frame>
  );
}

export function RankingView({ c }: { c: RankingControl }) {
  const t = useT();
  const wb = useWb();
  const items = listItems(c.field ? wb.data[c.field] : undefined);
  const initial = items.map((i) => i.id);
  const byId = new Map(items.map((i) => [i.id, i]));
  const value = wb.state.result[c.name] as (RankValue & PairwiseValue & BucketsValue) | undefined;
  const bucketed = c.mode === 'rank' && !!c.buckets?.length;
  const rationale = value?.rationale ?? '';
  const dragId = useRef<string | null>(null);
  const [focus, setFocus] = useState<string | null>(null);

  const rationaleBox = c.rationale && (
    <textarea data-testid={`rationale-${c.name}`} rows={2} placeholder={t('wb.rationale')} value={rationale} readOnly={wb.readOnly}
      onChange={(e) => { const v = e.target.value; wb.update((s) => setRationale(s, c.name, v, initial, bucketed ? 'buckets' : c.mode)); }} />
  );

  if (c.mode === 'pairwise') {
    const [a, b] = items;
    const pick = (p: PairwiseValue['preferred']) => !wb.readOnly && wb.update((s) => setPairwise(s, c.name, p));
    // Two fields compared (Label Studio's <Pairwise toName="left,right">): each card shows its field.
    const sides = c.fields
      ? c.fields.map((f) => <PairField key={f} field={f} />)
      : [a, b].map((item, i) => <div key={i} className="pair-text">{item?.text}</div>);
    return (
      <Frame c={c}>
        <p className="muted">{t(c.fields ? 'wb.pairFieldsHint' : 'wb.pairHint')}</p>
        <div className="pairwise">
          {(['a', 'b'] as const).map((side, i) => (
            <button type="button" key={side} data-testid={`pair-${c.name}-${side}`} aria-pressed={value?.preferred === side}
              className={`pair-card${value?.preferred === side ? ' on' : ''}`} onClick={() => pick(side)} disabled={wb.readOnly}>
              <div className="pair-head"><kbd>{i + 1}</kbd> {c.fields ? t(side === 'a' ? 'wb.left' : 'wb.right') : side.toUpperCase()}
                {c.fields && <span className="muted small"> · {c.fields[i]}</span>}</div>
              {sides[i]}
            </button>
          ))}
        </div>
        <button type="button" data-testid={`pair-${c.name}-tie`} className={`chip${value?.preferred === 'tie' ? ' on' : ''}`} onClick={() => pick('tie')} disabled={wb.readOnly}>
          <kbd>3</kbd> {t('wb.tie')}
        </button>
        {rationaleBox}
      </Frame>
    );
  }

  if (bucketed) return <BucketBoard c={c} items={initial} byId={byId} buckets={value?.buckets ?? {}} rationaleBox={rationaleBox} />;

  const order = value?.order ?? initial;
  return <RankList c={c} order={order} initial={initial} byId={byId} focus={focus} setFocus={setFocus} dragId={dragId} rationaleBox={rationaleBox} />;
}

interface RankListProps {
  c: RankingControl; order: string[]; initial: string[]; byId: Map<string, { text: string }>;
  focus: string | null; setFocus: (id: string) => void; dragId: React.MutableRefObject<string | null>; rationaleBox: React.ReactNode;
}

function RankList({ c, order, initial, byId, focus, setFocus, dragId, rationaleBox }: RankListProps) {
  const t = useT();
  const wb = useWb();
  const list = useRef<HTMLOListElement>(null);
  // While the ranking is the active control, ↑/↓ walk the items without a mouse.
  useEffect(() => {
    if (wb.active !== c.name) return;
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e) || e.altKey || e.ctrlKey || e.metaKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
      e.preventDefault();
      const i = focus ? order.indexOf(focus) : -1;
      const j = Math.max(0, Math.min(order.length - 1, i < 0 ? 0 : i + (e.key === 'ArrowUp' ? -1 : 1)));
      const id = order[j];
      if (id) (list.current?.querySelector(`[data-testid="rank-item-${CSS.escape(id)}"]`) as HTMLElement | null)?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [wb.active, c.name, focus, order]);
  return (
    <Frame c={c}>
      <p className="muted">{t('wb.rankHint')}</p>
      <ol ref={list} className="ranking" data-testid={`ranking-${c.name}`}>
        {order.map((id, i) => (
          <li key={id} tabIndex={0} draggable={!wb.readOnly} data-testid={`rank-item-${id}`} data-rank={i + 1}
            className={focus === id ? 'focus' : ''}
            onFocus={() => { setFocus(id); wb.setActive(c.name); }}
            onKeyDown={(e) => {
              if (wb.readOnly || !e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
              e.preventDefault();
              const target = e.currentTarget;
              wb.update((s) => moveRankItem(s, c.name, initial, id, e.key === 'ArrowUp' ? -1 : 1));
              // Keep focus on the moved item after React re-orders the list.
              requestAnimationFrame(() => (target.parentElement?.querySelector(`[data-testid="rank-item-${CSS.escape(id)}"]`) as HTMLElement | null)?.focus());
            }}
            onDragStart={() => { dragId.current = id; }}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              const from = dragId.current;
              dragId.current = null;
              if (!from || from === id) return;
              const next = order.filter((x) => x !== from);
              next.splice(next.indexOf(id) + (order.indexOf(from) < i ? 1 : 0), 0, from);
              wb.update((s) => setRankOrder(s, c.name, next));
            }}>
            <span className="rank-no">{i + 1}</span>
            <span className="rank-text">{byId.get(id)?.text ?? id}</span>
          </li>
        ))}
      </ol>
      {rationaleBox}
    </Frame>
  );
}

/** One side of a comparison of two fields: a text as text, an image as a picture, anything else as JSON. */
function PairField({ field }: { field: string }) {
  const wb = useWb();
  const type = wb.schema.fields.find((f) => f.name === field)?.type;
  const v = wb.data[field];
  if (type === 'image' && typeof v === 'string') return <img className="pair-image" src={wb.mediaUrl(v)} alt={field} draggable={false} />;
  const text = typeof v === 'string' ? v : type === 'list' ? listItems(v).map((i) => i.text).join('\n') : JSON.stringify(v, null, 2);
  return <div className="pair-text" data-testid={`pair-field-${field}`}>{text}</div>;
}

interface BucketBoardProps {
  c: RankingControl; items: string[]; byId: Map<string, { text: string }>; buckets: BucketsValue['buckets']; rationaleBox: React.ReactNode;
}

/**
 * Label Studio's <Ranker> with <Bucket>s: the list's items in a first column, dragged (or sent with
 * the keyboard: focus an item, 1…9 into that bucket, 0 back, Alt+↑/↓ within its bucket) into the buckets.
 */
function BucketBoard({ c, items, byId, buckets, rationaleBox }: BucketBoardProps) {
  const t = useT();
  const wb = useWb();
  const defs = (c.buckets ?? []).map((b) => (typeof b === 'string' ? { value: b } : b));
  const names = defs.map((b) => b.value);
  const dragId = useRef<string | null>(null);
  const board = useRef<HTMLDivElement>(null);
  const columns: { name: string | null; title: string; ids: string[] }[] = [
    { name: null, title: t('wb.bucketsUnplaced'), ids: unplaced(items, buckets) },
    ...defs.map((b) => ({ name: b.value, title: b.title ?? b.value, ids: buckets[b.value] ?? [] })),
  ];
  const move = (id: string, to: string | null, index?: number) => {
    wb.update((s) => setBuckets(s, c.name, moveToBucket((s.result[c.name] as BucketsValue | undefined)?.buckets ?? {}, names, id, to, index)));
    requestAnimationFrame(() => (board.current?.querySelector(`[data-testid="bucket-item-${CSS.escape(id)}"]`) as HTMLElement | null)?.focus());
  };
  return (
    <Frame c={c}>
      <p className="muted">{t('wb.bucketsHint')}</p>
      <div ref={board} className="buckets" data-testid={`buckets-${c.name}`}>
        {columns.map((col, k) => (
          <section key={col.name ?? '_'} className="bucket" data-testid={`bucket-${c.name}-${col.name ?? '_'}`}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              const from = dragId.current;
              dragId.current = null;
              if (from && !wb.readOnly) move(from, col.name);
            }}>
            <h4><kbd>{k}</kbd> {col.title} <span className="muted small">{col.ids.length}</span></h4>
            <ol className="ranking">
              {col.ids.map((id, i) => (
                <li key={id} tabIndex={0} draggable={!wb.readOnly} data-testid={`bucket-item-${id}`} data-bucket={col.name ?? '_'}
                  onFocus={() => wb.setActive(c.name)}
                  onDragStart={() => { dragId.current = id; }}
                  onDrop={(e) => {
                    // Dropped onto an item: it goes in that item's place.
                    e.preventDefault(); e.stopPropagation();
                    const from = dragId.current;
                    dragId.current = null;
                    if (from && from !== id && !wb.readOnly) move(from, col.name, col.name === null ? undefined : i);
                  }}
                  onKeyDown={(e) => {
                    if (wb.readOnly || e.ctrlKey || e.metaKey) return;
                    if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
                      e.preventDefault(); e.stopPropagation();
                      wb.update((s) => setBuckets(s, c.name, moveWithinBucket((s.result[c.name] as BucketsValue | undefined)?.buckets ?? {}, names, id, e.key === 'ArrowUp' ? -1 : 1)));
                      requestAnimationFrame(() => (board.current?.querySelector(`[data-testid="bucket-item-${CSS.escape(id)}"]`) as HTMLElement | null)?.focus());
                      return;
                    }
                    const n = /^[0-9]$/.test(e.key) ? Number(e.key) : defs.findIndex((b) => b.hotkey === e.key) + 1 || -1;
                    if (n < 0 || n > defs.length) return;
                    e.preventDefault(); e.stopPropagation();
                    if ((n === 0 ? null : names[n - 1]!) !== bucketOf(buckets, id)) move(id, n === 0 ? null : names[n - 1]!);
                  }}>
                  <span className="rank-text">{byId.get(id)?.text ?? id}</span>
                </li>
              ))}
            </ol>
          </section>
        ))}
      </div>
      {rationaleBox}
    </Frame>
  );
}
