import { useMemo, useState } from 'react';
import { ProjectSkillsPanel } from './ProjectSkillsPanel';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, type Project, type ProjectOrder, type ProjectPatch, type ReviewPolicy } from '../api';
import { fieldLines } from '../api/problems';
import { errorText, keys } from '../api/queries';
import { useI18n } from '../i18n';
import { Markdown } from '../lib/Markdown';
import { sampleData } from '../lib/sample';
import { navigate } from '../router';
import { FieldErrors, SchemaEditorCard, useSchemaDraft } from './SchemaDraft';
import { LearningCard } from './LearningCard';
import { WebhooksCard } from './WebhooksCard';
import { SchemaPreview } from './SchemaPreview';

/** What the settings form edits, as the project holds it. */
function formOf(p: Project) {
  return {
    name: p.name, instructions: p.instructions, overlap: p.overlap, leaseSeconds: p.leaseSeconds, order: p.order,
    policy: p.review.policy, percent: p.review.percent || 10,
    goldRate: p.quality.goldRate, goldThreshold: p.quality.goldThreshold, goldMinimum: p.quality.goldMinimum,
    dynamic: p.quality.overlapMax != null, overlapMax: p.quality.overlapMax ?? Math.max(p.overlap + 2, 3), confidenceTarget: p.quality.confidenceTarget ?? 0.9,
  };
}
type Form = ReturnType<typeof formOf>;

function patchOf(f: Form): ProjectPatch {
  return {
    name: f.name, instructions: f.instructions, overlap: f.overlap, leaseSeconds: f.leaseSeconds, order: f.order,
    review: { policy: f.policy, percent: f.policy === 'sample' ? f.percent : 0 },
    quality: {
      goldRate: f.goldRate, goldThreshold: f.goldThreshold, goldMinimum: f.goldMinimum,
      ...(f.dynamic ? { overlapMax: f.overlapMax, confidenceTarget: f.confidenceTarget } : { dynamicOverlap: false }),
    },
  };
}

/** The project's settings: what a manager changes, and what every member may read. */
export function SettingsTab({ project, canManage }: { project: Project; canManage: boolean }) {
  const { t } = useI18n();
  if (!canManage) {
    return (
      <div className="two-col">
        <div>
          {project.instructions && <div className="card"><h3>{t('project.instructions')}</h3><Markdown source={project.instructions} testId="settings-instructions-view" /></div>}
          <pre className="json card" data-testid="project-schema">{JSON.stringify(project.schema, null, 2)}</pre>
        </div>
        <div className="card"><SchemaPreview schema={project.schema} data={sampleData(project.schema)} /></div>
      </div>
    );
  }
  return (
    <div className="settings" data-testid="settings">
      <div className="two-col">
        <GeneralSettings key={`${project.id}`} project={project} />
        <div>
          <SchemaSettings key={project.id} project={project} />
          <ProjectSkillsPanel key={`skills-${project.id}`} projectId={project.id} />
          <LearningCard project={project} />
          <WebhooksCard project={project} />
          <DangerZone project={project} />
        </div>
      </div>
    </div>
  );
}

function useSaveProject(project: Project, onSaved?: (p: Project) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: ProjectPatch) => api.updateProject(project.id, patch),
    onSuccess: (p) => {
      queryClient.setQueryData(keys.project(project.id), p);
      onSaved?.(p);
      void queryClient.invalidateQueries({ queryKey: ['projects'] });
    },
  });
}

