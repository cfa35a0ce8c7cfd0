import { useT } from '../i18n';
import { labelsOf, type ChoicesControl, type RatingControl, type TranscriptionControl } from '../lib/schema';
import { setRegionAttribute } from './state';
import { useWb } from './context';

type AttributeControl = ChoicesControl | RatingControl | TranscriptionControl;

/** Per-region attributes of the schema: the controls whose values belong to one region each. */
export function attributeControls(controls: readonly { type: string; perRegion?: string[] }[]): AttributeControl[] {
  return controls.filter((c) => (c.type === 'choices' || c.type === 'rating' || c.type === 'transcription') && !!c.perRegion?.length) as AttributeControl[];
}

/** The side panel's editors of the selected region's attributes (text, choices, rating), in the schema's order. */
export function RegionAttributes({ controls }: { controls: AttributeControl[] }) {
  const t = useT();
  const wb = useWb();
  const sel = wb.state.selected;
  const mine = sel ? controls.filter((c) => c.perRegion!.includes(sel.control)) : [];
  if (!sel || mine.length === 0) {
    return <p className="muted small" data-testid="attributes-hint">{t('attr.pick', { names: controls.map((c) => c.name).join(', ') })}</p>;
  }
  const id = sel.id;
  const valueOf = (name: string) => {
    const m = wb.state.result[name];
    return m && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, unknown>)[id] : undefined;
  };
  return (
    <section className="control active" data-testid="region-attributes" aria-label={t('attr.title')}>
      <h3>{t('attr.title')} <small className="muted">{id}</small></h3>
      {mine.map((c) => {
        const cur = valueOf(c.name);
        if (c.type === 'transcription') {
          return (
            <label key={c.name} className="stack">
              <span>{c.name}{c.required ? ' *' : ''}</span>
              <textarea data-testid={`attr-${c.name}`} rows={2} className="grows" value={typeof cur === 'string' ? cur : ''} readOnly={wb.readOnly}
                placeholder={t('attr.text')}
                onChange={(e) => { const v = e.target.value; wb.update((s) => setRegionAttribute(s, c.name, id, v, true)); }} />
            </label>
          );
        }
        if (c.type === 'choices') {
          const chosen = Array.isArray(cur) ? (cur as string[]) : [];
          return (
            <div key={c.name}>
              <span>{c.name}{c.required ? ' *' : ''}</span>
              <div className="choices" role={c.multiple ? 'group' : 'radiogroup'} aria-label={c.name}>
                {labelsOf(c).map((o) => {
                  const on = chosen.includes(o.value);
                  const next = c.multiple ? (on ? chosen.filter((x) => x !== o.value) : [...chosen, o.value]) : (on ? [] : [o.value]);
                  return (
                    <button type="button" key={o.value} role={c.multiple ? 'checkbox' : 'radio'} aria-checked={on} disabled={wb.readOnly}
                      data-testid={`attr-${c.name}-${o.value}`} className={`chip${on ? ' on' : ''}`}
                      onClick={() => wb.update((s) => setRegionAttribute(s, c.name, id, next.length ? next : null))}>
                      {on && <span aria-hidden className="tick">✓</span>}{o.value}
                    </button>
                  );
                })}
              </div>
            </div>
          );
        }
        const max = c.max ?? 5;
        return (
          <div key={c.name}>
            <span>{c.name}{c.required ? ' *' : ''}</span>
            <div className="rating" role="radiogroup" aria-label={c.name}>
              {Array.from({ length: max }, (_, i) => i + 1).map((n) => (
                <button type="button" key={n} role="radio" aria-checked={cur === n} data-testid={`attr-${c.name}-${n}`}
                  className={`star${typeof cur === 'number' && n <= cur ? ' on' : ''}`} disabled={wb.readOnly}
                  onClick={() => wb.update((s) => setRegionAttribute(s, c.name, id, cur === n ? null : n))}>
                  ★<small>{n % 10}</small>
                </button>
              ))}
            </div>
          </div>
        );
      })}
    </section>
  );
}
