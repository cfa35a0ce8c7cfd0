import { useCallback, useEffect, useMemo, useState } from 'react';
import { useT, type MessageKey } from '../i18n';
import {
  labelsOf, type Control, type Keypoint, type Polygon, type RankingControl, type Rect,
  type Relation, type Schema, type Segment, type Span, type Track,
} from '../lib/schema';
import { AudioView } from './AudioView';
import { DialogueView } from './DialogueView';
import { DocumentView } from './DocumentView';
import { ChoicesView, RankingView, RatingView, TranscriptionView } from './Controls';
import { RegionAttributes, attributeControls } from './RegionAttributes';
import { ImageView } from './ImageView';
import { JsonView } from './JsonView';
import { TaxonomyView } from './TaxonomyControl';
import { TextView } from './TextView';
import { HtmlView } from './HtmlView';
import { VideoView } from './VideoView';
import { TimeSeriesView, describeRange } from './TimeSeriesView';
import type { TimeRange } from './timeseries';
import { maskArea, type MaskRegion } from './masks';
import { WorkbenchContext, isTyping, useWb, type WbCtx } from './context';
import {
  editedOrigin, redo, relabel, removeRegion, removeRelation, setPairwise, setValue, toggleChoice, toggleHidden, toggleLocked, undo, type WbState,
} from './state';

const REGION_TYPES: Control['type'][] = ['spans', 'rectangles', 'polygons', 'keypoints', 'segments', 'tracks', 'masks', 'dialogue', 'timeseries'];
const KEYED_TYPES: Control['type'][] = [...REGION_TYPES, 'choices', 'rating', 'relations', 'ranking', 'taxonomy'];

export interface TaskViewProps {
  schema: Schema;
  data: Record<string, unknown>;
  state: WbState;
  onChange: (f: (s: WbState) => WbState) => void;
  readOnly?: boolean;
  mediaUrl: (value: string) => string;
  /** Keys are handled only by the view that owns the page (not by a preview beside a form). */
  keyboard?: boolean;
}

