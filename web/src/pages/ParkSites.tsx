import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, type Site, type SiteRequest } from '../api';
import { errorText } from '../api/queries';
import { useT } from '../i18n';
import { useCountyName } from './ParkDashboard';

type SiteFields = { name: string; countyCode: string; seats: string; opens: string; closes: string; blockOverSeats: boolean };

const fieldsOf = (s: Site): SiteFields =>
  ({ name: s.name, countyCode: s.county.code, seats: String(s.seats), opens: s.opens, closes: s.closes, blockOverSeats: s.blockOverSeats });
const requestOf = (f: SiteFields): SiteRequest => ({ ...f, seats: Number(f.seats) });

/** A site's terms: name, county, seats, opening hours, and whether it refuses sign-ins past its seats. */
function SiteForm({ initial, submitLabel, pending, onSubmit, onCancel, testId }: {
  initial: SiteFields; submitLabel: string; pending: boolean; onSubmit: (f: SiteFields) => void; onCancel?: () => void; testId: string;
}) {
  const t = useT();
  const county = useCountyName();
  const [f, setF] = useState(initial);
  return (
    <form className="row wrap" data-testid={testId} onSubmit={(e) => { e.preventDefault(); onSubmit(f); }}>
      <label>{t('parkui.site')} <input data-testid="site-name" required value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} /></label>
      <label>{t('parkui.county')} <select data-testid="site-county" value={f.countyCode} onChange={(e) => setF({ ...f, countyCode: e.target.value })}>
        {county.all.map((c) => <option key={c.code} value={c.code}>{c.nameZh} {c.nameEn}</option>)}</select></label>
      <label>{t('parkui.seats')} <input data-testid="site-seats" required inputMode="numeric" size={5} value={f.seats} onChange={(e) => setF({ ...f, seats: e.target.value })} /></label>
      <label>{t('parkui.opens')} <input data-testid="site-opens" type="time" value={f.opens} onChange={(e) => setF({ ...f, opens: e.target.value })} /></label>
      <label>{t('parkui.closes')} <input data-testid="site-closes" type="time" value={f.closes} onChange={(e) => setF({ ...f, closes: e.target.value })} /></label>
      <label className="check"><input data-testid="site-block" type="checkbox" checked={f.blockOverSeats} onChange={(e) => setF({ ...f, blockOverSeats: e.target.checked })} />{t('parkui.block')}</label>
      <button type="submit" data-testid="site-save" disabled={pending}>{submitLabel}</button>
      {onCancel && <button type="button" className="link" onClick={onCancel}>{t('common.cancel')}</button>}
    </form>
  );
}

/** A vendor's work sites and seats: seats in use, over its seats, and a form to change each or open another. */
export function SitesSection({ orgId, sites, admin, onDone }: { orgId: number; sites: Site[]; admin: boolean; onDone: () => void }) {
  const t = useT();
  const county = useCountyName();
  const [editing, setEditing] = useState<number | null>(null);
  const create = useMutation({ mutationFn: (f: SiteFields) => api.createSite(orgId, requestOf(f)), onSuccess: onDone });
  const update = useMutation({
    mutationFn: ({ id, f }: { id: number; f: SiteFields }) => api.updateSite(id, requestOf(f)),
    onSuccess: () => { setEditing(null); onDone(); },
  });
  const failure = create.error ?? update.error;
  return (
    <section className="card">
      <h2>{t('parkui.sites')}</h2>
      <table className="grid" data-testid="sites">
        <thead><tr><th>{t('parkui.site')}</th><th>{t('parkui.county')}</th><th>{t('parkui.seats')}</th><th>{t('parkui.hours')}</th><th>{t('parkui.people')}</th><th>{t('parkui.block')}</th><th /></tr></thead>
        <tbody>
          {sites.map((s) => (
            editing === s.id ? (
              <tr key={s.id} data-testid={`site-${s.id}`}><td colSpan={7}>
                <SiteForm testId="site-edit-form" initial={fieldsOf(s)} submitLabel={t('common.save')} pending={update.isPending}
                  onSubmit={(f) => update.mutate({ id: s.id, f })} onCancel={() => { setEditing(null); update.reset(); }} />
              </td></tr>
            ) : (
              <tr key={s.id} data-testid={`site-${s.id}`}>
                <td><a href={`#/park/sites/${s.id}`}>{s.name}</a></td><td>{county(s.county.code)}</td>
                <td data-testid="site-seats-in-use">{t('parkui.seatsInUse', { inUse: s.seatsInUse, seats: s.seats })}{s.overSeats && <strong className="error"> {t('parkui.overSeats')}</strong>}</td>
                <td>{s.opens}–{s.closes}</td><td>{s.people}</td>
                <td>{s.blockOverSeats ? t('parkdash.yes') : t('parkdash.no')}</td>
                <td>{admin && <button type="button" className="link" data-testid="site-edit" onClick={() => setEditing(s.id)}>{t('parkdash.edit')}</button>}</td>
              </tr>
            )
          ))}
        </tbody>
      </table>
      {admin && (
        <details>
          <summary>{t('parkui.addSite')}</summary>
          <SiteForm testId="site-form" initial={{ name: '', countyCode: '140213', seats: '10', opens: '08:00', closes: '20:00', blockOverSeats: false }}
            submitLabel={t('parkui.addSite')} pending={create.isPending} onSubmit={(f) => create.mutate(f)} />
        </details>
      )}
      {failure && <p className="error" role="alert">{errorText(failure, t)}</p>}
    </section>
  );
}
