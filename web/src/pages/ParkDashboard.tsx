import { useQuery } from '@tanstack/react-query';
import { api, type County, type ParkDashboard, type ParkScope, type Productivity, type ProductivityFigures } from '../api';
import { errorText } from '../api/queries';
import { useI18n, useT } from '../i18n';
import { HBarChart, LineChart, SERIES_COLORS } from './Charts';

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

/** Figures as cards: [test id, label, value]. */
export function CardGrid({ cards }: { cards: [string, string, string][] }) {
  return (
    <div className="park-cards" data-testid="park-cards">
      {cards.map(([k, label, value]) => (
        <div key={k} className="card park-card" data-testid={`card-${k}`}><span className="muted small">{label}</span><b>{value}</b></div>
      ))}
    </div>
  );
}

export function Cards({ d }: { d: ParkDashboard }) {
  const t = useT();
  const c = d.cards;
  const cards: [string, string, string][] = [
    ['tasks', t('parkdash.card.tasks'), num(d.days.reduce((n, x) => n + x.tasks, 0))],
    ['annotations', t('parkdash.card.annotations'), num(c.annotations)],
    ['active', t('parkdash.card.active'), num(c.activeAnnotators)],
    ['acceptance', t('parkdash.card.acceptance'), pct(c.acceptanceRate)],
    ['gold', t('parkdash.card.gold'), pct(c.goldAccuracy)],
    ['seconds', t('parkdash.card.seconds'), c.secondsPerAnnotation == null ? '—' : c.secondsPerAnnotation.toFixed(1)],
    ['billed', t('parkdash.card.billed'), `¥${c.billed}`],
    ['earned', t('parkdash.card.earned'), `¥${c.earned}`],
  ];
  return <CardGrid cards={cards} />;
}