function GeneralSettings({ project }: { project: Project }) {
  const { t } = useI18n();
  const [form, setForm] = useState(() => formOf(project));
  const saving = useSaveProject(project);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => { setForm((f) => ({ ...f, [k]: v })); saving.reset(); };
  // Compared as the PATCH would send them: a hidden value (the dynamic-overlap pair while it is off) is no change.
  const dirty = JSON.stringify(patchOf(form)) !== JSON.stringify(patchOf(formOf(project)));
  const failure = saving.error as ApiError | null;
  const num = (k: keyof Form) => (e: React.ChangeEvent<HTMLInputElement>) => set(k, Number(e.target.value) as never);
  return (
    <form className="card form-grid" data-testid="settings-form" onSubmit={(e) => { e.preventDefault(); saving.mutate(patchOf(form)); }}>
      <h3>{t('settings.general')}</h3>
      <label>{t('settings.name')}<input required maxLength={200} data-testid="settings-name" value={form.name} onChange={(e) => set('name', e.target.value)} /></label>
      <div className="md-edit">
        <label>{t('settings.instructions')}
          <textarea rows={10} data-testid="settings-instructions" value={form.instructions} onChange={(e) => set('instructions', e.target.value)} />
        </label>
        <div className="md-preview">
          <span className="muted small">{t('settings.instructionsPreview')}</span>
          {form.instructions.trim()
            ? <Markdown source={form.instructions} testId="settings-instructions-preview" />
            : <p className="muted">{t('settings.instructionsEmpty')}</p>}
        </div>
      </div>
      <p className="muted small">{t('settings.instructionsHint')}</p>

      <h3>{t('settings.work')}</h3>
      <div className="row wrap">
        <label>{t('create.overlap')}<input type="number" min={1} max={100} data-testid="settings-overlap" value={form.overlap} onChange={num('overlap')} /></label>
        <label>{t('create.lease')}<input type="number" min={30} max={604800} data-testid="settings-lease" value={form.leaseSeconds} onChange={num('leaseSeconds')} /></label>
        <label>{t('create.order')}
          <select data-testid="settings-order" value={form.order} onChange={(e) => set('order', e.target.value as ProjectOrder)}>
            {(['priority', 'random', 'least_annotated', 'most_uncertain'] as const).map((o) => <option key={o} value={o}>{t(`create.order.${o}`)}</option>)}
          </select>
        </label>
        <label>{t('create.review')}
          <select data-testid="settings-review" value={form.policy} onChange={(e) => set('policy', e.target.value as ReviewPolicy)}>
            {(['none', 'sample', 'all'] as const).map((o) => <option key={o} value={o}>{t(`create.review.${o}`)}</option>)}
          </select>
        </label>
        {form.policy === 'sample' && <label>{t('create.review.percent')}<input type="number" min={1} max={100} data-testid="settings-percent" value={form.percent} onChange={num('percent')} /></label>}
      </div>

      <h3>{t('settings.quality')}</h3>
      <div className="row wrap">
        <label>{t('settings.goldRate')}<input type="number" min={0} max={50} data-testid="settings-gold-rate" value={form.goldRate} onChange={num('goldRate')} /></label>
        <label>{t('settings.goldThreshold')}<input type="number" min={0} max={1} step={0.05} data-testid="settings-gold-threshold" value={form.goldThreshold} onChange={num('goldThreshold')} /></label>
        <label>{t('settings.goldMinimum')}<input type="number" min={1} max={1000} data-testid="settings-gold-minimum" value={form.goldMinimum} onChange={num('goldMinimum')} /></label>
      </div>
      <label className="check"><input type="checkbox" data-testid="settings-dynamic" checked={form.dynamic} onChange={(e) => set('dynamic', e.target.checked)} /> {t('settings.dynamic')}</label>
      {form.dynamic && (
        <div className="row wrap">
          <label>{t('settings.overlapMax')}<input type="number" min={form.overlap} max={100} data-testid="settings-overlap-max" value={form.overlapMax} onChange={num('overlapMax')} /></label>
          <label>{t('settings.confidenceTarget')}<input type="number" min={0.5} max={0.99} step={0.01} data-testid="settings-confidence" value={form.confidenceTarget} onChange={num('confidenceTarget')} /></label>
        </div>
      )}
      <FieldErrors error={failure} testId="settings-errors" />
      {failure && Object.keys(failure.errors).length === 0 && <div className="banner error" role="alert">{errorText(failure, t)}</div>}
      <div className="row">
        <button type="submit" className="primary" disabled={saving.isPending || !dirty} data-testid="settings-save">{t('settings.save')}</button>
        {dirty && <span className="muted small" data-testid="settings-dirty">{t('settings.unsaved')}</span>}
        {saving.isSuccess && !dirty && <span className="ok-text" data-testid="settings-saved" role="status">{t('settings.saved')}</span>}
      </div>
    </form>
  );
}

