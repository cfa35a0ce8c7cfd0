import { useT } from '../i18n';
import { labelsOf, type ChoicesControl, type RatingControl, type TranscriptionControl } from '../lib/schema';
import { setRegionAttribute } from './state';
import { useWb } from './context';

type AttributeControl = ChoicesControl | RatingControl | TranscriptionControl;

/** Attributes of the schema: the controls whose values belong to one region (or one message) each. */
export function attributeControls(controls: readonly { type: string; perRegion?: string[]; perMessage?: string }[]): AttributeControl[] {
  return controls.filter((c) => (c.type === 'choices' || c.type === 'rating' || c.type === 'transcription') && (!!c.perRegion?.length || !!c.perMessage)) as AttributeControl[];
}

/** The side panel's editors of the selected region's attributes (text, choices, rating), in the schema's order. */
export function RegionAttributes({ controls }: { controls: AttributeControl[] }) {
  const t = useT();
  const wb = useWb();
  const sel = wb.state.selected;
  const perRegion = controls.filter((c) => !!c.perRegion?.length);
  if (perRegion.length === 0) return null;
  const mine = sel ? perRegion.filter((c) => c.perRegion!.includes(sel.control)) : [];
  if (!sel || mine.length === 0) {
    return <p className="muted small" data-testid="attributes-hint">{t('attr.pick', { names: perRegion.map((c) => c.name).join(', ') })}</p>;
  }
  return (
    <section className="control active" data-testid="region-attributes" aria-label={t('attr.title')}>
      <h3>{t('attr.title')} <small className="muted">{sel.id}</small></h3>
      <AttributeEditors controls={mine} id={sel.id} testId={(c) => `attr-${c}`} placeholder={t('attr.text')} />
    </section>
  );
}

/** One message's answers (per-message attributes of its dialogue field), under its chat bubble. */
export function MessageAttributes({ controls, index }: { controls: AttributeControl[]; index: number }) {
  const t = useT();
  if (controls.length === 0) return null;
  return (
    <div className="message-attributes" data-testid={`message-attributes-${index}`} aria-label={t('attr.message', { n: index + 1 })}>
      <AttributeEditors controls={controls} id={String(index)} testId={(c) => `attr-${c}-m${index}`} placeholder={t('attr.messageText')} />
    </div>
  );
}

/** Editors of the values of attributes <c>controls</c> for one region id or message index. */
function AttributeEditors({ controls, id, testId, placeholder }: { controls: AttributeControl[]; id: string; testId: (control: string) => string; placeholder: string }) {
  const wb = useWb();
  const valueOf = (name: string) => {
    const m = wb.state.result[name];
    return m && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, unknown>)[id] : undefined;
  };
  return (
    <>
      {controls.map((c) => {
        const cur = valueOf(c.name);
        if (c.type === 'transcription') {
          return (
            <label key={c.name} className="stack">
              <span>{c.name}{c.required ? ' *' : ''}</span>
              <textarea data-testid={testId(c.name)} rows={2} className="grows" value={typeof cur === 'string' ? cur : ''} readOnly={wb.readOnly}
                placeholder={placeholder}
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
                      data-testid={`${testId(c.name)}-${o.value}`} className={`chip${on ? ' on' : ''}`}
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
                <button type="button" key={n} role="radio" aria-checked={cur === n} data-testid={`${testId(c.name)}-${n}`}
                  className={`star${typeof cur === 'number' && n <= cur ? ' on' : ''}`} disabled={wb.readOnly}
                  onClick={() => wb.update((s) => setRegionAttribute(s, c.name, id, cur === n ? null : n))}>
                  ★<small>{n % 10}</small>
                </button>
              ))}
            </div>
          </div>
        );
      })}
    </>
  );
}
