import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorText } from '../api/queries';
import { releaseKeys, releasesApi, type Grant } from '../api/releases';
import { useI18n, useT, type MessageKey } from '../i18n';
import { useSession } from '../session';

/** The organisation's grants (授权): requests for its releases to decide or revoke, and its own requests. */
export function GrantsPage() {
  const t = useT();
  const { org } = useSession();
  const orgId = org?.id ?? 0;
  const query = useQuery({ queryKey: releaseKeys.grants(orgId), queryFn: () => releasesApi.grants(orgId), enabled: orgId > 0 });
  const all = query.data ?? [];
  const incoming = all.filter((g) => g.ownerOrganizationId === orgId);
  const outgoing = all.filter((g) => g.granteeOrganizationId === orgId);
  return (
    <div className="page wide" data-testid="grants">
      <div className="page-head"><h1>{t('grant.title')}</h1></div>
      {query.error && <div className="banner error" role="alert">{errorText(query.error, t)}</div>}
      <section className="card">
        <h3>{t('grant.incoming')}</h3>
        {incoming.length === 0 ? <p className="muted" data-testid="grants-incoming-empty">{t('grant.none')}</p> : <GrantTable grants={incoming} owner />}
      </section>
      <section className="card">
        <h3>{t('grant.outgoing')}</h3>
        {outgoing.length === 0 ? <p className="muted">{t('grant.none')}</p> : <GrantTable grants={outgoing} owner={false} />}
      </section>
    </div>
  );
}

function GrantTable({ grants, owner }: { grants: Grant[]; owner: boolean }) {
  const { t, lang } = useI18n();
  return (
    <table className="grid" data-testid={owner ? 'grants-incoming' : 'grants-outgoing'}>
      <thead><tr>
        <th>{t('grant.col.dataset')}</th><th>{owner ? t('grant.col.grantee') : t('grant.col.owner')}</th><th>{t('grant.purpose')}</th>
        <th>{t('grant.col.scope')}</th><th>{t('grant.col.status')}</th><th />
      </tr></thead>
      <tbody>
        {grants.map((g) => (
          <tr key={g.id} data-testid={`grant-${g.id}`} data-status={g.status}>
            <td><a href={`#/catalogue/${g.projectId}`}>{g.projectName}</a> · {t('rel.number', { n: g.releaseNumber })}</td>
            <td>{owner ? g.granteeName : ''}{owner ? <span className="muted small"> · {g.requestedBy}</span> : null}</td>
            <td>{g.purpose}</td>
            <td>{t('grant.scope', { days: g.days, formats: g.formats.join(', ') })}</td>
            <td>
              <span className={`pill grant-${g.status}`}>{t(`grant.st.${g.status}` as MessageKey)}</span>
              {g.expiresAt && <span className="muted small"> {t('grant.until', { date: new Date(g.expiresAt).toLocaleDateString(lang) })}</span>}
            </td>
            <td>{owner && <Decide grant={g} />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Decide({ grant }: { grant: Grant }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const done = () => void queryClient.invalidateQueries({ queryKey: ['grants'] });
  const decide = useMutation({ mutationFn: (yes: boolean) => releasesApi.decide(grant.id, yes, reason), onSuccess: done });
  const revoke = useMutation({ mutationFn: () => releasesApi.revoke(grant.id, reason), onSuccess: done });
  const error = decide.error ?? revoke.error;
  if (grant.status !== 'requested' && grant.status !== 'granted') return null;
  return (
    <div className="row wrap">
      <input placeholder={t('grant.reason')} value={reason} onChange={(e) => setReason(e.target.value)} data-testid={`grant-reason-${grant.id}`} />
      {grant.status === 'requested' && <>
        <button type="button" className="primary" onClick={() => decide.mutate(true)} data-testid={`grant-approve-${grant.id}`}>{t('grant.approve')}</button>
        <button type="button" onClick={() => decide.mutate(false)} data-testid={`grant-refuse-${grant.id}`}>{t('grant.refuse')}</button>
      </>}
      {grant.status === 'granted' && <button type="button" className="danger" onClick={() => revoke.mutate()} data-testid={`grant-revoke-${grant.id}`}>{t('grant.revoke')}</button>}
      {error && <span className="banner error" role="alert">{errorText(error, t)}</span>}
    </div>
  );
}
