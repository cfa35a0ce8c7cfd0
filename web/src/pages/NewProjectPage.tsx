import { useMemo, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, type CreateProject, type ProjectOrder, type ReviewPolicy, type SchemaCheck, type UnmappedTag } from '../api';
import { errorText } from '../api/queries';
import { fieldLines, problemHead } from '../api/problems';
import { useT, type T } from '../i18n';
import { STARTER_SCHEMA, sampleData } from '../lib/sample';
import type { Schema } from '../lib/schema';
import { navigate } from '../router';
import { useSession } from '../session';
import { SchemaPreview } from './SchemaPreview';
import { SchemaForm } from './SchemaEditor';

type Tab = 'form' | 'json' | 'xml';

/** A Label Studio tag the conversion left out, as `<Taxonomy> named “topic”`. */
export function unmappedLabel(t: T, u: UnmappedTag): string {
  return u.name ? t('create.unmappedTag', { tag: u.tag, name: u.name }) : `<${u.tag}>`;
}

export function NewProjectPage() {
  const t = useT();
  const { org } = useSession();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [instructions, setInstructions] = useState('');
  const [overlap, setOverlap] = useState(1);
  const [leaseSeconds, setLeaseSeconds] = useState(1800);
  const [order, setOrder] = useState<ProjectOrder>('priority');
  const [review, setReview] = useState<ReviewPolicy>('none');
  const [percent, setPercent] = useState(10);
  const [tab, setTab] = useState<Tab>('form');
  const [schema, setSchema] = useState<Schema>(STARTER_SCHEMA);
  const [json, setJson] = useState(JSON.stringify(STARTER_SCHEMA, null, 2));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [xml, setXml] = useState('');
  const [check, setCheck] = useState<SchemaCheck | null>(null);

  const fieldsKey = JSON.stringify(schema.fields);
  const [sampleText, setSampleText] = useState('');
  // New fields get new sample data; other schema edits keep what the person typed into it.
  const [sampleFor, setSampleFor] = useState<string | null>(null);
  if (sampleFor !== fieldsKey) { setSampleFor(fieldsKey); setSampleText(JSON.stringify(sampleData(schema), null, 2)); }
  const sample = useMemo(() => { try { return JSON.parse(sampleText) as Record<string, unknown>; } catch { return null; } }, [sampleText]);

  const fromForm = (s: Schema) => { setSchema(s); setJson(JSON.stringify(s, null, 2)); setCheck(null); };
  const fromJson = (text: string) => {
    setJson(text);
    setCheck(null);
    try {
      const v = JSON.parse(text) as Schema;
      if (!Array.isArray(v.fields) || !Array.isArray(v.controls)) throw new Error('fields / controls');
      setSchema(v); setJsonError(null);
    } catch (e) { setJsonError(t('create.jsonError', { message: (e as Error).message })); }
  };

  const checking = useMutation({
    mutationFn: () => api.checkSchema(tab === 'xml' ? { labelStudioXml: xml } : { schema }),
    onSuccess: setCheck,
  });

  const creating = useMutation({
    mutationFn: (body: CreateProject) => api.createProject(body),
    onSuccess: (p) => {
      void queryClient.invalidateQueries({ queryKey: ['projects'] });
      navigate(`/projects/${p.id}/import`);
    },
  });
  const createError = creating.error as ApiError | null;
  const errorLines = createError ? fieldLines(createError.problem, t) : [];
  const error = checking.error ? errorText(checking.error, t)
    : createError ? (errorLines.length ? problemHead(createError.problem, t) : errorText(createError, t)) : null;

  const create = (e: React.FormEvent) => {
    e.preventDefault();
    if (!org) return;
    checking.reset();
    creating.mutate({
      organizationId: org.id, name, instructions, overlap, leaseSeconds, order,
      review: { policy: review, percent: review === 'sample' ? percent : 0 },
      ...(tab === 'xml' && !check?.schema ? { labelStudioXml: xml } : { schema }),
    });
  };
  const busy = creating.isPending;

  return (
    <form className="page wide" onSubmit={create} data-testid="new-project-form">
      <div className="page-head"><h1>{t('create.title')}</h1></div>
      <div className="two-col">
        <div>
          <div className="card form-grid">
            <label>{t('create.name')}<input required data-testid="project-name" value={name} onChange={(e) => setName(e.target.value)} /></label>
            <label>{t('create.instructions')}<textarea rows={3} data-testid="project-instructions" value={instructions} onChange={(e) => setInstructions(e.target.value)} /></label>
            <div className="row wrap">
              <label>{t('create.overlap')}<input type="number" min={1} max={20} data-testid="project-overlap" value={overlap} onChange={(e) => setOverlap(Number(e.target.value))} /></label>
              <label>{t('create.lease')}<input type="number" min={60} data-testid="project-lease" value={leaseSeconds} onChange={(e) => setLeaseSeconds(Number(e.target.value))} /></label>
              <label>{t('create.order')}
                <select data-testid="project-order" value={order} onChange={(e) => setOrder(e.target.value as typeof order)}>
                  <option value="priority">{t('create.order.priority')}</option>
                  <option value="random">{t('create.order.random')}</option>
                  <option value="least_annotated">{t('create.order.least_annotated')}</option>
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
            <div className="tabs" role="tablist">
              {(['form', 'json', 'xml'] as Tab[]).map((x) => (
                <button type="button" role="tab" key={x} aria-selected={tab === x} data-testid={`schema-tab-${x}`} className={tab === x ? 'on' : ''} onClick={() => setTab(x)}>
                  {t(`create.tab.${x}`)}
                </button>
              ))}
              <span className="grow" />
              <button type="button" data-testid="schema-check" onClick={() => { creating.reset(); checking.mutate(); }}>{t('create.check')}</button>
            </div>
            {tab === 'form' && <SchemaForm schema={schema} onChange={fromForm} />}
            {tab === 'json' && <>
              <textarea className="code" rows={22} spellCheck={false} data-testid="schema-json" value={json} onChange={(e) => fromJson(e.target.value)} />
              {jsonError && <div className="banner error" data-testid="schema-json-error">{jsonError}</div>}
            </>}
            {tab === 'xml' && <>
              <p className="muted small">{t('create.xmlHint')}</p>
              <textarea className="code" rows={16} spellCheck={false} data-testid="schema-xml" value={xml} onChange={(e) => { setXml(e.target.value); setCheck(null); }}
                placeholder={'<View>\n  <Text name="text" value="$text"/>\n  <Labels name="ner" toName="text">\n    <Label value="PER"/>\n  </Labels>\n</View>'} />
            </>}
            {check && (
              <div data-testid="schema-check-result">
                {check.errors.length === 0 ? <div className="banner ok">{t('create.checkOk')}</div> : (
                  <ul className="banner error">{check.errors.map((x, i) => <li key={i}><code>{x.path}</code> {x.message}</li>)}</ul>
                )}
                {check.unmapped.length > 0 && <div className="banner warn" data-testid="schema-unmapped">{t('create.unmapped', { tags: check.unmapped.map((u) => unmappedLabel(t, u)).join(', ') })}</div>}
                {tab === 'xml' && check.schema && (
                  <button type="button" data-testid="schema-use-converted" onClick={() => { fromForm(check.schema!); setTab('form'); }}>{t('create.useConverted')}</button>
                )}
              </div>
            )}
          </div>
          {errorLines.length > 0 && (
            <ul className="banner error" data-testid="create-errors">{errorLines.map((line, i) => <li key={i}>{line}</li>)}</ul>
          )}
          {error && <div className="banner error" role="alert">{error}</div>}
          <button type="submit" className="primary" disabled={busy || !!jsonError} data-testid="create-submit">{t('create.submit')}</button>
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
