import { useI18n, type MessageKey } from '../i18n';
import { DEFAULT_COLORS } from '../lib/schema';
import { controlSummary, TEMPLATES, type Template } from '../lib/templates';

/** The gallery of ready schemas on the new-project page; choosing one hands its schema, in the reader's language, to the form. */
export function TemplateGallery({ chosen, onChoose }: { chosen: string | null; onChoose: (t: Template) => void }) {
  const { t, lang } = useI18n();
  return (
    <div className="card" data-testid="template-gallery">
      <h3>{t('tpl.title')}</h3>
      <div className="tpl-grid">
        {TEMPLATES.map((tpl) => {
          const schema = tpl.schema(lang === 'zh-CN');
          return (
            <button type="button" key={tpl.id} className={`tpl-card${chosen === tpl.id ? ' on' : ''}`} aria-pressed={chosen === tpl.id}
              data-testid={`template-${tpl.id}`} onClick={() => onChoose(tpl)}>
              <span className="tpl-head"><span className="tpl-icon" aria-hidden>{tpl.icon}</span><b>{t(`tpl.${tpl.id}.name` as MessageKey)}</b></span>
              <span className="tpl-desc">{t(`tpl.${tpl.id}.desc` as MessageKey)}</span>
              <span className="tpl-preview" data-testid={`template-preview-${tpl.id}`}>
                {schema.fields.map((f) => <span key={f.name} className="tpl-field">{f.type}</span>)}
                {schema.controls.map((c) => {
                  const s = controlSummary(c);
                  return (
                    <span key={c.name} className="tpl-control">
                      <i>{s.type}</i>
                      {s.labels.slice(0, 3).map((l, i) => <span key={l} className="tpl-chip" style={{ borderColor: DEFAULT_COLORS[i % DEFAULT_COLORS.length] }}>{l}</span>)}
                      {s.labels.length > 3 && <span className="muted">+{s.labels.length - 3}</span>}
                    </span>
                  );
                })}
              </span>
            </button>
          );
        })}
      </div>
    </div>
  );
}
