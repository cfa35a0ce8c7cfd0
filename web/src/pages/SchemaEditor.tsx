import { useT } from '../i18n';
import type { Control, ControlType, Field, FieldType, LabelLike, RankingControl, Schema } from '../lib/schema';
import { optionsToText, textToOptions } from '../workbench/taxonomy';

const FIELD_TYPES: FieldType[] = ['text', 'html', 'image', 'audio', 'video', 'list', 'json', 'dialogue', 'timeseries', 'document'];
// The field types with an add button of their own (the rest are picked in a field's type select).
const QUICK_FIELD_TYPES: FieldType[] = ['text', 'image', 'audio', 'video', 'list'];
const CONTROL_TYPES: ControlType[] = ['choices', 'spans', 'relations', 'rectangles', 'polygons', 'keypoints', 'segments', 'transcription', 'rating', 'ranking', 'taxonomy', 'masks', 'timeseries', 'tracks', 'dialogue'];
/** Controls whose regions per-region attributes can describe (as the server's PerRegion.IsRegionType). */
const REGION_TYPES: ControlType[] = ['spans', 'rectangles', 'polygons', 'keypoints', 'segments', 'timeseries'];
const ATTRIBUTE_TYPES = ['transcription', 'choices', 'rating'] as const;
const FIELD_FOR: Partial<Record<ControlType, FieldType[]>> = {
  choices: FIELD_TYPES, spans: ['text', 'html'], rectangles: ['image', 'document'], polygons: ['image'], keypoints: ['image'],
  segments: ['audio', 'video'], transcription: ['audio', 'video', 'text', 'image'], ranking: ['list'], taxonomy: FIELD_TYPES,
  masks: ['image'], timeseries: ['timeseries'], tracks: ['video'], dialogue: ['dialogue'],
};
/** Region controls whose labels may also come from the task data (labelsFrom). */
const LABELS_FROM_TYPES: ControlType[] = ['rectangles', 'polygons', 'keypoints', 'masks'];

/** A copy of <o> without the keys <keys>. */
function without<T extends object>(o: T, ...keys: string[]): T {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k))) as T;
}

/** "name|title" per line, the shorthand for ranking buckets. */
export function bucketsToText(buckets: RankingControl['buckets']): string {
  return (buckets ?? []).map((b) => (typeof b === 'string' ? b : b.title ? `${b.value}|${b.title}` : b.value)).join('\n');
}

export function textToBuckets(text: string): NonNullable<RankingControl['buckets']> {
  return text.split('\n').map((s) => s.trim()).filter(Boolean).map((line) => {
    const [value, title] = line.split('|').map((x) => x.trim());
    return title ? { value: value!, title } : value!;
  });
}

/** "value|hotkey|#colour" per line, the shorthand the form uses for labels and options. */
export function labelsToText(labels: LabelLike[] | undefined): string {
  return (labels ?? []).map((l) => (typeof l === 'string' ? l : [l.value, l.hotkey ?? '', l.color ?? ''].join('|').replace(/\|+$/, ''))).join('\n');
}

export function textToLabels(text: string): LabelLike[] {
  return text.split('\n').map((s) => s.trim()).filter(Boolean).map((line) => {
    const [value, hotkey, color] = line.split('|').map((x) => x.trim());
    if (!hotkey && !color) return value!;
    return { value: value!, ...(hotkey ? { hotkey } : {}), ...(color ? { color } : {}) };
  });
}

function newControl(type: ControlType, schema: Schema): Control {
  const n = schema.controls.filter((c) => c.type === type).length;
  const name = `${type}${n ? n + 1 : ''}`;
  const field = schema.fields.find((f) => FIELD_FOR[type]?.includes(f.type))?.name ?? '';
  switch (type) {
    case 'choices': return { name, type, field, options: ['yes', 'no'] };
    case 'relations': return { name, type, spans: schema.controls.find((c) => c.type === 'spans')?.name ?? '', labels: [] };
    case 'transcription': return { name, type, field };
    case 'rating': return { name, type, max: 5 };
    case 'ranking': return { name, type, field, mode: 'rank', rationale: false };
    case 'taxonomy': return { name, type, field, options: [{ value: 'A', children: ['A1', 'A2'] }, 'B'] };
    default: return { name, type, field, labels: ['label'] };
  }
}

