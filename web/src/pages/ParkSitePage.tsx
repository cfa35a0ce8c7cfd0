import { useT } from '../i18n';
import { useSession } from '../session';
import { FigureCards, Pending, RetentionSection, TasksPerDay, useCountyName, useProductivity } from './ParkDashboard';

/** One work site's figures over ninety days and its retention: for the park operator and the site's vendor. */
export function ParkSitePage({ siteId }: { siteId: number }) {
  const t = useT();
  const { org } = useSession();
  const county = useCountyName();
  const p = useProductivity({ site: siteId }, 'site');
  const site = p.data?.groups.find((g) => g.key === String(siteId));
  return (
    <div className="page wide" data-testid="park-site-page">
      <div className="page-head">
        <a href="#/park" className="muted">← {t(org?.kind === 'operator' ? 'parkdash.back' : org?.kind === 'vendor' ? 'parkui.vendorTitle' : 'nav.park')}</a>
        <h1 data-testid="park-site-name">{site?.name ?? t('parkdash.siteTitle', { id: siteId })}</h1>
        {p.data?.countyCode && <span className="muted">{county(p.data.countyCode)}</span>}
      </div>
      <p className="banner info">{t('parkdash.simulated')}</p>
      <Pending q={p} />
      {p.data && <FigureCards f={p.data.totals} />}
      {p.data && <TasksPerDay p={p.data} />}
      <RetentionSection scope={{ site: siteId }} />
    </div>
  );
}