function SchemaSettings({ project }: { project: Project }) {
  const { t } = useI18n();
  const draft = useSchemaDraft(project.schema);
  // The saved schema, as the server made it canonical, is the new starting point (XML becomes the form).
  const saving = useSaveProject(project, (p) => { draft.setSchema(p.schema); draft.setXml(''); draft.setTab('form'); });
  const failure = saving.error as ApiError | null;
  const fieldsKey = JSON.stringify(draft.schema.fields);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- new sample data only when the fields change
  const sample = useMemo(() => sampleData(draft.schema), [fieldsKey]);
  const changed = draft.tab === 'xml' ? draft.xml.trim() !== '' : JSON.stringify(draft.schema) !== JSON.stringify(project.schema);
  return (
    <div className="card" data-testid="settings-schema">
      <h3>{t('settings.schema')}</h3>
      {project.hasAnnotations && <div className="banner warn" data-testid="schema-locked">{t('settings.schemaLocked')}</div>}
      <SchemaEditorCard draft={draft} onCheck={() => saving.reset()} />
      {failure && (
        <div className="banner error stack" role="alert" data-testid="schema-refused">
          <b>{t('settings.schemaRefused')}</b>
          {Object.keys(failure.errors).length === 0 ? <span>{errorText(failure, t)}</span> : <>
            {project.hasAnnotations && <span>{t('settings.schemaRefusedWhy')}</span>}
            <ul data-testid="schema-save-errors">{fieldLines(failure.problem, t).map((line, i) => <li key={i}>{line}</li>)}</ul>
          </>}
        </div>
      )}
      <div className="row">
        <button type="button" className="primary" data-testid="schema-save" disabled={!changed || saving.isPending || !!draft.jsonError}
          onClick={() => saving.mutate(draft.body())}>{t('settings.schemaSave')}</button>
        {changed && <button type="button" data-testid="schema-reset" onClick={() => { draft.setSchema(project.schema); draft.setXml(''); draft.setTab('form'); saving.reset(); }}>{t('settings.schemaReset')}</button>}
        {saving.isSuccess && !changed && <span className="ok-text" role="status" data-testid="schema-saved">{t('settings.schemaSaved')}</span>}
      </div>
      <h3 className="spaced">{t('create.preview')}</h3>
      <SchemaPreview schema={draft.schema} data={sample} />
    </div>
  );
}

function DangerZone({ project }: { project: Project }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const archiving = useSaveProject(project);
  const [confirm, setConfirm] = useState('');
  const deleting = useMutation({
    mutationFn: () => api.deleteProject(project.id),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: keys.project(project.id) });
      void queryClient.invalidateQueries({ queryKey: ['projects'] });
      navigate('/');
    },
  });
  const failure = archiving.error ?? deleting.error;
  return (
    <div className="card danger-zone" data-testid="danger-zone">
      <h3>{t('settings.danger')}</h3>
      {project.archivedAt && <div className="banner info" data-testid="archived-banner">{t('settings.archived', { date: new Date(project.archivedAt).toLocaleDateString(lang) })}</div>}
      <p className="muted small">{t('settings.archiveHint')}</p>
      <button type="button" data-testid={project.archivedAt ? 'project-unarchive' : 'project-archive'} disabled={archiving.isPending}
        onClick={() => archiving.mutate({ archived: !project.archivedAt })}>
        {project.archivedAt ? t('settings.unarchive') : t('settings.archive')}
      </button>
      <hr />
      <p className="muted small">{t('settings.deleteHint')}</p>
      <div className="row wrap">
        <input aria-label={t('settings.deleteConfirm', { name: project.name })} placeholder={t('settings.deleteConfirm', { name: project.name })} data-testid="delete-confirm"
          value={confirm} onChange={(e) => setConfirm(e.target.value)} className="grow" />
        <button type="button" className="danger" data-testid="project-delete" disabled={confirm.trim() !== project.name || deleting.isPending} onClick={() => deleting.mutate()}>
          {t('settings.delete')}
        </button>
      </div>
      {failure && <div className="banner error" role="alert">{errorText(failure, t)}</div>}
    </div>
  );
}
