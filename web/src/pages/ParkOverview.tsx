import { useT } from '../i18n';
import { HBarChart } from './Charts';
import { Cards, EmploymentSection, num, pct, PerCounty, Pending, RetentionSection, TasksPerDay, useDashboard, useProductivity } from './ParkDashboard';

/** The park operator's overview: the whole park's cards, work per day and per county, vendors ranked. */
export function ParkOverview() {
  const t = useT();
  const q = useDashboard(null);
  const d = q.data;
  const p = useProductivity({});
  return (
    <div className="page wide" data-testid="park-overview">
      <h1>{t('parkdash.title')}</h1>
      <p className="banner info" data-testid="park-simulated">{t('parkdash.simulated')}</p>
      <Pending q={q} />
      {d && (
        <>
          <Cards d={d} />
          <Pending q={p} />
          {p.data && <TasksPerDay p={p.data} />}
          <PerCounty d={d} all />
          <section className="card" data-testid="park-vendors">
            <h3>{t('parkdash.vendors')}</h3>
            {d.vendors.length ? (
              <div className="two-col park-two">
                <HBarChart testId="chart-park-vendors" labelWidth={230} data={d.vendors.map((v) => ({ label: v.name, value: v.annotations }))} format={num} />
                <table className="grid">
                  <thead><tr><th>#</th><th>{t('parkui.vendor')}</th><th className="num">{t('parkdash.annotations')}</th><th className="num">{t('parkdash.acceptance')}</th><th className="num">{t('parkdash.gold')}</th></tr></thead>
                  <tbody>
                    {d.vendors.map((v, i) => (
                      <tr key={v.vendorOrganizationId} data-testid={`vendor-${v.vendorOrganizationId}`}>
                        <td>{i + 1}</td>
                        <td><a href={`#/park/vendors/${v.vendorOrganizationId}`} data-testid="vendor-link">{v.name}</a></td>
                        <td className="num">{num(v.annotations)}</td><td className="num">{pct(v.acceptanceRate)}</td><td className="num">{pct(v.goldAccuracy)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : <p className="muted">{t('parkdash.noWork')}</p>}
          </section>
          <RetentionSection scope={{}} />
          <EmploymentSection />
        </>
      )}
    </div>
  );
}
