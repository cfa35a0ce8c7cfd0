import { useQuery } from '@tanstack/react-query';
import { errorText } from '../api/queries';
import { releaseKeys, releasesApi } from '../api/releases';
import { useI18n, type MessageKey } from '../i18n';
import { useSession } from '../session';

const KNOWN = ['release.create', 'release.download', 'grant.request', 'grant.grant', 'grant.refuse', 'grant.revoke', 'export.download'];

/** The audit trail: the organisation's entries for its admins; the whole park's for the operator's admins. */
export function AuditPage({ park }: { park: boolean }) {
  const { t, lang } = useI18n();
  const { org } = useSession();
  const orgId = org?.id ?? 0;
  const query = useQuery({
    queryKey: releaseKeys.audit(park ? 'park' : orgId),
    queryFn: () => (park ? releasesApi.parkAudit() : releasesApi.orgAudit(orgId)),
    enabled: park || orgId > 0,
  });
  const entries = [...(query.data ?? [])].reverse();
  return (
    <div className="page wide" data-testid="audit">
      <div className="page-head">
        <h1>{park ? t('audit.parkTitle') : t('audit.title')}</h1>
        <span className="grow" />
        <a href={park ? '#/audit' : '#/audit/park'} className="small" data-testid="audit-switch">{park ? t('audit.mine') : t('audit.park')}</a>
      </div>
      <p className="muted small">{t('audit.help')}</p>
      {query.error && <div className="banner error" role="alert">{errorText(query.error, t)}</div>}
      {entries.length === 0 && !query.isPending && !query.error && <p className="muted">{t('audit.none')}</p>}
      {entries.length > 0 && (
        <table className="grid" data-testid="audit-entries">
          <thead><tr><th>#</th><th>{t('audit.col.when')}</th><th>{t('audit.col.action')}</th><th>{t('audit.col.subject')}</th><th>{t('audit.col.actor')}</th><th>{t('audit.col.details')}</th><th>{t('audit.col.hash')}</th></tr></thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.seq} data-testid={`audit-${e.seq}`} data-action={e.action}>
                <td className="num">{e.seq}</td>
                <td className="nowrap">{new Date(e.at).toLocaleString(lang, { dateStyle: 'short', timeStyle: 'medium' })}</td>
                <td className="nowrap">{KNOWN.includes(e.action) ? t(`audit.action.${e.action}` as MessageKey) : e.action}</td>
                <td className="mono small">{e.subject}</td>
                <td className="mono small">{e.actor}</td>
                <td className="mono small audit-details">{JSON.stringify(e.details)}</td>
                <td className="mono small" title={`${e.prevHash} → ${e.hash}`}>{e.hash.slice(0, 10)}…</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
