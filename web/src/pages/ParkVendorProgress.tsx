import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, type Contract } from '../api';
import { useT, type MessageKey } from '../i18n';
import { LineChart, SERIES_COLORS } from './Charts';
import { num, pct, Pending } from './ParkDashboard';
import { fmtDate } from './ParkPage';

/**
 * The client's view of each vendor on one of its projects (one line per vendor, its contracts there that
 * were not declined added up, the latest's state and deadline): quota used and delivered, tasks and
 * annotations, acceptance and gold accuracy, people at work, and each vendor's annotations per day.
 */
export function VendorProgressSection({ contracts }: { contracts: Contract[] }) {
  const t = useT();
  const projects = [...new Map(contracts.map((c) => [c.projectId, c.projectName])).entries()];
  const [chosen, setChosen] = useState<number | null>(null);
  // Start on a project being worked now.
  const projectId = chosen ?? contracts.find((c) => c.state === 'active')?.projectId ?? projects[0]?.[0] ?? 0;
  const q = useQuery({ queryKey: ['project', projectId, 'vendor-progress'], queryFn: () => api.vendorProgress(projectId), enabled: projectId > 0 });
  const v = q.data;
  if (!projects.length) return null;
  // Every day of the period, those without work as zero, so one busy day is a peak rather than a lone dot.
  const days: string[] = [];
  for (let d = v ? Date.parse(v.from) : 0; v && d <= Date.parse(v.to); d += 86_400_000) days.push(new Date(d).toISOString().slice(0, 10));
  const series = (v?.vendors ?? []).filter((x, i, all) => all.findIndex((y) => y.vendorOrganizationId === x.vendorOrganizationId) === i)
    .map((x, i) => ({
      name: x.vendorName, color: SERIES_COLORS[i % SERIES_COLORS.length]!,
      points: days.map((day) => ({ x: day.slice(5), y: v!.days.find((d) => d.day === day && d.vendorOrganizationId === x.vendorOrganizationId)?.annotations ?? 0 })),
    }));
  return (
    <section className="card" data-testid="vendor-progress">
      <h2>{t('parkdash.vendorProgress')}</h2>
      <label>{t('parkui.project')} <select data-testid="vendor-progress-project" value={projectId} onChange={(e) => setChosen(Number(e.target.value))}>
        {projects.map(([id, name]) => <option key={id} value={id}>{name}</option>)}</select></label>
      <Pending q={q} />
      {v && (
        <>
          <table className="grid" data-testid="vendor-progress-table">
            <thead><tr><th>{t('parkui.vendor')}</th><th>{t('parkui.state')}</th><th>{t('parkui.progress')}</th><th className="num">{t('parkdash.tasks')}</th>
              <th className="num">{t('parkdash.annotations')}</th><th className="num">{t('parkdash.acceptance')}</th><th className="num">{t('parkdash.gold')}</th>
              <th className="num">{t('parkdash.annotators')}</th><th>{t('parkui.deadline')}</th></tr></thead>
            <tbody>
              {v.vendors.map((x) => (
                <tr key={x.vendorOrganizationId} data-testid={`vendor-progress-${x.vendorOrganizationId}`}>
                  <td>{x.vendorName}</td><td>{t(`parkui.state.${x.state}` as MessageKey)}</td>
                  <td><progress max={x.quota} value={x.used} /> <span className="small">{t('parkui.used', { used: x.used, quota: x.quota, submitted: x.submitted })}</span></td>
                  <td className="num">{num(x.tasks)}</td><td className="num">{num(x.annotations)}</td><td className="num">{pct(x.acceptanceRate)}</td>
                  <td className="num">{pct(x.goldAccuracy)}</td><td className="num">{x.activeAnnotators}</td><td>{fmtDate(x.deadline)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('parkdash.vendorDays', { from: v.from, to: v.to })}</h3>
          {series.some((s) => s.points.some((p) => (p.y ?? 0) > 0))
            ? <LineChart testId="chart-vendor-progress" width={1100} series={series} />
            : <p className="muted">{t('parkdash.noWork')}</p>}
        </>
      )}
    </section>
  );
}