/** A task field's value as text: strings as they are, numbers and booleans written out, objects as JSON. */
function fieldText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v == null) return '';
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/** Renders one task from the schema and routes the keyboard to its controls. */
export function TaskView({ schema, data, state, onChange, readOnly = false, mediaUrl, keyboard = true }: TaskViewProps) {
  const t = useT();
  const keyed = useMemo(() => schema.controls.filter((c) => KEYED_TYPES.includes(c.type)), [schema]);
  const [chosen, setActive] = useState<string | null>(keyed[0]?.name ?? null);
  // A control that left the schema (the form editor's preview) hands the keyboard to the first one.
  const active = keyed.some((c) => c.name === chosen) ? chosen : keyed[0]?.name ?? null;
  const [labelFor, setLabelFor] = useState<Record<string, string>>({});
  const [relFrom, setRelFrom] = useState<string | null>(null);

  const setLabel = useCallback((control: string, label: string) => setLabelFor((m) => ({ ...m, [control]: label })), []);
  const ctx: WbCtx = useMemo(() => ({
    schema, data, state, update: readOnly ? () => {} : onChange, readOnly, active, setActive, labelFor, setLabel, relFrom, setRelFrom, mediaUrl,
  }), [schema, data, state, onChange, readOnly, active, labelFor, setLabel, relFrom, mediaUrl]);

  const pickLabel = (c: Control, value: string) => {
    setActive(c.name);
    if (c.type === 'choices') { onChange((s) => toggleChoice(s, c, value)); return; }
    setLabel(c.name, value);
    const sel = state.selected;
    if (sel && sel.control === c.name && REGION_TYPES.includes(c.type)) onChange((s) => relabel(s, c.name, sel.id, value));
  };

  useEffect(() => {
    if (!keyboard) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && isTyping(e)) { (e.target as HTMLElement).blur(); return; }
      if (isTyping(e)) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'z') { e.preventDefault(); if (!readOnly) onChange(e.shiftKey ? redo : undo); return; }
      if (mod && e.key.toLowerCase() === 'y') { e.preventDefault(); if (!readOnly) onChange(redo); return; }
      if (mod || e.altKey) return;
      if (e.key === 'Tab' && keyed.length) {
        e.preventDefault();
        const i = keyed.findIndex((c) => c.name === active);
        setActive(keyed[(i + (e.shiftKey ? keyed.length - 1 : 1)) % keyed.length]!.name);
        return;
      }
      if (e.key === 'Escape') { setRelFrom(null); onChange((s) => ({ ...s, selected: null })); return; }
      if (readOnly) return;
      const sel = state.selected;
      if ((e.key === 'Delete' || e.key === 'Backspace') && sel) { e.preventDefault(); onChange((s) => removeRegion(s, schema, sel.control, sel.id)); return; }
      if ((e.key === 'r' || e.key === 'R') && sel && schema.controls.some((c) => c.type === 'relations' && c.spans === sel.control)) {
        e.preventDefault(); setRelFrom(sel.id); return;
      }
      const act = schema.controls.find((c) => c.name === active);
      if (act?.type === 'rating' && /^[0-9]$/.test(e.key)) {
        const n = e.key === '0' ? 10 : Number(e.key);
        if (n <= (act.max ?? 5)) { onChange((s) => setValue(s, act.name, n)); e.preventDefault(); }
        return;
      }
      if (act?.type === 'ranking' && act.mode === 'pairwise' && ['1', '2', '3'].includes(e.key)) {
        onChange((s) => setPairwise(s, act.name, (['a', 'b', 'tie'] as const)[Number(e.key) - 1]!)); e.preventDefault(); return;
      }
      if (act?.type === 'ranking' && act.fields && (e.key === 'ArrowLeft' || e.key === 'ArrowRight') && !e.altKey && !e.ctrlKey && !e.metaKey) {
        onChange((s) => setPairwise(s, act.name, e.key === 'ArrowLeft' ? 'a' : 'b')); e.preventDefault(); return;
      }
      // Label hotkeys: the active control first, then any control with that explicit key.
      const order = act ? [act, ...schema.controls.filter((c) => c !== act)] : schema.controls;
      for (const c of order) {
        if (!['choices', 'relations', ...REGION_TYPES].includes(c.type)) continue;
        const isDigit = /^[1-9]$/.test(e.key);
        if (isDigit && c !== act) continue;
        const l = labelsOf(c, data).find((x) => x.hotkey === e.key);
        if (l) { e.preventDefault(); pickLabel(c, l.value); return; }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const main: React.ReactNode[] = [];
  // A pairwise control over two fields shows them itself, side by side, where the first would be.
  // Where another control labels one of the two (spans on an answer), the fields stay as they are
  // and the comparison follows them.
  const compared = new Map<string, RankingControl>();
  const after = new Map<string, RankingControl>();
  for (const c of schema.controls) {
    if (c.type !== 'ranking' || !c.fields) continue;
    const labelled = schema.controls.some((o) => o !== c && 'field' in o && c.fields!.includes(o.field as string));
    if (labelled) after.set(c.fields[1], c);
    else c.fields.forEach((f) => compared.set(f, c));
  }
  for (const f of schema.fields) {
    const v = data[f.name];
    const pair = compared.get(f.name);
    if (pair) {
      if (pair.fields![0] === f.name || !schema.fields.some((g) => g.name === pair.fields![0])) main.push(<RankingView key={pair.name} c={pair} />);
      continue;
    }
    if (f.type === 'text') main.push(<TextView key={f.name} field={f.name} text={fieldText(v)} />);
    else if (f.type === 'html') main.push(<HtmlView key={f.name} field={f.name} html={fieldText(v)} />);
    // Keyed by the source too: another file is another view, its loading state starting afresh.
    else if (f.type === 'image') main.push(<ImageView key={`${f.name}:${fieldText(v)}`} field={f.name} src={mediaUrl(fieldText(v))} />);
    else if (f.type === 'video') main.push(<VideoView key={`${f.name}:${fieldText(v)}`} field={f.name} src={mediaUrl(fieldText(v))} />);
    else if (f.type === 'audio') main.push(<AudioView key={`${f.name}:${fieldText(v)}`} field={f.name} src={mediaUrl(fieldText(v))} />);
    else if (f.type === 'list') {
      const rankers = schema.controls.filter((c): c is RankingControl => c.type === 'ranking' && c.field === f.name);
      if (rankers.length) rankers.forEach((c) => main.push(<RankingView key={c.name} c={c} />));
      else main.push(<ol key={f.name} className="plain-list">{(Array.isArray(v) ? v : []).map((x, i) => <li key={i}>{typeof x === 'string' ? x : JSON.stringify(x)}</li>)}</ol>);
    } else if (f.type === 'dialogue') main.push(<DialogueView key={f.name} field={f.name} value={v} />);
    else if (f.type === 'timeseries') main.push(<TimeSeriesView key={`${f.name}:${typeof v === 'string' ? v : ''}`} field={f} value={v} />);
    else if (f.type === 'document') main.push(<DocumentView key={`${f.name}:${JSON.stringify(v)}`} field={f.name} value={v} pageKey={f.pageKey} />);
    else main.push(<JsonView key={f.name} field={f.name} value={v} />);
    const follows = after.get(f.name);
    if (follows) main.push(<RankingView key={follows.name} c={follows} />);
  }

  const side: React.ReactNode[] = [];
  const attributes = attributeControls(schema.controls);
  for (const c of schema.controls) {
    if (attributes.includes(c as never)) continue;
    if (c.type === 'choices') side.push(<ChoicesView key={c.name} c={c} />);
    else if (c.type === 'rating') side.push(<RatingView key={c.name} c={c} />);
    else if (c.type === 'taxonomy') side.push(<TaxonomyView key={c.name} c={c} />);
    else if (c.type === 'transcription' && !c.perSegment) side.push(<TranscriptionView key={c.name} c={c} />);
    else if (REGION_TYPES.includes(c.type) || (c.type === 'relations' && c.labels?.length)) {
      side.push(<LabelPicker key={c.name} c={c} current={labelFor[c.name] ?? labelsOf(c, data)[0]?.value} active={active === c.name} onPick={(v) => pickLabel(c, v)} />);
    }
  }

  const activeControl = schema.controls.find((c) => c.name === active);
  return (
    <WorkbenchContext.Provider value={ctx}>
      <div className={`task-view${readOnly ? ' read-only' : ''}`} data-testid="task-view">
        <div className="task-main">{main}</div>
        <aside className="task-side">
          {activeControl && <div className="muted small" data-testid="active-control">{t('wb.activeControl', { name: activeControl.name })}</div>}
          {side}
          {attributes.length > 0 && <RegionAttributes controls={attributes} />}
          <RegionList />
        </aside>
      </div>
    </WorkbenchContext.Provider>
  );
}

function LabelPicker({ c, current, active, onPick }: { c: Control; current?: string; active: boolean; onPick: (v: string) => void }) {
  const wb = useWb();
  return (
    <section className={`control${active ? ' active' : ''}`} data-testid={`control-${c.name}`}>
      <h3>{c.name}</h3>
      <div className="choices">
        {labelsOf(c, wb.data).map((l) => (
          <button type="button" key={l.value} data-testid={`label-${c.name}-${l.value}`} className={`chip${current === l.value ? ' on' : ''}`}
            style={{ borderColor: l.color, ...(current === l.value ? { background: l.color, color: '#fff' } : {}) }} onClick={() => onPick(l.value)}>
            {l.hotkey && <kbd>{l.hotkey}</kbd>} {l.value}
          </button>
        ))}
      </div>
    </section>
  );
}

function describe(r: Span | Rect | Polygon | Keypoint | Segment | Track | MaskRegion, t: ReturnType<typeof useT>): string {
  if ('sequence' in r) return t('video.keyframes', { count: r.sequence.length, first: r.sequence[0]?.frame ?? 0 });
  if ('mask' in r) return t('masks.pixels', { count: maskArea(r) });
  if ('message' in r) return `${t('dlg.whole', { n: Number(r.message) + 1 })}${'text' in r && r.text !== undefined ? ` “${r.text}” [${r.start}, ${r.end})` : ''}`;
  if ('text' in r && r.text !== undefined) return `“${r.text.length > 40 ? `${r.text.slice(0, 40)}…` : r.text}” [${r.start}, ${r.end})`;
  if ('width' in r) return `${Math.round(r.x)},${Math.round(r.y)} ${Math.round(r.width)}×${Math.round(r.height)}${r.rotation ? ` ↻${r.rotation}°` : ''}`;
  if ('points' in r) return t('wb.points', { count: r.points.length });
  if ('start' in r) return `${r.start.toFixed(2)}–${r.end.toFixed(2)} s`;
  return `${Math.round(r.x)},${Math.round(r.y)}`;
}

const IMAGE_TYPES: Control['type'][] = ['rectangles', 'polygons', 'keypoints', 'masks'];

function EyeIcon({ open }: { open: boolean }) {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden fill="none" stroke="currentColor" strokeWidth="1.5">
      <path d="M1 8s2.5-5 7-5 7 5 7 5-2.5 5-7 5-7-5-7-5z" />
      {open ? <circle cx="8" cy="8" r="2" fill="currentColor" /> : <path d="M2 14 14 2" />}
    </svg>
  );
}

