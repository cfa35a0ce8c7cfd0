import { useMemo, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, type CreateProject, type ProjectOrder, type ReviewPolicy } from '../api';
import { errorText } from '../api/queries';
import { fieldLines, problemHead } from '../api/problems';
import { useI18n, useT, type MessageKey } from '../i18n';
import { STARTER_SCHEMA, sampleData } from '../lib/sample';
import type { Template } from '../lib/templates';
import { navigate } from '../router';
import { useSession } from '../session';
import { FieldErrors, SchemaEditorCard, useSchemaDraft } from './SchemaDraft';
import { SchemaPreview } from './SchemaPreview';
import { TemplateGallery } from './TemplateGallery';

export function NewProjectPage() {
  const t = useT();
  const { lang } = useI18n();
  const { org } = useSession();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [instructions, setInstructions] = useState('');
  const [overlap, setOverlap] = useState(1);
  const [leaseSeconds, setLeaseSeconds] = useState(1800);
  const [order, setOrder] = useState<ProjectOrder>('priority');
  const [review, setReview] = useState<ReviewPolicy>('none');
  const [percent, setPercent] = useState(10);
  const draft = useSchemaDraft(STARTER_SCHEMA);
  const { schema } = draft;
  const [template, setTemplate] = useState<string | null>(null);
  const choose = (tpl: Template) => { draft.setSchema(tpl.schema(lang === 'zh-CN')); draft.setTab('form'); setTemplate(tpl.id); };

  const fieldsKey = JSON.stringify(schema.fields);
  const [sampleText, setSampleText] = useState('');
  // New fields get new sample data; other schema edits keep what the person typed into it.
  const [sampleFor, setSampleFor] = useState<string | null>(null);
  if (sampleFor !== fieldsKey) { setSampleFor(fieldsKey); setSampleText(JSON.stringify(sampleData(schema), null, 2)); }
  const sample = useMemo(() => { try { return JSON.parse(sampleText) as Record<string, unknown>; } catch { return null; } }, [sampleText]);

  const creating = useMutation({
    mutationFn: (body: CreateProject) => api.createProject(body),
    onSuccess: (p) => {
      void queryClient.invalidateQueries({ queryKey: ['projects'] });
      navigate(`/projects/${p.id}/import`);
    },
  });
  const createError = creating.error as ApiError | null;
  const errorLines = createError ? fieldLines(createError.problem, t) : [];
  const error = createError ? (errorLines.length ? problemHead(createError.problem, t) : errorText(createError, t)) : null;

  const create = (e: React.FormEvent) => {
    e.preventDefault();
    if (!org) return;
    draft.checking.reset();
    creating.mutate({
      organizationId: org.id, name, instructions, overlap, leaseSeconds, order,
      review: { policy: review, percent: review === 'sample' ? percent : 0 },
      ...draft.body(),
    });
  };
  const busy = creating.isPending;

  return (
    <form className="page wide" onSubmit={create} data-testid="new-project-form">
      <div className="page-head"><h1>{t('create.title')}</h1></div>
      <TemplateGallery chosen={template} onChoose={choose} />
      <div className="two-col">
        <div>
          <div className="card form-grid">
            <label>{t('create.name')}<input required data-testid="project-name" value={name} onChange={(e) => setName(e.target.value)} /></label>
            <label>{t('settings.instructions')}<textarea rows={4} data-testid="project-instructions" value={instructions} onChange={(e) => setInstructions(e.target.value)} placeholder={t('settings.instructionsHint')} /></label>
            <div className="row wrap">
              <label>{t('create.overlap')}<input type="number" min={1} max={20} data-testid="project-overlap" value={overlap} onChange={(e) => setOverlap(Number(e.target.value))} /></label>
              <label>{t('create.lease')}<input type="number" min={60} data-testid="project-lease" value={leaseSeconds} onChange={(e) => setLeaseSeconds(Number(e.target.value))} /></label>
              <label>{t('create.order')}
                <select data-testid="project-order" value={order} onChange={(e) => setOrder(e.target.value as typeof order)}>
                  <option value="priority">{t('create.order.priority')}</option>
                  <option value="random">{t('create.order.random')}</option>
                  <option value="least_annotated">{t('create.order.least_annotated')}</option>
                  <option value="most_uncertain">{t('create.order.most_uncertain')}</option>
                </select>
              </label>
              <label>{t('create.review')}
                <select data-testid="project-review" value={review} onChange={(e) => setReview(e.target.value as typeof review)}>
                  <option value="none">{t('create.review.none')}</option>
                  <option value="sample">{t('create.review.sample')}</option>
                  <option value="all">{t('create.review.all')}</option>
                </select>
              </label>
              {review === 'sample' && <label>{t('create.review.percent')}<input type="number" min={1} max={100} value={percent} onChange={(e) => setPercent(Number(e.target.value))} /></label>}
            </div>
          </div>

          <div className="card">
            {template && <div className="banner info" data-testid="template-chosen">{t('tpl.chosen', { name: t(`tpl.${template}.name` as MessageKey) })}</div>}
            <SchemaEditorCard draft={draft} onCheck={() => creating.reset()} />
          </div>
          <FieldErrors error={createError} testId="create-errors" />
          {error && <div className="banner error" role="alert">{error}</div>}
          <button type="submit" className="primary" disabled={busy || !!draft.jsonError} data-testid="create-submit">{t('create.submit')}</button>
        </div>
        <div>
          <div className="card">
            <h3>{t('create.preview')}</h3>
            {sample && <SchemaPreview schema={schema} data={sample} />}
            <details>
              <summary>{t('create.sample')}</summary>
              <textarea className="code" rows={8} spellCheck={false} data-testid="sample-data" value={sampleText} onChange={(e) => setSampleText(e.target.value)} />
            </details>
          </div>
        </div>
      </div>
    </form>
  );
}
