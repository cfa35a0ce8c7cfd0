import { useQuery } from '@tanstack/react-query';
import { api, type County, type ParkDashboard } from '../api';
import { errorText } from '../api/queries';
import { useI18n, useT } from '../i18n';
import { BarChart, HBarChart } from './Charts';

// Pieces of the park's dashboards, shared by the operator's overview and the vendor and site pages:
// the cards, work per day, and work per county (the sites' counties, Datong's districts and counties).

export const parkKeys = {
  dashboard: (vendor: number | null) => ['park', 'dashboard', vendor] as const,
  counties: ['park', 'counties'] as const,
};

export const pct = (v: number | null | undefined) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);
export const num = (v: number) => v.toLocaleString();

/** The county list, and a name for a code in the reader's language ("" is work done at no site). */
export function useCountyName(): ((code: string) => string) & { all: County[] } {
  const { t, lang } = useI18n();
  const counties = useQuery({ queryKey: parkKeys.counties, queryFn: api.counties, staleTime: Infinity });
  return Object.assign((code: string) => {
    if (!code) return t('parkdash.noSite');
    const c = counties.data?.find((x: County) => x.code === code);
    return c ? (lang === 'en' ? c.nameEn : c.nameZh) : code;
  }, { all: counties.data ?? [] });
}

/** The dashboard of the whole park (vendor null) or of one vendor. */
export function useDashboard(vendor: number | null) {
  return useQuery({ queryKey: parkKeys.dashboard(vendor), queryFn: () => api.parkDashboard(vendor ?? undefined) });
}

export function Cards({ d }: { d: ParkDashboard }) {
  const t = useT();
  const c = d.cards;
  const cards: [string, string, string][] = [
    ['annotations', t('parkdash.card.annotations'), num(c.annotations)],
    ['active', t('parkdash.card.active'), num(c.activeAnnotators)],
    ['acceptance', t('parkdash.card.acceptance'), pct(c.acceptanceRate)],
    ['gold', t('parkdash.card.gold'), pct(c.goldAccuracy)],
    ['seconds', t('parkdash.card.seconds'), c.secondsPerAnnotation == null ? '—' : c.secondsPerAnnotation.toFixed(1)],
    ['billed', t('parkdash.card.billed'), `¥${c.billed}`],
    ['earned', t('parkdash.card.earned'), `¥${c.earned}`],
  ];
  return (
    <div className="park-cards" data-testid="park-cards">
      {cards.map(([k, label, value]) => (
        <div key={k} className="card park-card" data-testid={`card-${k}`}><span className="muted small">{label}</span><b>{value}</b></div>
      ))}
    </div>
  );
}

export function PerDay({ d }: { d: ParkDashboard }) {
  const t = useT();
  return (
    <section className="card">
      <h3>{t('parkdash.perDay', { from: d.from, to: d.to })}</h3>
      {d.days.length
        ? <BarChart testId="chart-park-days" width={1100} data={d.days.map((x) => ({ label: x.day.slice(5), value: x.annotations }))} />
        : <p className="muted">{t('parkdash.noWork')}</p>}
    </section>
  );
}

export function PerCounty({ d }: { d: ParkDashboard }) {
  const t = useT();
  const name = useCountyName();
  // Every county of the city, those without work too: where the park has no site yet shows.
  const idle = name.all.filter((c) => !d.counties.some((x) => x.countyCode === c.code))
    .map((c) => ({ countyCode: c.code, annotations: 0, accepted: 0, annotators: 0 }));
  const rows = [...d.counties, ...idle].sort((a, b) => b.annotations - a.annotations || a.countyCode.localeCompare(b.countyCode));
  return (
    <section className="card" data-testid="park-counties">
      <h3>{t('parkdash.perCounty')}</h3>
      {d.counties.length ? (
        <div className="two-col">
          <HBarChart testId="chart-park-counties" data={rows.map((x) => ({ label: name(x.countyCode), value: x.annotations }))} format={num} />
          <table className="grid">
            <thead><tr><th>{t('parkui.county')}</th><th className="num">{t('parkdash.annotations')}</th><th className="num">{t('parkdash.accepted')}</th><th className="num">{t('parkdash.annotators')}</th></tr></thead>
            <tbody>
              {rows.map((x) => (
                <tr key={x.countyCode} data-testid={`county-${x.countyCode || 'none'}`}>
                  <td>{name(x.countyCode)}</td><td className="num">{num(x.annotations)}</td><td className="num">{num(x.accepted)}</td><td className="num">{x.annotators}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : <p className="muted">{t('parkdash.noWork')}</p>}
    </section>
  );
}

/** A failure or loading line for a dashboard query, or null once it has data. */
export function Pending({ q }: { q: { error: unknown; isPending: boolean } }) {
  const t = useT();
  if (q.error) return <p className="banner error" role="alert">{errorText(q.error, t)}</p>;
  return q.isPending ? <p className="muted">{t('common.loading')}</p> : null;
}