function LockIcon({ closed }: { closed: boolean }) {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden fill="none" stroke="currentColor" strokeWidth="1.5">
      <rect x="3" y="7" width="10" height="7" rx="1.5" fill={closed ? 'currentColor' : 'none'} />
      <path d={closed ? 'M5 7V5a3 3 0 0 1 6 0v2' : 'M5 7V5a3 3 0 0 1 5.8-1'} />
    </svg>
  );
}

function RegionList() {
  const t = useT();
  const { schema, state, update, readOnly } = useWb();
  const [grouped, setGrouped] = useState(false);
  const entries: { label: string; color: string; row: React.ReactNode }[] = [];
  const textOf = new Map<string, string>();
  for (const c of schema.controls) {
    if (!REGION_TYPES.includes(c.type)) continue;
    const colors = new Map(labelsOf(c).map((l) => [l.value, l.color]));
    const onImage = IMAGE_TYPES.includes(c.type);
    for (const r of (state.result[c.name] as (Span | Rect | Polygon | Keypoint | Segment | Track | MaskRegion)[] | undefined) ?? []) {
      if ('text' in r && r.text) textOf.set(r.id, r.text);
      const pred = state.predicted.includes(r.id);
      const hidden = !!state.hidden?.includes(r.id);
      const locked = !!state.locked?.includes(r.id);
      const color = colors.get(r.label) ?? '#888';
      entries.push({ label: r.label, color, row: (
        <li key={r.id} data-testid={`region-row-${r.id}`} className={`${state.selected?.id === r.id ? 'sel' : ''}${hidden ? ' hidden-region' : ''}`}
          onClick={() => { if (!hidden && !locked) update((s) => ({ ...s, selected: { control: c.name, id: r.id } })); }}>
          <span className="dot" style={{ background: color }} />
          <b>{r.label}</b> <span className="muted">{c.type === 'timeseries' ? describeRange(r as unknown as TimeRange) : describe(r, t)}</span>
          {pred && <span className="badge pred">{t('wb.prediction')}</span>}
          {!pred && !('mask' in r) && editedOrigin(state, r) && <span className="badge origin-badge" data-testid={`from-model-${r.id}`}>{t('wbx.fromModel')}</span>}
          {onImage && <>
            <button type="button" className={`tool${hidden ? ' on' : ''}`} data-testid={`hide-${r.id}`} aria-pressed={hidden}
              title={hidden ? t('wbx.show') : t('wbx.hide')} aria-label={hidden ? t('wbx.show') : t('wbx.hide')}
              onClick={(e) => { e.stopPropagation(); update((s) => toggleHidden(s, r.id)); }}><EyeIcon open={!hidden} /></button>
            {!readOnly && <button type="button" className={`tool${locked ? ' on' : ''}`} data-testid={`lock-${r.id}`} aria-pressed={locked}
              title={locked ? t('wbx.unlock') : t('wbx.lock')} aria-label={locked ? t('wbx.unlock') : t('wbx.lock')}
              onClick={(e) => { e.stopPropagation(); update((s) => toggleLocked(s, r.id)); }}><LockIcon closed={locked} /></button>}
          </>}
          {!readOnly && <button type="button" className="x" aria-label={t('common.delete')} data-testid={`delete-${r.id}`}
            onClick={(e) => { e.stopPropagation(); update((s) => removeRegion(s, schema, c.name, r.id)); }}>×</button>}
        </li>
      ) });
    }
  }
  // Grouped: one heading per label (in the order labels first appear), its regions under it.
  const rows: React.ReactNode[] = [];
  if (grouped) {
    const labels = [...new Map(entries.map((e) => [e.label, e.color]))];
    for (const [label, color] of labels) {
      const inGroup = entries.filter((e) => e.label === label);
      rows.push(<li key={`group-${label}`} className="group-head" data-testid={`region-group-${label}`}>
        <span className="dot" style={{ background: color }} /><b>{label}</b> <span>({inGroup.length})</span>
      </li>, ...inGroup.map((e) => e.row));
    }
  } else rows.push(...entries.map((e) => e.row));
  const rels: React.ReactNode[] = [];
  for (const c of schema.controls) {
    if (c.type !== 'relations') continue;
    ((state.result[c.name] as Relation[] | undefined) ?? []).forEach((r, i) => rels.push(
      <li key={`${c.name}${i}`} data-testid={`relation-${r.from}-${r.to}`}>
        {textOf.get(r.from) ?? r.from} → {r.label ? <b>{r.label}</b> : null} → {textOf.get(r.to) ?? r.to}
        {!readOnly && <button type="button" className="x" aria-label={t('common.delete')} onClick={() => update((s) => removeRelation(s, c.name, i))}>×</button>}
      </li>,
    ));
  }
  if (!schema.controls.some((c) => REGION_TYPES.includes(c.type))) return null;
  return (
    <section className="regions">
      <div className="regions-head">
        <h3>{t('wb.regions')}</h3>
        <span className="grow" />
        {entries.length > 1 && <label><input type="checkbox" data-testid="regions-group" checked={grouped} onChange={(e) => setGrouped(e.target.checked)} />{t('wbx.groupByLabel')}</label>}
      </div>
      {state.predicted.length > 0 && <p className="muted small">{t('wb.predictionHint')}</p>}
      {rows.length ? <ul className="region-list">{rows}</ul> : <p className="muted">{t('wb.noRegions')}</p>}
      {schema.controls.some((c) => c.type === 'relations') && <>
        <h3>{t('wb.relations')}</h3>
        <p className="muted small">{t('wb.relationHint')}</p>
        <ul className="region-list">{rels}</ul>
      </>}
    </section>
  );
}


