import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiError, Project } from '../api';
import { learningApi, learningKeys, MEASURES, type Learning, type UncertaintyMeasure } from '../api/learning';
import { errorText } from '../api/queries';
import { useI18n } from '../i18n';
import { FieldErrors } from './SchemaDraft';

/** Active learning in the project settings: the uncertainty measure, the retraining loop with what it last did, and the model server. */
export function LearningCard({ project }: { project: Project }) {
  const { t } = useI18n();
  const query = useQuery({ queryKey: learningKeys.learning(project.id), queryFn: () => learningApi.get(project.id), refetchInterval: 10_000 });
  if (!query.data) return <div className="card"><h3>{t('learning.title')}</h3><p className="muted">{t('common.loading')}</p></div>;
  return <LearningForm key={`${project.id}`} project={project} learning={query.data} />;
}

function LearningForm({ project, learning }: { project: Project; learning: Learning }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const [measure, setMeasure] = useState<UncertaintyMeasure>(learning.measure);
  const [loopOn, setLoopOn] = useState(learning.loop.every > 0);
  const [every, setEvery] = useState(learning.loop.every > 0 ? learning.loop.every : 20);
  const [url, setUrl] = useState(learning.backendUrl ?? '');
  const done = (l: Learning) => queryClient.setQueryData(learningKeys.learning(project.id), l);
  const saving = useMutation({
    mutationFn: () => learningApi.save(project.id, { measure, loopEvery: loopOn ? every : 0, backendUrl: url.trim() }),
    onSuccess: done,
  });
  const running = useMutation({ mutationFn: () => learningApi.run(project.id), onSuccess: done });
  const health = useMutation({ mutationFn: () => learningApi.health(project.id, url.trim()) });
  const predicting = useMutation({ mutationFn: () => learningApi.predict(project.id) });
  const loop = learning.loop;
  const failure = (saving.error ?? health.error ?? predicting.error ?? running.error) as ApiError | null;
  const when = loop.trainedAt ? new Date(loop.trainedAt).toLocaleString(lang, { dateStyle: 'short', timeStyle: 'short' }) : '';
  return (
    <form className="card form-grid" data-testid="learning" onSubmit={(e) => { e.preventDefault(); saving.mutate(); }}>
      <h3>{t('learning.title')}</h3>
      <p className="muted small">{t('learning.intro')}</p>
      <p className={learning.mostUncertainOrder ? 'ok-text' : 'muted'} data-testid="learning-order">
        {t(learning.mostUncertainOrder ? 'learning.orderOn' : 'learning.orderOff')}
      </p>
      <label>{t('learning.measure')}
        <select data-testid="learning-measure" value={measure} onChange={(e) => { setMeasure(e.target.value as UncertaintyMeasure); saving.reset(); }}>
          {MEASURES.map((m) => <option key={m} value={m}>{t(`learning.measure.${m}`)}</option>)}
        </select>
      </label>
      <p className="muted small">{t('learning.measureHint')}</p>

      <h4>{t('learning.loop')}</h4>
      {loop.available ? (
        <>
          <label className="check"><input type="checkbox" data-testid="learning-loop" checked={loopOn} onChange={(e) => { setLoopOn(e.target.checked); saving.reset(); }} /> {t('learning.loopOn')}</label>
          {loopOn && <label>{t('learning.every')}<input type="number" min={1} max={100000} data-testid="learning-every" value={every} onChange={(e) => setEvery(Number(e.target.value))} /></label>}
          <div data-testid="learning-status" className="small">
            <p>{loop.modelVersion > 0
              ? t('learning.status', { version: loop.modelVersion, labels: loop.trainedLabels, when, predicted: loop.predicted })
              : t('learning.never')}</p>
            {loop.modelVersion > 0 && <p>{loop.accuracy != null ? t('learning.accuracy', { accuracy: `${(loop.accuracy * 100).toFixed(0)} %` }) : t('learning.noAccuracy')}</p>}
            <p>{loop.every > 0 ? t('learning.labelled', { labelled: loop.labelled, next: loop.trainedLabels + loop.every }) : t('learning.labelledOff', { labelled: loop.labelled })}</p>
            {loop.lastError && <p className="error-text" data-testid="learning-error">{t('learning.lastError', { why: t(`err.${loop.lastError}` as never) })}</p>}
          </div>
          <div className="row">
            <button type="button" data-testid="learning-run" disabled={running.isPending} onClick={() => running.mutate()}>
              {t(running.isPending ? 'learning.running' : 'learning.runNow')}
            </button>
            {running.isSuccess && <span className="ok-text" role="status">{t('learning.ran')}</span>}
          </div>
        </>
      ) : <p className="muted" data-testid="learning-unavailable">{t('learning.loopUnavailable')}</p>}

      <h4>{t('learning.backend')}</h4>
      {learning.backendsAllowed ? (
        <>
          <p className="muted small">{t('learning.backendHint')}</p>
          <label>{t('learning.backendUrl')}<input type="url" data-testid="learning-url" placeholder="https://ml.example.com" value={url}
            onChange={(e) => { setUrl(e.target.value); health.reset(); saving.reset(); }} /></label>
          <div className="row wrap">
            <button type="button" data-testid="learning-check" disabled={!url.trim() || health.isPending} onClick={() => health.mutate()}>
              {t(health.isPending ? 'learning.checking' : 'learning.check')}
            </button>
            <button type="button" data-testid="learning-predict" disabled={!learning.backendUrl || predicting.isPending} onClick={() => predicting.mutate()}>
              {t(predicting.isPending ? 'learning.predicting' : 'learning.predict')}
            </button>
          </div>
          {health.data && <p className="ok-text small" data-testid="learning-healthy">{t('learning.healthy', { ms: health.data.elapsedMs, answer: health.data.answer.slice(0, 120) })}</p>}
          {predicting.data && <p className="ok-text small" data-testid="learning-predicted">{t('learning.predicted', { added: predicting.data.added, skipped: predicting.data.skipped })}</p>}
        </>
      ) : <p className="muted" data-testid="learning-no-backends">{t('learning.backendNone')}</p>}

      <FieldErrors error={failure} testId="learning-errors" />
      {failure && Object.keys(failure.errors).length === 0 && <div className="banner error" role="alert">{errorText(failure, t)}</div>}
      <div className="row">
        <button type="submit" className="primary" disabled={saving.isPending} data-testid="learning-save">{t('learning.save')}</button>
        {saving.isSuccess && <span className="ok-text" role="status" data-testid="learning-saved">{t('learning.saved')}</span>}
      </div>
    </form>
  );
}