/** `all`: every county of the city, those without work too (the park's view: where it has no site yet shows). */
export function PerCounty({ d, all = false }: { d: ParkDashboard; all?: boolean }) {
  const t = useT();
  const name = useCountyName();
  const idle = !all ? [] : name.all.filter((c) => !d.counties.some((x) => x.countyCode === c.code))
    .map((c) => ({ countyCode: c.code, annotations: 0, accepted: 0, annotators: 0 }));
  const rows = [...d.counties, ...idle].sort((a, b) => b.annotations - a.annotations || a.countyCode.localeCompare(b.countyCode));
  return (
    <section className="card" data-testid="park-counties">
      <h3>{t('parkdash.perCounty')}</h3>
      {d.counties.length ? (
        <div className="two-col park-two">
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

/** The day 89 days before today (UTC): with today, the ninety days the park's charts cover. */
export const ninetyDaysAgo = () => new Date(Date.now() - 89 * 86_400_000).toISOString().slice(0, 10);

export function useProductivity(scope: ParkScope, by?: 'vendor' | 'site' | 'county' | 'team') {
  const from = ninetyDaysAgo();
  return useQuery({ queryKey: ['park', 'productivity', scope, from, by ?? null], queryFn: () => api.productivity(scope, from, by) });
}

/** Tasks and annotations per day over the ninety days, as two lines. */
export function TasksPerDay({ p }: { p: Productivity }) {
  const t = useT();
  const days = p.days;
  // A line that is nothing but zeros says nothing (tasks where only annotations were recorded): left out.
  const series = [
    { name: t('parkdash.tasks'), color: SERIES_COLORS[0]!, points: days.map((d) => ({ x: d.day.slice(5), y: d.figures.tasks })) },
    { name: t('parkdash.annotations'), color: SERIES_COLORS[1]!, points: days.map((d) => ({ x: d.day.slice(5), y: d.figures.annotations })) },
  ].filter((x) => x.points.some((pt) => pt.y > 0));
  return (
    <section className="card">
      <h3>{t('parkdash.tasksPerDay', { from: p.from, to: p.to })}</h3>
      {series.length ? <LineChart testId="chart-tasks-per-day" width={1100} series={series} /> : <p className="muted">{t('parkdash.noWork')}</p>}
    </section>
  );
}

/** Retention curves: per cohort (month people started), the share still working 30, 60 and 90 days on. */
export function RetentionSection({ scope }: { scope: ParkScope }) {
  const t = useT();
  const q = useQuery({ queryKey: ['park', 'retention', scope], queryFn: () => api.retention(scope) });
  const cohorts = (q.data?.cohorts ?? []).filter((c) => c.started > 0);
  const labels = [t('parkdash.start'), t('parkdash.after', { days: 30 }), t('parkdash.after', { days: 60 }), t('parkdash.after', { days: 90 })];
  return (
    <section className="card" data-testid="park-retention">
      <h3>{t('parkdash.retention')}</h3>
      <Pending q={q} />
      {q.data && (cohorts.length ? (
        <div className="two-col park-two">
          <LineChart testId="chart-retention" percent series={cohorts.slice(-8).map((c, i) => ({
            name: c.month, color: SERIES_COLORS[i % SERIES_COLORS.length]!,
            points: [1, c.after30, c.after60, c.after90].map((y, k) => ({ x: labels[k]!, y: y ?? null })),
          }))} />
          <table className="grid">
            <thead><tr><th>{t('parkdash.cohort')}</th><th className="num">{t('parkdash.started')}</th>
              <th className="num">{labels[1]}</th><th className="num">{labels[2]}</th><th className="num">{labels[3]}</th></tr></thead>
            <tbody>
              {cohorts.map((c) => (
                <tr key={c.month} data-testid={`cohort-${c.month}`}>
                  <td>{c.month}</td><td className="num">{c.started}</td>
                  <td className="num">{pct(c.after30)}</td><td className="num">{pct(c.after60)}</td><td className="num">{pct(c.after90)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : <p className="muted">{t('parkdash.noCohorts')}</p>)}
    </section>
  );
}

/** People employed per county: vendors, sites, seats, people placed at them, and who worked in the last 30 days. */
export function EmploymentSection({ vendor }: { vendor?: number }) {
  const t = useT();
  const name = useCountyName();
  const q = useQuery({ queryKey: ['park', 'employment', vendor ?? null], queryFn: () => api.employment(vendor) });
  const rows = [...(q.data?.counties ?? [])].sort((a, b) => b.people - a.people);
  return (
    <section className="card" data-testid="park-employment">
      <h3>{t('parkdash.employment')}</h3>
      <Pending q={q} />
      {q.data && (rows.length ? (
        <div className="two-col park-two">
          <HBarChart testId="chart-employment" color="#8064a2" data={rows.map((x) => ({ label: name(x.countyCode), value: x.people }))} />
          <table className="grid">
            <thead><tr><th>{t('parkui.county')}</th><th className="num">{t('parkdash.vendorsCount')}</th><th className="num">{t('parkdash.sitesCount')}</th>
              <th className="num">{t('parkui.seats')}</th><th className="num">{t('parkdash.people')}</th><th className="num">{t('parkdash.active30')}</th></tr></thead>
            <tbody>
              {rows.map((x) => (
                <tr key={x.countyCode} data-testid={`employment-${x.countyCode}`}>
                  <td>{name(x.countyCode)}</td><td className="num">{x.vendors}</td><td className="num">{x.sites}</td><td className="num">{x.seats}</td>
                  <td className="num">{x.people}</td><td className="num">{x.activeLast30Days}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : <p className="muted">{t('parkdash.noPeople')}</p>)}
    </section>
  );
}

/** A breakdown's groups (sites or teams of a vendor) with their figures, each linked to its own page. */
export function GroupsTable({ p, link, testId }: { p: Productivity; link: (key: string) => string; testId: string }) {
  const t = useT();
  const name = useCountyName();
  const county = p.by === 'county';
  return (
    <table className="grid" data-testid={testId}>
      <thead><tr><th>{t(county ? 'parkui.county' : 'parkdash.name')}</th><th className="num">{t('parkdash.tasks')}</th><th className="num">{t('parkdash.annotations')}</th>
        <th className="num">{t('parkdash.annotators')}</th><th className="num">{t('parkdash.acceptance')}</th><th className="num">{t('parkdash.gold')}</th>
        <th className="num">{t('parkdash.medianSeconds')}</th><th className="num">{t('parkdash.card.earned')}</th></tr></thead>
      <tbody>
        {p.groups.map((g) => (
          <tr key={g.key} data-testid={`group-${g.key}`}>
            <td>{county ? name(g.key) : <a href={link(g.key)}>{g.name}</a>}</td><td className="num">{num(g.figures.tasks)}</td>
            <td className="num">{num(g.figures.annotations)}</td><td className="num">{g.figures.activeAnnotators}</td>
            <td className="num">{pct(g.figures.acceptanceRate)}</td><td className="num">{pct(g.figures.goldAccuracy)}</td>
            <td className="num">{g.figures.medianSecondsPerTask == null ? '—' : g.figures.medianSecondsPerTask.toFixed(1)}</td><td className="num">¥{g.figures.earned}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Cards of one scope's totals (a site's, a team's). */
export function FigureCards({ f }: { f: ProductivityFigures }) {
  const t = useT();
  const cards: [string, string, string][] = [
    ['tasks', t('parkdash.tasks'), num(f.tasks)],
    ['annotations', t('parkdash.annotations'), num(f.annotations)],
    ['active', t('parkdash.card.active'), num(f.activeAnnotators)],
    ['acceptance', t('parkdash.card.acceptance'), pct(f.acceptanceRate)],
    ['gold', t('parkdash.card.gold'), pct(f.goldAccuracy)],
    ['seconds', t('parkdash.medianSeconds'), f.medianSecondsPerTask == null ? '—' : f.medianSecondsPerTask.toFixed(1)],
    ['earned', t('parkdash.card.earned'), `¥${f.earned}`],
  ];
  return <CardGrid cards={cards} />;
}