export const SHORTCUTS: [string, MessageKey][] = [
  ['Ctrl+Enter', 'keys.submit'], ['Ctrl+Shift+S', 'keys.skip'], ['Ctrl+Z', 'keys.undo'], ['Ctrl+Shift+Z', 'keys.redo'],
  ['1–9', 'keys.labels'], ['Tab', 'keys.tab'], ['Delete', 'keys.delete'], ['Esc', 'keys.escape'], ['R', 'keys.relation'], ['Shift+← →', 'keys.textCaret'], ['Shift+drag', 'keys.tools'],
  ['Space', 'keys.pan'], ['← ↑ → ↓', 'keys.nudge'], ['[ ]', 'keys.rotate'], ['+ − F', 'keys.zoom'], ['Enter', 'keys.enterPolygon'], ['Space', 'keys.play'], ['← →', 'keys.seek'], ['[ ]', 'keys.mark'],
  ['1 2 3', 'keys.pair'], ['?', 'keys.help'],
  ['B E', 'keys.maskTools'], ['[ ]', 'keys.brushSize'], ['H', 'keys.maskHide'],
];

export function ShortcutSheet({ onClose }: { onClose: () => void }) {
  const t = useT();
  return (
    <div className="modal-back" onClick={onClose}>
      <div className="modal" role="dialog" aria-label={t('wb.shortcuts')} data-testid="shortcut-sheet" onClick={(e) => e.stopPropagation()}>
        <h2>{t('wb.shortcuts')}</h2>
        <table className="keys"><tbody>
          {SHORTCUTS.map(([k, m], i) => <tr key={i}><td><kbd>{k}</kbd></td><td>{t(m)}</td></tr>)}
        </tbody></table>
        <button type="button" onClick={onClose} data-testid="shortcut-close">{t('common.close')}</button>
      </div>
    </div>
  );
}
