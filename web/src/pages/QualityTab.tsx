import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { AGGREGATE_METHODS, api, ApiError, type AggregateMethod, type Project } from '../api';
import { errorText, keys } from '../api/queries';
import { useI18n, type MessageKey } from '../i18n';

const pct = (v: number | null | undefined) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null | undefined, digits = 3) => (v == null ? '—' : v.toFixed(digits));

/** Annotator scores, agreement between annotators and truth inference of one project (managers, reviewers). */
export function QualityTab({ project }: { project: Project }) {
  const { t } = useI18n();
  const annotatorsQuery = useQuery({ queryKey: keys.qualityAnnotators(project.id), queryFn: () => api.qualityAnnotators(project.id) });
  const agreementQuery = useQuery({ queryKey: keys.agreement(project.id), queryFn: () => api.agreement(project.id) });
  const annotators = annotatorsQuery.data;
  const agreement = agreementQuery.data;
  const failed = annotatorsQuery.error ?? agreementQuery.error;
  const error = failed === null ? null
    : failed instanceof ApiError && failed.status === 403 ? t('quality.forbidden') : errorText(failed, t);
  const choices = project.schema.controls.filter((c) => c.type === 'choices');
  const [method, setMethod] = useState<AggregateMethod>('auto');
  const [control, setControl] = useState(choices[0]?.name ?? '');
  // Truth inference runs when asked, on the answers as they are then; its result is this page's alone.
  const aggregation = useMutation({ mutationFn: () => api.aggregate(project.id, method, control || undefined) });
  const aggregate = aggregation.data;
  const aggError = aggregation.error === null ? null
    : errorText(aggregation.error, t);
  const running = aggregation.isPending;
  const run = () => aggregation.mutate();

  const metricName = (m: string) => {
    const key = `quality.metric.${m}` as MessageKey;
    const s = t(key);
    return s === key ? m : s;
  };

  if (error) return <div className="banner error" role="alert">{error}</div>;
  return (
    <div className="quality" data-testid="quality-tab">
      <section className="card">
        <h3>{t('quality.annotators')}</h3>
        {annotators && (
          <p className="muted small" data-testid="gold-rule">
            {annotators.goldThreshold > 0
              ? t('quality.goldRule', { threshold: pct(annotators.goldThreshold), minimum: annotators.goldMinimum })
              : t('quality.noGoldRule')}
          </p>
        )}
        {!annotators ? <p className="muted">{t('common.loading')}</p> : annotators.annotators.length === 0 ? <p className="muted">{t('dash.noData')}</p> : (
          <table className="grid" data-testid="quality-annotators">
            <thead><tr>
              <th>{t('quality.col.annotator')}</th><th>{t('quality.col.status')}</th><th className="num">{t('quality.col.annotations')}</th>
              <th className="num">{t('quality.col.goldSeen')}</th><th className="num">{t('quality.col.goldAccuracy')}</th>
              <th className="num">{t('quality.col.reviewed')}</th><th className="num">{t('quality.col.acceptance')}</th><th className="num">{t('quality.col.leadTime')}</th>
            </tr></thead>
            <tbody>
              {annotators.annotators.map((a) => (
                <tr key={a.userId} data-testid={`quality-row-${a.userId}`} className={a.flagged ? 'flagged' : ''}>
                  <td>{a.name}</td>
                  <td data-testid="quality-status">
                    {a.flagged
                      ? <span className="state-pill rejected" title={t('quality.stoppedHint')}>{t('quality.stopped')}</span>
                      : <span className="state-pill accepted">{t('quality.ok')}</span>}
                  </td>
                  <td className="num" data-testid="quality-annotations">{a.annotations}</td>
                  <td className="num">{a.goldSeen}</td>
                  <td className="num" data-testid="quality-gold">{pct(a.goldAccuracy)}</td>
                  <td className="num">{a.reviewed}</td>
                  <td className="num">{pct(a.acceptanceRate)}</td>
                  <td className="num">{num(a.avgLeadTimeSeconds, 1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="card">
        <div className="row">
          <h3 className="grow">{t('quality.agreement')}</h3>
          <a className="button" href={api.agreementCsvUrl(project.id)} download data-testid="agreement-csv">CSV</a>
        </div>
        {!agreement ? <p className="muted">{t('common.loading')}</p> : <>
          <p className="muted small" data-testid="agreement-tasks">{t('quality.agreementTasks', { tasks: agreement.tasks })}</p>
          {agreement.controls.length === 0 ? <p className="muted">{t('quality.noMetric')}</p> : (
            <table className="grid" data-testid="quality-agreement">
              <thead><tr><th>{t('quality.col.control')}</th><th>{t('schema.type')}</th><th className="num">{t('quality.col.tasks')}</th><th className="num">{t('quality.col.pairs')}</th><th>{t('quality.col.metrics')}</th></tr></thead>
              <tbody>
                {agreement.controls.map((c) => (
                  <tr key={c.name} data-testid={`agreement-${c.name}`}>
                    <td>{c.name}</td><td className="muted">{c.type}</td><td className="num">{c.tasks}</td><td className="num">{c.pairs}</td>
                    <td>
                      {Object.entries(c.metrics).map(([m, v]) => (
                        <span key={m} className="metric" data-testid={`metric-${c.name}-${m}`} data-value={v ?? ''}>
                          {metricName(m)} <b>{num(v)}</b>
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>}
      </section>

      <section className="card">
        <h3>{t('quality.aggregate')}</h3>
        {choices.length === 0 ? <p className="muted">{t('quality.noChoices')}</p> : <>
          <div className="row wrap">
            {choices.length > 1 && (
              <label className="row">{t('quality.col.control')}
                <select value={control} onChange={(e) => setControl(e.target.value)} data-testid="aggregate-control">
                  {choices.map((c) => <option key={c.name} value={c.name}>{c.name}</option>)}
                </select>
              </label>
            )}
            <label className="row">{t('quality.method')}
              <select value={method} onChange={(e) => setMethod(e.target.value as AggregateMethod)} data-testid="aggregate-method">
                {AGGREGATE_METHODS.map((m) => <option key={m} value={m}>{t(`quality.method.${m}` as MessageKey)}</option>)}
              </select>
            </label>
            <button type="button" className="primary" disabled={running} onClick={run} data-testid="aggregate-run">{t('quality.run')}</button>
          </div>
          {aggError && <div className="banner error" role="alert" data-testid="aggregate-error">{aggError}</div>}
          {aggregate && (
            <div className="two-col" data-testid="aggregate-result" data-method={aggregate.method}>
              <div>
                <p className="muted small">{t('quality.aggregateDone', { method: t(`quality.method.${aggregate.method}` as MessageKey), control: aggregate.control, count: aggregate.items.length })}</p>
                <table className="grid" data-testid="aggregate-items">
                  <thead><tr><th>{t('quality.col.task')}</th><th>{t('quality.col.truth')}</th><th className="num">{t('quality.col.confidence')}</th></tr></thead>
                  <tbody>
                    {aggregate.items.map((i) => (
                      <tr key={i.taskId} data-testid={`aggregate-item-${i.taskId}`}>
                        <td><a href={`#/projects/${project.id}/tasks`}>#{i.taskId}</a></td><td data-testid="truth">{i.label}</td><td className="num">{pct(i.confidence)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div>
                <table className="grid" data-testid="aggregate-workers">
                  <thead><tr><th>{t('quality.col.annotator')}</th><th className="num">{t('quality.col.skill')}</th></tr></thead>
                  <tbody>
                    {aggregate.workers.map((w) => <tr key={w.userId} data-testid={`aggregate-worker-${w.userId}`}><td>{w.name}</td><td className="num">{pct(w.skill)}</td></tr>)}
                  </tbody>
                </table>
              </div>
            </div>
          )}
        </>}
      </section>
    </div>
  );
}
