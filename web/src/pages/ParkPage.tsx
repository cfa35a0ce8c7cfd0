import { Fragment, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Contract, type ContractEvent } from '../api';
import { errorText, keys, useMembers } from '../api/queries';
import { useT, type MessageKey } from '../i18n';
import { useSession } from '../session';
import { workforceApi as w, workforceKeys as wk, type Certificate } from '../api/workforce';
import { useSkillName } from './WorkforcePage';
import { useCountyName } from './ParkDashboard';
import { PayRates } from './ParkPayRates';
import { SitesSection } from './ParkSites';
import { Statements } from './ParkStatements';
import { VendorProgressSection } from './ParkVendorProgress';

/** A day as YYYY-MM-DD in the reader's time zone: the same in both languages, never month-first. */
export const fmtDate = (iso: string) => {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

/** Which events a side may send in a state (the server checks again: ContractLifecycle). */
function events(c: Contract, vendor: boolean): ContractEvent[] {
  if (vendor) return c.state === 'proposed' ? ['accept', 'decline'] : c.state === 'accepted' || c.state === 'active' ? ['close'] : [];
  return c.state === 'accepted' ? ['activate', 'close'] : c.state === 'proposed' || c.state === 'active' ? ['close'] : [];
}

/** The park for the current organisation: a vendor's contracts, sites, teams and people; a client's contracts and offers. */
export function ParkPage() {
  const t = useT();
  const { org } = useSession();
  const qc = useQueryClient();
  const orgId = org?.id ?? 0;
  const vendor = org?.kind === 'vendor';
  const admin = !!org?.roles.includes('admin');
  const [ratesOf, setRatesOf] = useState<number | null>(null);
  const contracts = useQuery({ queryKey: keys.contracts(orgId), queryFn: () => api.contracts(orgId), enabled: !!org });
  const teams = useQuery({ queryKey: keys.teams(orgId), queryFn: () => api.teams(orgId), enabled: vendor });
  const sites = useQuery({ queryKey: keys.sites(orgId), queryFn: () => api.sites(orgId), enabled: vendor });
  const members = useMembers(orgId, vendor);
  const certs = useQuery({ queryKey: wk.people(orgId), queryFn: () => w.people(orgId), enabled: vendor });
  const refresh = () => { void qc.invalidateQueries({ queryKey: ['park', orgId] }); };
  const act = useMutation({ mutationFn: ({ id, e }: { id: number; e: ContractEvent }) => api.actOnContract(id, e), onSuccess: refresh });
  const staff = useMutation({
    mutationFn: ({ c, teamId }: { c: Contract; teamId: number }) => api.staffContract(c.id, c.userIds, [...new Set([...c.teamIds, teamId])]),
    onSuccess: refresh,
  });
  const failure = contracts.error ?? act.error ?? staff.error ?? teams.error ?? sites.error ?? certs.error;
  if (!org) return <div className="page"><p className="empty-state">{t('members.noOrg')}</p></div>;
  const teamName = (id: number) => teams.data?.find((x) => x.id === id)?.name ?? `#${id}`;
  const name = (id: number) => members.data?.find((m) => m.userId === id)?.name ?? `#${id}`;

  return (
    <div className="page wide park-console" data-testid="park-page">
      <div className="page-head">
        <h1>{t(vendor ? 'parkui.vendorTitle' : 'parkui.clientTitle')}</h1>
        {vendor && <a href={`#/park/vendors/${orgId}`} data-testid="vendor-figures">{t('parkdash.ourFigures')}</a>}
      </div>
      {failure && <p className="error" role="alert">{errorText(failure, t)}</p>}
      {!vendor && <OfferForm orgId={orgId} onDone={refresh} />}
      <section className="card">
        <h2>{t('parkui.contracts')}</h2>
        {contracts.data?.length === 0 && <p className="empty-state">{t('parkui.noContracts')}</p>}
        {!!contracts.data?.length && (
          <table className="grid" data-testid="contracts">
            <thead><tr>
              <th>{t('parkui.project')}</th><th>{t(vendor ? 'parkui.client' : 'parkui.vendor')}</th><th>{t('parkui.state')}</th>
              <th>{t('parkui.progress')}</th><th>{t('parkui.price')}</th><th>{t('parkui.deadline')}</th><th>{t('parkui.visibility')}</th>
              {vendor && <th>{t('parkui.teams')}</th>}<th />
            </tr></thead>
            <tbody>
              {contracts.data.map((c) => (<Fragment key={c.id}>
                <tr data-testid={`contract-${c.id}`}>
                  <td>{c.projectName}</td>
                  <td>{vendor ? c.clientName : c.vendorName}</td>
                  <td data-testid="contract-state" style={{ whiteSpace: 'nowrap' }}>{t(`parkui.state.${c.state}` as MessageKey)}</td>
                  <td data-testid="contract-progress">
                    <progress max={c.quota} value={c.used} /><br />{t('parkui.used', { used: c.used, quota: c.quota, submitted: c.submitted })}
                  </td>
                  <td style={{ whiteSpace: 'nowrap' }}>¥{c.unitPrice}</td>
                  <td>{fmtDate(c.deadline)}{new Date(c.deadline) < new Date() && <span className="error"> {t('parkui.pastDeadline')}</span>}</td>
                  <td>{t(`parkui.visibility.${c.visibility}` as MessageKey)}</td>
                  {vendor && (
                    <td>
                      {c.teamIds.map(teamName).concat(c.userIds.map(name)).join('、') || '—'}
                      {(c.state === 'accepted' || c.state === 'active' || c.state === 'proposed') && !!teams.data?.length && (
                        <select data-testid="put-team" value="" aria-label={t('parkui.putTeam')}
                          onChange={(e) => e.target.value && staff.mutate({ c, teamId: Number(e.target.value) })}>
                          <option value="">{t('parkui.putTeam')}</option>
                          {teams.data.filter((x) => !c.teamIds.includes(x.id)).map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
                        </select>
                      )}
                    </td>
                  )}
                  <td><div className="row">
                    {vendor && c.state !== 'declined' && c.state !== 'closed' && (
                      <button type="button" className="link" data-testid="contract-pay" onClick={() => setRatesOf(ratesOf === c.id ? null : c.id)}>{t('parkdash.payRates')}</button>
                    )}
                    {events(c, vendor).map((e) => (
                      <button key={e} type="button" data-testid={`contract-${e}`} disabled={act.isPending}
                        onClick={() => act.mutate({ id: c.id, e })}>{t(`parkui.event.${e}` as MessageKey)}</button>
                    ))}
                  </div></td>
                </tr>
                {ratesOf === c.id && (
                  <tr data-testid={`contract-${c.id}-rates`}><td colSpan={9}><span className="muted small">{t('parkdash.payRatesNote')}</span>
                    <PayRates contract={c} teams={teams.data ?? []} /></td></tr>
                )}
              </Fragment>))}
            </tbody>
          </table>
        )}
      </section>
      {!vendor && <VendorProgressSection contracts={contracts.data ?? []} />}
      {vendor && <SitesSection orgId={orgId} sites={sites.data ?? []} admin={admin} onDone={refresh} />}
      {vendor && (
        <section className="card">
          <h2>{t('parkui.teams')}</h2>
          <TeamForm orgId={orgId} people={members.data ?? []} onDone={refresh} />
          <table className="grid" data-testid="teams">
            <thead><tr><th>{t('parkui.team')}</th><th>{t('parkui.lead')}</th><th>{t('parkui.members')}</th><th>{t('parkui.contracts')}</th></tr></thead>
            <tbody>
              {(teams.data ?? []).map((x) => (
                <tr key={x.id} data-testid={`team-${x.id}`}><td><a href={`#/park/teams/${x.id}`} data-testid="team-link">{x.name}</a></td><td>{name(x.leadUserId)}</td><td>{x.memberIds.length}</td><td>{x.contractIds.map((id) => contracts.data?.find((c) => c.id === id)?.projectName ?? `#${id}`).join('、') || '—'}</td></tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {vendor && (
        <section className="card">
          <h2>{t('parkui.people')}</h2>
          <table className="grid" data-testid="vendor-people">
            <thead><tr><th>{t('parkui.person')}</th><th>{t('parkui.site')}</th><th>{t('parkui.team')}</th><th>{t('parkui.certificates')}</th></tr></thead>
            <tbody>
              {(members.data ?? []).filter((m) => m.roles.includes('annotator') || m.roles.includes('reviewer')).map((m) => (
                <tr key={m.userId} data-testid={`person-${m.userId}`}>
                  <td>{m.name} <span className="muted small">{m.email}</span></td>
                  <td>{sites.data?.find((s) => s.id === m.siteId)?.name ?? '—'}</td>
                  <td>{(teams.data ?? []).filter((x) => x.memberIds.includes(m.userId)).map((x) => x.name).join('、') || '—'}</td>
                  <td data-testid="person-certificates"><PersonCertificates certs={(certs.data ?? []).filter((c) => c.userId === m.userId && !c.revokedAt)} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <Statements orgId={orgId} vendor={vendor} admin={admin} contracts={contracts.data ?? []} personName={name} />
    </div>
  );
}

/** A person's certificates, one a line: skill, level, issued → expires; expired ones marked. */
function PersonCertificates({ certs }: { certs: Certificate[] }) {
  const t = useT();
  const name = useSkillName();
  if (certs.length === 0) return <>—</>;
  return (
    <ul className="plain small">
      {certs.map((c) => (
        <li key={c.id} data-testid={`person-certificate-${c.skillCode}`} className={c.valid ? undefined : 'muted'}>
          {t('parkui.certificateLine', { skill: name(c), level: c.level, issued: fmtDate(c.issuedAt), expires: c.expiresAt ? fmtDate(c.expiresAt) : t('parkui.noExpiry') })}
          {!c.valid && <> · {t('wf.expired')}</>}
        </li>
      ))}
    </ul>
  );
}

function OfferForm({ orgId, onDone }: { orgId: number; onDone: () => void }) {
  const t = useT();
  const projects = useQuery({ queryKey: keys.projects(orgId), queryFn: () => api.projects(orgId) });
  const vendors = useQuery({ queryKey: ['park', 'vendors'], queryFn: api.vendors });
  const county = useCountyName();
  const [f, setF] = useState<{ projectId: number; vendor: string; quota: string; unitPrice: string; visibility: 'work' | 'progress'; deadline: string }>(() => ({
    projectId: 0, vendor: '', quota: '100', unitPrice: '0.05', visibility: 'progress',
    deadline: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
  }));
  const offer = useMutation({
    mutationFn: () => api.offerContract({
      projectId: f.projectId || projects.data![0]!.id, vendorOrganizationId: Number(f.vendor), quota: Number(f.quota),
      unitPrice: f.unitPrice, deadline: new Date(`${f.deadline}T23:59:00`).toISOString(), visibility: f.visibility,
    }),
    onSuccess: onDone,
  });
  return (
    <section className="card">
      <h2>{t('parkui.offer')}</h2>
      <form className="row wrap" data-testid="offer-form" onSubmit={(e) => { e.preventDefault(); offer.mutate(); }}>
        <label>{t('parkui.project')} <select data-testid="offer-project" value={f.projectId} onChange={(e) => setF({ ...f, projectId: Number(e.target.value) })}>
          {(projects.data ?? []).map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}</select></label>
        <label>{t('parkui.vendor')} <select data-testid="offer-vendor" required value={f.vendor} onChange={(e) => setF({ ...f, vendor: e.target.value })}>
          <option value="">{t('parkdash.pickVendor')}</option>
          {(vendors.data ?? []).map((v) => (
            <option key={v.id} value={v.id}>{v.name}{v.counties.length ? ` · ${v.counties.map(county).join('、')}` : ''}</option>
          ))}</select></label>
        <label>{t('parkui.quota')} <input data-testid="offer-quota" required inputMode="numeric" value={f.quota} onChange={(e) => setF({ ...f, quota: e.target.value })} /></label>
        <label>{t('parkui.unitPrice')} <input data-testid="offer-price" required value={f.unitPrice} onChange={(e) => setF({ ...f, unitPrice: e.target.value })} /></label>
        <label>{t('parkui.deadline')} <input data-testid="offer-deadline" type="date" required value={f.deadline} onChange={(e) => setF({ ...f, deadline: e.target.value })} /></label>
        <label>{t('parkui.visibility')} <select value={f.visibility} onChange={(e) => setF({ ...f, visibility: e.target.value as "work" | "progress" })}>
          <option value="work">{t('parkui.visibility.work')}</option><option value="progress">{t('parkui.visibility.progress')}</option></select></label>
        <button type="submit" data-testid="offer-submit" disabled={offer.isPending || !projects.data?.length}>{t('parkui.offerSend')}</button>
      </form>
      {offer.error && <p className="error" role="alert">{errorText(offer.error, t)}</p>}
    </section>
  );
}

function TeamForm({ orgId, people, onDone }: { orgId: number; people: { userId: number; name: string }[]; onDone: () => void }) {
  const t = useT();
  const [f, setF] = useState({ name: '', lead: 0, members: [] as number[] });
  const create = useMutation({
    mutationFn: () => api.createTeam(orgId, { name: f.name, leadUserId: f.lead || people[0]!.userId, memberIds: f.members }),
    onSuccess: () => { setF({ name: '', lead: 0, members: [] }); onDone(); },
  });
  return (
    <form className="row wrap" data-testid="team-form" onSubmit={(e) => { e.preventDefault(); create.mutate(); }}>
      <label>{t('parkui.team')} <input data-testid="team-name" required value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} /></label>
      <label>{t('parkui.lead')} <select data-testid="team-lead" value={f.lead} onChange={(e) => setF({ ...f, lead: Number(e.target.value) })}>
        {people.map((p) => <option key={p.userId} value={p.userId}>{p.name}</option>)}</select></label>
      <label>{t('parkui.members')} <select multiple data-testid="team-members" value={f.members.map(String)}
        onChange={(e) => setF({ ...f, members: [...e.target.selectedOptions].map((o) => Number(o.value)) })}>
        {people.map((p) => <option key={p.userId} value={p.userId}>{p.name}</option>)}</select></label>
      <button type="submit" data-testid="team-create" disabled={create.isPending || !people.length}>{t('parkui.addTeam')}</button>
      {create.error && <p className="error" role="alert">{errorText(create.error, t)}</p>}
    </form>
  );
}
