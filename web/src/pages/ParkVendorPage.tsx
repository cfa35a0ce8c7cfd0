import { useT } from '../i18n';
import { Cards, PerCounty, PerDay, Pending, useDashboard } from './ParkDashboard';

/** One vendor's figures: for the park operator (drilled down from the overview) and for the vendor's own admins and managers. */
export function ParkVendorPage({ vendorId }: { vendorId: number }) {
  const t = useT();
  const q = useDashboard(vendorId);
  const d = q.data;
  const name = d?.vendors.find((v) => v.vendorOrganizationId === vendorId)?.name;
  return (
    <div className="page wide" data-testid="park-vendor-page">
      <div className="page-head">
        <a href="#/park" className="muted">← {t('parkdash.back')}</a>
        <h1 data-testid="park-vendor-name">{name ?? t('parkdash.vendorTitle', { id: vendorId })}</h1>
      </div>
      <p className="banner info">{t('parkdash.simulated')}</p>
      <Pending q={q} />
      {d && (
        <>
          <Cards d={d} />
          <PerDay d={d} />
          <PerCounty d={d} />
        </>
      )}
    </div>
  );
}
