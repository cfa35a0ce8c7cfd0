import { useT } from '../i18n';
import { useSession } from '../session';
import {
  Cards, EmploymentSection, GroupsTable, PerCounty, Pending, RetentionSection, TasksPerDay, useDashboard, useProductivity,
} from './ParkDashboard';

/** One vendor's figures: for the park operator (drilled down from the overview) and for the vendor's own admins and managers. */
export function ParkVendorPage({ vendorId }: { vendorId: number }) {
  const t = useT();
  const { org } = useSession();
  const q = useDashboard(vendorId);
  const d = q.data;
  const sites = useProductivity({ vendor: vendorId }, 'site');
  const teams = useProductivity({ vendor: vendorId }, 'team');
  const name = d?.vendors.find((v) => v.vendorOrganizationId === vendorId)?.name;
  return (
    <div className="page wide" data-testid="park-vendor-page">
      <div className="page-head">
        <a href="#/park" className="muted">← {t(org?.kind === 'operator' ? 'parkdash.back' : org?.kind === 'vendor' ? 'parkui.vendorTitle' : 'nav.park')}</a>
        <h1 data-testid="park-vendor-name">{name ?? t('parkdash.vendorTitle', { id: vendorId })}</h1>
      </div>
      <p className="banner info">{t('parkdash.simulated')}</p>
      <Pending q={q} />
      {d && <Cards d={d} />}
      <Pending q={sites} />
      {sites.data && <TasksPerDay p={sites.data} />}
      {sites.data && (
        <section className="card">
          <h3>{t('parkdash.sites')}</h3>
          <GroupsTable p={sites.data} testId="vendor-sites" link={(id) => `#/park/sites/${id}`} />
        </section>
      )}
      {teams.data && (
        <section className="card">
          <h3>{t('parkui.teams')}</h3>
          <GroupsTable p={teams.data} testId="vendor-teams" link={(id) => `#/park/teams/${id}`} />
        </section>
      )}
      {d && <PerCounty d={d} />}
      <RetentionSection scope={{ vendor: vendorId }} />
      <EmploymentSection vendor={vendorId} />
    </div>
  );
}
