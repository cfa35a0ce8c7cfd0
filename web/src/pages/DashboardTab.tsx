import { useQuery } from '@tanstack/react-query';
import { api, TASK_STATES, type Project } from '../api';
import { errorText, keys } from '../api/queries';
import { useT, type MessageKey } from '../i18n';
import { BarChart, HBarChart } from './Charts';
import { STATE_COLORS } from './ProjectsPage';

export function DashboardTab({ project }: { project: Project }) {
  const t = useT();
  const query = useQuery({ queryKey: keys.stats(project.id), queryFn: () => api.stats(project.id) });
  const stats = query.data;
  if (query.error) return <div className="banner error">{errorText(query.error, t)}</div>;
  if (!stats) return <p className="muted">{t('common.loading')}</p>;
  const states = TASK_STATES.map((k) => [k, stats.states[k]] as const).filter(([, v]) => v > 0);
  return (
    <div className="dashboard" data-testid="dashboard-tab">
      <section className="card">
        <h3>{t('dash.states')}</h3>
        <div className="legend">
          {states.map(([k, v]) => <span key={k}><i style={{ background: STATE_COLORS[k] }} />{t(`state.${k}` as MessageKey)} <b>{v}</b></span>)}
        </div>
      </section>
      <section className="card">
        <h3>{t('dash.perDay')}</h3>
        {stats.perDay.length ? <BarChart testId="chart-per-day" data={stats.perDay.map((d) => ({ label: d.day.slice(5, 10), value: d.annotations }))} /> : <p className="muted">{t('dash.noData')}</p>}
      </section>
      <div className="two-col">
        <section className="card">
          <h3>{t('dash.perAnnotator')}</h3>
          <HBarChart testId="chart-per-annotator" data={stats.perAnnotator.map((a) => ({ label: a.annotator, value: a.annotations }))} />
        </section>
        <section className="card">
          <h3>{t('dash.leadTime')}</h3>
          <HBarChart testId="chart-lead-time" color="#f2a541" format={(v) => v.toFixed(1)} data={stats.perAnnotator.map((a) => ({ label: a.annotator, value: a.avgLeadTimeSeconds ?? 0 }))} />
        </section>
      </div>
    </div>
  );
}