/** A new per-region attribute of kind <type> describing the regions of control <owner>. */
export function newAttribute(type: (typeof ATTRIBUTE_TYPES)[number], owner: string, schema: Schema): Control {
  const base = { transcription: 'text', choices: 'class', rating: 'score' }[type];
  let name = `${owner}_${base}`;
  for (let n = 2; schema.controls.some((c) => c.name === name); n++) name = `${owner}_${base}${n}`;
  switch (type) {
    case 'choices': return { name, type, options: ['yes', 'no'], perRegion: [owner] };
    case 'rating': return { name, type, max: 5, perRegion: [owner] };
    default: return { name, type, perRegion: [owner] };
  }
}

export function SchemaForm({ schema, onChange }: { schema: Schema; onChange: (s: Schema) => void }) {
  const t = useT();
  const setField = (i: number, f: Field) => onChange({ ...schema, fields: schema.fields.map((x, j) => (j === i ? f : x)) });
  const setControl = (i: number, c: Control) => onChange({ ...schema, controls: schema.controls.map((x, j) => (j === i ? c : x)) });
  const rm = <T,>(arr: T[], i: number) => arr.filter((_, j) => j !== i);

  return (
    <div className="schema-form" data-testid="schema-form">
      <h3>{t('schema.fields')}</h3>
      {schema.fields.map((f, i) => (
        <div className="row" key={i}>
          <input aria-label={t('schema.name')} data-testid={`field-name-${i}`} value={f.name} onChange={(e) => setField(i, { ...f, name: e.target.value })} />
          <select aria-label={t('schema.type')} data-testid={`field-type-${i}`} value={f.type} onChange={(e) => setField(i, { ...f, type: e.target.value as FieldType })}>
            {FIELD_TYPES.map((x) => <option key={x}>{x}</option>)}
          </select>
          <button type="button" className="link" onClick={() => onChange({ ...schema, fields: rm(schema.fields, i) })}>{t('schema.remove')}</button>
        </div>
      ))}
      <div className="row">
        {QUICK_FIELD_TYPES.map((ft) => (
          <button type="button" key={ft} data-testid={`add-field-${ft}`} onClick={() => onChange({ ...schema, fields: [...schema.fields, { name: schema.fields.some((f) => f.name === ft) ? `${ft}${schema.fields.length + 1}` : ft, type: ft }] })}>
            + {ft}
          </button>
        ))}
      </div>

      <h3>{t('schema.controls')}</h3>
      {schema.controls.map((c, i) => {
        const fits = schema.fields.filter((f) => FIELD_FOR[c.type]?.includes(f.type));
        const labelsKey = c.type === 'choices' ? 'options' : 'labels';
        const hasLabels = c.type !== 'transcription' && c.type !== 'rating' && c.type !== 'ranking' && c.type !== 'taxonomy';
        return (
          <fieldset className="control-edit" key={i} data-testid={`control-edit-${i}`}>
            <div className="row wrap">
              <input aria-label={t('schema.name')} data-testid={`control-name-${i}`} value={c.name} onChange={(e) => setControl(i, { ...c, name: e.target.value })} />
              <b>{c.type}</b>
              {c.type === 'ranking' && c.fields && <span data-testid={`control-fields-${i}`}>{t('schema.compares')} <code>{c.fields[0]}</code> ↔ <code>{c.fields[1]}</code></span>}
              {FIELD_FOR[c.type] && !(c.type === 'ranking' && c.fields) && !('perMessage' in c && c.perMessage) && (
                <label>{t('schema.field')}{' '}
                  <select value={c.field ?? ''} onChange={(e) => setControl(i, { ...c, field: e.target.value || undefined } as Control)}>
                    {(c.type === 'choices' || c.type === 'transcription' || c.type === 'taxonomy') && <option value="">—</option>}
                    {fits.map((f) => <option key={f.name}>{f.name}</option>)}
                  </select>
                </label>
              )}
              {c.type === 'relations' && (
                <label>{t('schema.spans')}{' '}
                  <select value={c.spans} onChange={(e) => setControl(i, { ...c, spans: e.target.value })}>
                    {schema.controls.filter((x) => x.type === 'spans').map((x) => <option key={x.name}>{x.name}</option>)}
                  </select>
                </label>
              )}
              {(c.type === 'transcription' || c.type === 'choices' || c.type === 'rating') && !(c.type === 'transcription' && c.perSegment) && !c.perMessage && (
                <label>{t('schema.perRegion')}{' '}
                  <select data-testid={`control-per-region-${i}`} value={c.perRegion?.[0] ?? ''}
                    onChange={(e) => {
                      const owner = e.target.value;
                      const rest = (c.perRegion ?? []).slice(1).filter((x) => x !== owner);
                      setControl(i, { ...c, perRegion: owner ? [owner, ...rest] : undefined, ...(owner ? { field: undefined } : {}) });
                    }}>
                    <option value="">{t('schema.wholeTask')}</option>
                    {schema.controls.filter((x) => REGION_TYPES.includes(x.type)).map((x) => <option key={x.name}>{x.name}</option>)}
                  </select>
                </label>
              )}
              {(c.type === 'transcription' || c.type === 'choices' || c.type === 'rating') && !(c.type === 'transcription' && c.perSegment) && !c.perRegion?.length
                && (c.perMessage || schema.fields.some((f) => f.type === 'dialogue')) && (
                <label>{t('schema.perMessage')}{' '}
                  <select data-testid={`control-per-message-${i}`} value={c.perMessage ?? ''}
                    onChange={(e) => setControl(i, { ...c, perMessage: e.target.value || undefined, ...(e.target.value ? { field: undefined } : {}) })}>
                    <option value="">{t('schema.notPerMessage')}</option>
                    {schema.fields.filter((f) => f.type === 'dialogue').map((f) => <option key={f.name}>{f.name}</option>)}
                  </select>
                </label>
              )}
              {c.type === 'transcription' && !c.perRegion?.length && !c.perMessage && (
                <label>{t('schema.perSegment')}{' '}
                  <select value={c.perSegment ?? ''} onChange={(e) => setControl(i, { ...c, perSegment: e.target.value || undefined })}>
                    <option value="">—</option>
                    {schema.controls.filter((x) => x.type === 'segments').map((x) => <option key={x.name}>{x.name}</option>)}
                  </select>
                </label>
              )}
              {(c.type === 'choices' || c.type === 'taxonomy') && <label><input type="checkbox" checked={!!c.multiple} onChange={(e) => setControl(i, { ...c, multiple: e.target.checked })} /> {t('schema.multiple')}</label>}
              {c.type === 'taxonomy' && <label><input type="checkbox" checked={!!c.leafsOnly} onChange={(e) => setControl(i, { ...c, leafsOnly: e.target.checked })} /> {t('schema.leafsOnly')}</label>}
              {c.type === 'rating' && <label>{t('schema.max')} <input type="number" min={2} max={10} value={c.max ?? 5} onChange={(e) => setControl(i, { ...c, max: Number(e.target.value) })} /></label>}
              {c.type === 'ranking' && <>
                <label>{t('schema.mode')}{' '}
                  <select data-testid={`control-mode-${i}`} value={c.mode} onChange={(e) => {
                    const mode = e.target.value as 'rank' | 'pairwise';
                    // Buckets sort a list; two whole fields are only compared.
                    setControl(i, mode === 'pairwise' ? { ...without(c, 'buckets'), mode } : { ...without(c, 'buckets', 'fields'), mode, field: c.field ?? schema.fields.find((f) => f.type === 'list')?.name });
                  }}><option>rank</option><option>pairwise</option></select>
                </label>
                {c.mode === 'pairwise' && (
                  <label>{t('schema.pairOf')}{' '}
                    <select data-testid={`control-pair-${i}`} value={c.fields ? 'fields' : 'items'} onChange={(e) => {
                      const rest = without(c, 'field', 'fields');
                      setControl(i, e.target.value === 'fields'
                        ? { ...rest, fields: [schema.fields[0]?.name ?? '', schema.fields[1]?.name ?? schema.fields[0]?.name ?? ''] }
                        : { ...rest, field: schema.fields.find((f) => f.type === 'list')?.name ?? '' });
                    }}>
                      <option value="items">{t('schema.pairItems')}</option>
                      <option value="fields">{t('schema.pairFields')}</option>
                    </select>
                  </label>
                )}
                {c.mode === 'pairwise' && c.fields && ([0, 1] as const).map((side) => (
                  <label key={side}>{t(side === 0 ? 'schema.pairLeft' : 'schema.pairRight')}{' '}
                    <select data-testid={`control-pair-field-${i}-${side}`} value={c.fields![side]}
                      onChange={(e) => setControl(i, { ...c, fields: side === 0 ? [e.target.value, c.fields![1]] : [c.fields![0], e.target.value] })}>
                      {schema.fields.map((f) => <option key={f.name}>{f.name}</option>)}
                    </select>
                  </label>
                ))}
                <label><input type="checkbox" checked={!!c.rationale} onChange={(e) => setControl(i, { ...c, rationale: e.target.checked })} /> {t('schema.rationale')}</label>
              </>}
              {['choices', 'transcription', 'rating', 'taxonomy'].includes(c.type) && (
                <label><input type="checkbox" checked={!!c.required} onChange={(e) => setControl(i, { ...c, required: e.target.checked })} /> {t('schema.required')}</label>
              )}
              <span className="grow" />
              <button type="button" className="link" onClick={() => onChange({ ...schema, controls: rm(schema.controls, i) })}>{t('schema.remove')}</button>
            </div>
            {REGION_TYPES.includes(c.type) && (
              <div className="row small" data-testid={`control-attributes-${i}`}>
                <span className="muted">{t('schema.attributes')}</span>
                {schema.controls.filter((x) => 'perRegion' in x && x.perRegion?.includes(c.name)).map((x) => <code key={x.name}>{x.name}</code>)}
                {ATTRIBUTE_TYPES.map((type) => (
                  <button type="button" key={type} data-testid={`add-attribute-${i}-${type}`}
                    onClick={() => onChange({ ...schema, controls: [...schema.controls, newAttribute(type, c.name, schema)] })}>
                    + {t(`schema.attribute.${type}`)}
                  </button>
                ))}
              </div>
            )}
            {c.type === 'taxonomy' && (
              <label className="block">{t('schema.taxonomyOptions')}
                <textarea rows={5} key={optionsToText(c.options)} data-testid={`control-labels-${i}`} defaultValue={optionsToText(c.options)}
                  onBlur={(e) => setControl(i, { ...c, options: textToOptions(e.target.value) })} />
              </label>
            )}
            {c.type === 'ranking' && c.mode === 'rank' && (
              <label className="block">{t('schema.bucketsEdit')}
                <textarea rows={3} key={bucketsToText(c.buckets)} data-testid={`control-buckets-${i}`} defaultValue={bucketsToText(c.buckets)}
                  onBlur={(e) => {
                    const buckets = textToBuckets(e.target.value);
                    setControl(i, buckets.length ? { ...c, buckets } : without(c, 'buckets'));
                  }} />
              </label>
            )}
            {(c.type === 'choices' && !c.perRegion?.length && !c.perMessage || LABELS_FROM_TYPES.includes(c.type)) && (
              <label className="block">{t(c.type === 'choices' ? 'schema.optionsFrom' : 'schema.labelsFrom')}{' '}
                <input data-testid={`control-from-data-${i}`} placeholder="—"
                  value={(c.type === 'choices' ? c.optionsFrom : 'labelsFrom' in c ? c.labelsFrom : undefined) ?? ''}
                  onChange={(e) => {
                    const key = c.type === 'choices' ? 'optionsFrom' : 'labelsFrom';
                    setControl(i, e.target.value ? { ...c, [key]: e.target.value } : without(c, key));
                  }} />
              </label>
            )}
            {hasLabels && (
              <label className="block">{c.type === 'choices' ? t('schema.options') : t('schema.labels')}
                <textarea rows={3} key={labelsToText((c as unknown as Record<string, LabelLike[]>)[labelsKey])} data-testid={`control-labels-${i}`} defaultValue={labelsToText((c as unknown as Record<string, LabelLike[]>)[labelsKey])}
                  onBlur={(e) => setControl(i, { ...c, [labelsKey]: textToLabels(e.target.value) })} />
              </label>
            )}
          </fieldset>
        );
      })}
      <div className="row wrap">
        {CONTROL_TYPES.map((ct) => (
          <button type="button" key={ct} data-testid={`add-control-${ct}`} onClick={() => onChange({ ...schema, controls: [...schema.controls, newControl(ct, schema)] })}>+ {ct}</button>
        ))}
      </div>
    </div>
  );
}
