import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, ApiError, type SchemaCheck, type UnmappedTag } from '../api';
import { fieldLines, issueLine } from '../api/problems';
import { errorText } from '../api/queries';
import { useT, type T } from '../i18n';
import type { Schema } from '../lib/schema';
import { SchemaForm } from './SchemaEditor';

export type SchemaTab = 'form' | 'json' | 'xml';

/** A label schema being edited three ways (form, JSON, Label Studio XML), as the new-project page and the settings tab hold it. */
export function useSchemaDraft(initial: Schema) {
  const [schema, setSchemaState] = useState<Schema>(initial);
  const [json, setJsonText] = useState(JSON.stringify(initial, null, 2));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [xml, setXmlText] = useState('');
  const [tab, setTab] = useState<SchemaTab>('form');
  const [check, setCheck] = useState<SchemaCheck | null>(null);
  const t = useT();
  const checking = useMutation({
    mutationFn: () => api.checkSchema(tab === 'xml' ? { labelStudioXml: xml } : { schema }),
    onSuccess: setCheck,
  });
  const setSchema = (s: Schema) => { setSchemaState(s); setJsonText(JSON.stringify(s, null, 2)); setJsonError(null); setCheck(null); };
  const setJson = (text: string) => {
    setJsonText(text);
    setCheck(null);
    try {
      const v = JSON.parse(text) as Schema;
      if (!Array.isArray(v.fields) || !Array.isArray(v.controls)) throw new Error('fields / controls');
      setSchemaState(v); setJsonError(null);
    } catch (e) { setJsonError(t('create.jsonError', { message: (e as Error).message })); }
  };
  const setXml = (text: string) => { setXmlText(text); setCheck(null); };
  /** What a create or PATCH body carries: the XML while its tab is open, else the schema. */
  const body = (): { schema: Schema } | { labelStudioXml: string } => (tab === 'xml' ? { labelStudioXml: xml } : { schema });
  return { schema, setSchema, json, setJson, jsonError, xml, setXml, tab, setTab, check, checking, body };
}

export type SchemaDraft = ReturnType<typeof useSchemaDraft>;

/** A Label Studio tag the conversion left out, as `<Taxonomy> named “topic”`. */
export function unmappedLabel(t: T, u: UnmappedTag): string {
  return u.name ? t('create.unmappedTag', { tag: u.tag, name: u.name }) : `<${u.tag}>`;
}

/** The schema editor: form, JSON and XML tabs, a check against the server, the conversion of XML. */
export function SchemaEditorCard({ draft, onCheck }: { draft: SchemaDraft; onCheck?: () => void }) {
  const t = useT();
  const { tab, check } = draft;
  return (
    <>
      <div className="tabs" role="tablist">
        {(['form', 'json', 'xml'] as SchemaTab[]).map((x) => (
          <button type="button" role="tab" key={x} aria-selected={tab === x} data-testid={`schema-tab-${x}`} className={tab === x ? 'on' : ''} onClick={() => draft.setTab(x)}>
            {t(`create.tab.${x}`)}
          </button>
        ))}
        <span className="grow" />
        <button type="button" data-testid="schema-check" onClick={() => { onCheck?.(); draft.checking.mutate(); }}>{t('create.check')}</button>
      </div>
      {tab === 'form' && <SchemaForm schema={draft.schema} onChange={draft.setSchema} />}
      {tab === 'json' && <>
        <textarea className="code" rows={22} spellCheck={false} data-testid="schema-json" value={draft.json} onChange={(e) => draft.setJson(e.target.value)} />
        {draft.jsonError && <div className="banner error" data-testid="schema-json-error">{draft.jsonError}</div>}
      </>}
      {tab === 'xml' && <>
        <p className="muted small">{t('create.xmlHint')}</p>
        <textarea className="code" rows={16} spellCheck={false} data-testid="schema-xml" value={draft.xml} onChange={(e) => draft.setXml(e.target.value)}
          placeholder={'<View>\n  <Text name="text" value="$text"/>\n  <Labels name="ner" toName="text">\n    <Label value="PER"/>\n  </Labels>\n</View>'} />
      </>}
      {draft.checking.error && <div className="banner error" role="alert">{errorText(draft.checking.error, t)}</div>}
      {check && (
        <div data-testid="schema-check-result">
          {check.errors.length === 0 ? <div className="banner ok">{t('create.checkOk')}</div> : (
            <ul className="banner error" data-testid="schema-check-errors">{check.errors.map((x, i) => <li key={i}>{issueLine(x, t)}</li>)}</ul>
          )}
          {check.unmapped.length > 0 && <div className="banner warn" data-testid="schema-unmapped">{t('create.unmapped', { tags: check.unmapped.map((u) => unmappedLabel(t, u)).join(', ') })}</div>}
          {tab === 'xml' && check.schema && (
            <button type="button" data-testid="schema-use-converted" onClick={() => { draft.setSchema(check.schema!); draft.setTab('form'); }}>{t('create.useConverted')}</button>
          )}
        </div>
      )}
    </>
  );
}

/** A refusal's field errors in words (where, then what), as a list; nothing when it names no field. */
export function FieldErrors({ error, testId }: { error: ApiError | null | undefined; testId: string }) {
  const t = useT();
  const lines = error ? fieldLines(error.problem, t) : [];
  if (lines.length === 0) return null;
  return <ul className="banner error" data-testid={testId}>{lines.map((line, i) => <li key={i}>{line}</li>)}</ul>;
}
